package dev.interlock.liveness;

import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

import static dev.interlock.liveness.CheckedLockTest.awaitWaitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A checked read-write lock keeps {@code ReentrantReadWriteLock}'s contract and tracks readers and the writer. */
class CheckedReadWriteLockTest {

    private final ReadWriteLock rw = new LockOrderChecker(Policy.THROW).newReadWriteLock("R");
    private final TrackedLock read = (TrackedLock) rw.readLock();
    private final TrackedLock write = (TrackedLock) rw.writeLock();

    @Test
    void readersShareAndAreListedAsHolders() throws Exception {
        CyclicBarrier bothIn = new CyclicBarrier(3);
        CountDownLatch leave = new CountDownLatch(1);
        Thread[] readers = new Thread[2];
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 2; i++) {
                readers[i] = threads.start("reader-" + i, () -> {
                    rw.readLock().lock();
                    try {
                        bothIn.await();
                        leave.await();
                    } finally {
                        rw.readLock().unlock();
                    }
                });
            }
            bothIn.await();
            assertThat(read.holders()).containsExactlyInAnyOrder(readers);
            assertThat(write.holders()).isEmpty();
            assertThat(rw.writeLock().tryLock()).as("no writer while readers hold").isFalse();
            leave.countDown();
        }
        assertThat(read.holders()).isEmpty();
        assertThat(read.name()).isEqualTo("R");
        assertThat(write.name()).isEqualTo("R");
    }

    @Test
    void aReentrantReaderStaysListedUntilItsLastRelease() {
        rw.readLock().lock();
        rw.readLock().lock();
        rw.readLock().unlock();
        assertThat(read.holders()).containsExactly(Thread.currentThread());
        rw.readLock().unlock();
        assertThat(read.holders()).isEmpty();
    }

    @Test
    void aWriterExcludesReadersAndMayDowngrade() throws Exception {
        rw.writeLock().lock();
        assertThat(write.holders()).containsExactly(Thread.currentThread());
        try (TestThreads threads = new TestThreads()) {
            threads.start("reader", () -> assertThat(rw.readLock().tryLock()).isFalse());
        }
        rw.readLock().lock(); // downgrade: the writer may read
        rw.writeLock().unlock();
        assertThat(write.holders()).isEmpty();
        assertThat(read.holders()).containsExactly(Thread.currentThread());
        rw.readLock().unlock();
    }

    @Test
    void aBlockedWriterWaitsInTheRegistryWithModeWrite() throws Exception {
        rw.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("writer", () -> {
                rw.writeLock().lock();
                rw.writeLock().unlock();
            });
            awaitWaitingFor(t, rw.writeLock());
            assertThat(WaitRegistry.of(t).mode()).isEqualTo("write");
            assertThat(((AbstractCheckedLock) rw.writeLock()).blockersOf(t)).containsExactly(Thread.currentThread());
            rw.readLock().unlock();
        }
    }

    @Test
    void aReaderQueuedBehindAWriterWaitsForIt() throws Exception {
        rw.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("reader", () -> {
                rw.readLock().lock();
                rw.readLock().unlock();
            });
            awaitWaitingFor(t, rw.readLock());
            assertThat(WaitRegistry.of(t).mode()).isEqualTo("read");
            assertThat(((AbstractCheckedLock) rw.readLock()).blockersOf(t)).containsExactly(Thread.currentThread());
            rw.writeLock().unlock();
        }
    }

    @Test
    void readLocksHaveNoConditionsAndUnmatchedUnlocksThrow() {
        assertThatThrownBy(() -> rw.readLock().newCondition()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(rw.writeLock().newCondition()).isNotNull();
        assertThatThrownBy(() -> rw.readLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> rw.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(read.holders()).isEmpty();
    }

    @Test
    void writersExcludeEachOtherAndReadersSeeWholeUpdates() throws Exception {
        long[] pair = {0, 0};
        Lock w = rw.writeLock();
        Lock r = rw.readLock();
        CyclicBarrier start = new CyclicBarrier(3);
        try (TestThreads threads = new TestThreads()) {
            for (int t = 0; t < 2; t++) {
                threads.start("writer-" + t, () -> {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        w.lock();
                        try {
                            pair[0]++;
                            pair[1]++;
                        } finally {
                            w.unlock();
                        }
                    }
                });
            }
            threads.start("reader", () -> {
                start.await();
                for (int i = 0; i < 10_000; i++) {
                    r.lock();
                    try {
                        assertThat(pair[0]).isEqualTo(pair[1]);
                    } finally {
                        r.unlock();
                    }
                }
            });
        }
        assertThat(pair[0]).isEqualTo(20_000);
        assertThat(rw.toString()).contains("R");
    }
}

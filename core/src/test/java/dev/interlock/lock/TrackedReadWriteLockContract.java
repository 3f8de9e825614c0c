package dev.interlock.lock;

import dev.interlock.liveness.WaitRegistry;
import dev.interlock.liveness.WaitStats;
import dev.interlock.testing.ReadWriteLockContract;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Interlock's three reader/writer locks promise beyond {@link ReadWriteLockContract}: names,
 * holders, wait accounting and registration (the {@link dev.interlock.liveness.TrackedLock} side),
 * the query methods, the upgrade refusal's message, conditions refused to a writer that also reads,
 * and the clean-up of ended readers' entries. Waiting threads are confirmed parked on the lock's own
 * conditions (readers', writers' and each write-lock condition's wait set), in these tests and in the
 * inherited {@code Lock} contract of each side. Each lock's test adds its preference policy.
 *
 * @param <L> the lock under test
 */
abstract class TrackedReadWriteLockContract<L extends AbstractReadWriteLock> extends ReadWriteLockContract<L> {

    /** A lock called {@code name}, through the public constructor. */
    abstract L newLock(String name);

    /** The class's simple name, the prefix of default names. */
    abstract String className();

    @Override
    protected Object readWaitBlocker(L lock) {
        return lock.readerBlocker();
    }

    @Override
    protected Object writeWaitBlocker(L lock) {
        return lock.writerBlocker();
    }

    @Override
    protected boolean isConditionWaitBlocker(Condition condition, Object blocker) {
        return blocker == AbstractReadWriteLock.conditionBlocker(condition);
    }

    // ------------------------------------------------------------------ names

    @Test
    void defaultNamesAreTheClassNameAndAUniqueNumber() {
        String a = newLock().name();
        String b = newLock().name();
        assertThat(a).matches(className() + "@\\d+");
        assertThat(b).matches(className() + "@\\d+").isNotEqualTo(a);
    }

    @Test
    void givenNameIsUsedAndNullIsRefused() {
        L lock = newLock("prices");
        assertThat(lock.name()).isEqualTo("prices");
        assertThat(lock.toString()).startsWith("prices[unlocked");
        assertThatThrownBy(() -> newLock(null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ holders, queries

    @Test
    void holdersNameTheWriterOrTheReaders() throws Exception {
        L lock = newLock();
        Thread me = Thread.currentThread();
        assertThat(lock.holders()).isEmpty();
        lock.writeLock().lock();
        assertThat(lock.holders()).containsExactly(me);
        lock.readLock().lock(); // downgrade in progress: listed once
        assertThat(lock.holders()).containsExactly(me);
        lock.writeLock().unlock();
        assertThat(lock.holders()).containsExactly(me);
        CyclicBarrier in = new CyclicBarrier(2);
        CyclicBarrier out = new CyclicBarrier(2);
        try (TestThreads threads = new TestThreads()) {
            Thread other = threads.start("other-reader", () -> {
                lock.readLock().lock();
                try {
                    in.await();
                    out.await();
                } finally {
                    lock.readLock().unlock();
                }
            });
            in.await();
            assertThat(lock.holders()).containsExactlyInAnyOrder(me, other);
            out.await();
        }
        assertThat(lock.holders()).containsExactly(me);
        lock.readLock().unlock();
        assertThat(lock.holders()).isEmpty();
    }

    @Test
    void queryMethodsDescribeTheCallersHoldsAndTheLock() throws Exception {
        L lock = newLock();
        assertThat(lock.isWriteLocked()).isFalse();
        lock.writeLock().lock();
        lock.writeLock().lock();
        assertThat(lock.isWriteLocked()).isTrue();
        assertThat(lock.isWriteLockedByCurrentThread()).isTrue();
        assertThat(lock.getWriteHoldCount()).isEqualTo(2);
        lock.readLock().lock();
        assertThat(lock.getReadHoldCount()).isEqualTo(1);
        assertThat(lock.getReaderCount()).isEqualTo(1);
        lock.writeLock().unlock();
        lock.writeLock().unlock();
        assertThat(lock.isWriteLocked()).isFalse();
        assertThat(lock.getWriteHoldCount()).isZero();
        lock.readLock().lock();
        assertThat(lock.getReadHoldCount()).isEqualTo(2);
        assertThat(lock.getReaderCount()).as("threads, not holds").isEqualTo(1);
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            assertThat(lock.hasQueuedWriters()).isTrue();
            assertThat(lock.toString()).contains("read locked by 1 thread", "writers waiting");
            lock.readLock().unlock();
            lock.readLock().unlock();
        }
        assertThat(lock.hasQueuedWriters()).isFalse();
        assertThat(lock.getReaderCount()).isZero();
    }

    // ------------------------------------------------------------------ wait registry and stats

    @Test
    void blockedAcquirersAreRegisteredWithTheirModeUntilTheyEnter() throws Exception {
        L lock = newLock();
        AtomicReference<WaitRegistry.Wait> afterEntering = new AtomicReference<>();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread reader = threads.start("reader", () -> {
                lock.readLock().lock();
                afterEntering.set(WaitRegistry.of(Thread.currentThread()));
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, reader);
            WaitRegistry.Wait w = WaitRegistry.of(reader);
            assertThat(w).isNotNull();
            assertThat(w.lock()).isSameAs(lock);
            assertThat(w.mode()).isEqualTo("read");
            lock.writeLock().unlock();
        }
        assertThat(afterEntering.get()).isNull();

        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                afterEntering.set(WaitRegistry.of(Thread.currentThread()));
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            WaitRegistry.Wait w = WaitRegistry.of(writer);
            assertThat(w).isNotNull();
            assertThat(w.lock()).isSameAs(lock);
            assertThat(w.mode()).isEqualTo("write");
            lock.readLock().unlock();
        }
        assertThat(afterEntering.get()).isNull();
    }

    @Test
    void aTimedOutAcquirerIsNoLongerRegistered() throws Exception {
        L lock = newLock();
        AtomicReference<WaitRegistry.Wait> afterGivingUp = new AtomicReference<>();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            threads.start("timed", () -> {
                assertThat(lock.readLock().tryLock(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
                afterGivingUp.set(WaitRegistry.of(Thread.currentThread()));
            });
        } finally {
            lock.writeLock().unlock();
        }
        assertThat(afterGivingUp.get()).isNull();
    }

    @Test
    void waitStatsCountEveryAcquisitionPerSideAndTheWaits() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        lock.readLock().lock();
        lock.readLock().unlock();
        lock.readLock().unlock();
        lock.writeLock().lock();
        lock.writeLock().unlock();
        assertThat(lock.readWaitStats().snapshot().acquisitions()).isEqualTo(2);
        assertThat(lock.writeWaitStats().snapshot().acquisitions()).isEqualTo(1);
        assertThat(lock.waitStats().snapshot().acquisitions()).isEqualTo(3);
        assertThat(lock.waitStats().snapshot().waits()).isZero();

        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            lock.readLock().unlock();
        }
        WaitStats.Snapshot writes = lock.writeWaitStats().snapshot();
        assertThat(writes.acquisitions()).isEqualTo(2);
        assertThat(writes.waits()).isEqualTo(1);
        assertThat(writes.maxNanos()).isPositive();
        assertThat(lock.waitStats().snapshot().waits()).isEqualTo(1);
        assertThat(lock.readWaitStats().snapshot().waits()).isZero();
    }

    // ------------------------------------------------------------------ misuse

    @Test
    void upgradeRefusalNamesTheThreadAndTheLock() {
        L lock = newLock("accounts");
        lock.readLock().lock();
        try {
            assertThatThrownBy(() -> lock.writeLock().lock())
                    .isInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining(Thread.currentThread().getName())
                    .hasMessageContaining("accounts")
                    .hasMessageContaining("upgrade");
            assertThat(lock.getReadHoldCount()).isEqualTo(1);
            assertThat(lock.isWriteLocked()).isFalse();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Test
    void upgradeAfterADowngradeIsRefusedToo() {
        L lock = newLock();
        lock.writeLock().lock();
        lock.readLock().lock();
        lock.writeLock().unlock();
        try {
            assertThatThrownBy(() -> lock.writeLock().tryLock()).isInstanceOf(IllegalMonitorStateException.class);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Test
    void conditionAwaitWhileAlsoHoldingTheReadLockIsRefused() {
        L lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.writeLock().lock();
        lock.readLock().lock();
        try {
            assertThatThrownBy(c::await).isInstanceOf(IllegalMonitorStateException.class)
                    .hasMessageContaining("read lock");
            assertThatThrownBy(() -> c.await(1, TimeUnit.SECONDS)).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(lock.getWriteHoldCount()).as("still held").isEqualTo(1);
        } finally {
            lock.readLock().unlock();
            lock.writeLock().unlock();
        }
    }

    @Test
    void conditionWaiterParksOnTheConditionAndASignalReleasesIt() throws Exception {
        L lock = newLock();
        Condition c = lock.writeLock().newCondition();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.writeLock().lock();
                try {
                    c.awaitUninterruptibly();
                    assertThat(lock.getWriteHoldCount()).isEqualTo(1);
                } finally {
                    lock.writeLock().unlock();
                }
            });
            TestThreads.awaitBlockedOn(waiter, AbstractReadWriteLock.conditionBlocker(c));
            lock.writeLock().lock();
            try {
                c.signalAll();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    // ------------------------------------------------------------------ clean-up

    @Test
    void entriesOfEndedReadersArePruned() throws Exception {
        L lock = newLock();
        for (int i = 0; i < 300; i++) {
            Thread t = Thread.ofVirtual().start(() -> {
                lock.readLock().lock();
                lock.readLock().unlock();
            });
            t.join();
        }
        // Entries are pruned each time the map doubles past 64: never more than about 2 x 64 here.
        assertThat(lock.readHoldEntries()).isLessThanOrEqualTo(2 * 64 + 1);
    }

    @Test
    void aReaderThatEndedHoldingTheLockIsStillAHolder() throws Exception {
        L lock = newLock();
        Thread t = Thread.ofPlatform().name("forgetful").start(() -> lock.readLock().lock());
        t.join();
        assertThat(lock.holders()).containsExactly(t);
        assertThat(lock.writeLock().tryLock()).isFalse();
    }
}

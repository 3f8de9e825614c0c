package dev.interlock.lock;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract, and the reader-preferring policy: readers pass waiting writers; writers can starve. */
class ReaderPreferringReadWriteLockTest extends TrackedReadWriteLockContract<ReaderPreferringReadWriteLock> {

    @Override
    protected ReaderPreferringReadWriteLock newLock() {
        return new ReaderPreferringReadWriteLock();
    }

    @Override
    ReaderPreferringReadWriteLock newLock(String name) {
        return new ReaderPreferringReadWriteLock(name);
    }

    @Override
    String className() {
        return "ReaderPreferringReadWriteLock";
    }

    @Test
    void aNewReaderEntersWhileAWriterWaits() throws Exception {
        ReaderPreferringReadWriteLock lock = newLock();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            AtomicBoolean entered = new AtomicBoolean();
            threads.start("new-reader", () -> {
                lock.readLock().lock(); // no wait for the waiting writer
                entered.set(true);
                lock.readLock().unlock();
            }).join(TestThreads.BOUND);
            assertThat(entered).as("the new reader entered and left").isTrue();
            assertThat(availableToOtherThread(lock.readLock())).as("tryLock too").isTrue();
            assertThat(lock.hasQueuedWriters()).as("the writer still waits").isTrue();
            lock.readLock().unlock();
        }
    }

    @Test
    void overlappingReadersKeepAWriterOutForAsLongAsTheyOverlap() throws Exception {
        ReaderPreferringReadWriteLock lock = newLock();
        AtomicBoolean written = new AtomicBoolean();
        int relays = 5;
        lock.readLock().lock(); // the first reader of the relay is the test thread
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                written.set(true);
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            // Each reader enters while the previous one still reads, then the previous one leaves:
            // there is always a reader inside, so the writer never gets in.
            CyclicBarrier[] entered = new CyclicBarrier[relays];
            CountDownLatch[] leave = new CountDownLatch[relays];
            for (int i = 0; i < relays; i++) {
                entered[i] = new CyclicBarrier(2);
                leave[i] = new CountDownLatch(1);
                int n = i;
                threads.start("reader-" + i, () -> {
                    lock.readLock().lock();
                    try {
                        entered[n].await();
                        leave[n].await();
                    } finally {
                        lock.readLock().unlock();
                    }
                });
                entered[i].await();
                if (i == 0) {
                    lock.readLock().unlock();
                } else {
                    leave[i - 1].countDown();
                }
                awaitWaitingToWrite(lock, writer);
                assertThat(written).as("the writer after relay " + i).isFalse();
            }
            leave[relays - 1].countDown(); // the stream stops: only now does the writer enter
        }
        assertThat(written).isTrue();
    }

    @Test
    void readersThatWaitedForAWriterAllEnterBeforeTheNextWriter() throws Exception {
        ReaderPreferringReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        CountDownLatch readersIn = new CountDownLatch(2);
        CountDownLatch readersLeave = new CountDownLatch(1);
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 2; i++) {
                String name = "reader-" + i;
                Thread r = threads.start(name, () -> {
                    lock.readLock().lock();
                    try {
                        order.add("reader");
                        readersIn.countDown();
                        readersLeave.await();
                    } finally {
                        lock.readLock().unlock();
                    }
                });
                awaitWaitingToRead(lock, r);
            }
            Thread writer2 = threads.start("writer-2", () -> {
                lock.writeLock().lock();
                order.add("writer");
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer2);
            lock.writeLock().unlock();
            assertThat(readersIn.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            awaitWaitingToWrite(lock, writer2);
            readersLeave.countDown();
        }
        assertThat(order).containsExactly("reader", "reader", "writer");
    }

    @Test
    void writeTryLockDoesNotBargeAheadOfReadersLetInByAWritersRelease() throws Exception {
        ReaderPreferringReadWriteLock lock = newLock();
        AtomicBoolean read = new AtomicBoolean();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread reader = threads.start("reader", () -> {
                lock.readLock().lock();
                read.set(true);
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, reader);
            // Holding the lock's internal mutex keeps the woken reader from running: the lock is
            // released, with a reader still waiting to enter.
            lock.mutex.lock();
            try {
                lock.writeLock().unlock();
                assertThat(lock.isWriteLocked()).isFalse();
                assertThat(lock.hasQueuedReaders()).isTrue();
                assertThat(availableToOtherThread(lock.writeLock())).as("a writer's tryLock").isFalse();
                assertThat(availableToOtherThread(lock.readLock())).as("a reader's tryLock").isTrue();
            } finally {
                lock.mutex.unlock();
            }
        }
        assertThat(read).isTrue();
    }

    /** The class doc's sample, run. */
    @Test
    void sampleUsage() {
        Directory directory = new Directory();
        directory.register("alice", "room 1");
        assertThat(directory.lookUp("alice")).isEqualTo("room 1");
        assertThat(directory.lookUp("bob")).isNull();
    }

    private static final class Directory {
        ReadWriteLock lock = new ReaderPreferringReadWriteLock("directory");
        Map<String, String> entries = new HashMap<>(); // guarded by lock

        String lookUp(String key) {
            lock.readLock().lock();
            try {
                return entries.get(key);
            } finally {
                lock.readLock().unlock();
            }
        }

        void register(String key, String value) {
            lock.writeLock().lock();
            try {
                entries.put(key, value);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }
}

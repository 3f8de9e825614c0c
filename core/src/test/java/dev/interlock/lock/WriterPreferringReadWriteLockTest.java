package dev.interlock.lock;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract, and the writer-preferring policy: a waiting writer stops new readers, not re-entrant ones. */
class WriterPreferringReadWriteLockTest extends TrackedReadWriteLockContract<WriterPreferringReadWriteLock> {

    @Override
    protected WriterPreferringReadWriteLock newLock() {
        return new WriterPreferringReadWriteLock();
    }

    @Override
    WriterPreferringReadWriteLock newLock(String name) {
        return new WriterPreferringReadWriteLock(name);
    }

    @Override
    String className() {
        return "WriterPreferringReadWriteLock";
    }

    @Test
    void aNewReaderWaitsBehindAWaitingWriterAndEntersAfterIt() throws Exception {
        WriterPreferringReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                order.add("writer");
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            assertThat(availableToOtherThread(lock.readLock())).as("a new reader's tryLock").isFalse();
            Thread reader = threads.start("new-reader", () -> {
                lock.readLock().lock();
                order.add("reader");
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, reader);
            lock.readLock().unlock(); // the last reader inside leaves: the writer goes first
        }
        assertThat(order).containsExactly("writer", "reader");
    }

    @Test
    void aReentrantReaderDoesNotWaitBehindAWaitingWriter() throws Exception {
        WriterPreferringReadWriteLock lock = newLock();
        CyclicBarrier holding = new CyclicBarrier(2);
        CyclicBarrier writerWaiting = new CyclicBarrier(2);
        AtomicBoolean reentered = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            threads.start("reader", () -> {
                lock.readLock().lock();
                try {
                    holding.await();
                    writerWaiting.await();
                    lock.readLock().lockInterruptibly(); // the classic writer-preference deadlock, avoided
                    reentered.set(lock.getReadHoldCount() == 2);
                    lock.readLock().unlock();
                } finally {
                    lock.readLock().unlock();
                }
            });
            holding.await();
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            writerWaiting.await();
        }
        assertThat(reentered).isTrue();
    }

    @Test
    void theOwnerMayReadWhileOtherWritersWait() throws Exception {
        WriterPreferringReadWriteLock lock = newLock();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            assertThat(lock.readLock().tryLock()).as("a downgrade passes the waiting writer").isTrue();
            lock.writeLock().unlock();
            assertThat(lock.getReaderCount()).isEqualTo(1);
            lock.readLock().unlock();
        }
    }

    @Test
    void aWriterThatGivesUpLetsInTheReadersItHeldBack() throws Exception {
        WriterPreferringReadWriteLock lock = newLock();
        AtomicReference<Throwable> writerGot = new AtomicReference<>();
        AtomicBoolean read = new AtomicBoolean();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                try {
                    lock.writeLock().lockInterruptibly();
                    lock.writeLock().unlock();
                } catch (InterruptedException e) {
                    writerGot.set(e);
                }
            });
            awaitWaitingToWrite(lock, writer);
            Thread reader = threads.start("reader", () -> {
                lock.readLock().lock();
                read.set(true);
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, reader);
            writer.interrupt();
            reader.join(TestThreads.BOUND); // enters although this thread still reads
            assertThat(read).isTrue();
        } finally {
            lock.readLock().unlock();
        }
        assertThat(writerGot.get()).isInstanceOf(InterruptedException.class);
        assertThat(lock.hasQueuedWriters()).isFalse();
    }

    @Test
    void readersWaitWhileWritersKeepComing() throws Exception {
        // Two writers take turns; a reader that arrives while one writes and the other waits gets in
        // only when no writer is left: the documented reader starvation, in miniature.
        WriterPreferringReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer-2", () -> {
                lock.writeLock().lock();
                order.add("writer-2");
                lock.writeLock().unlock();
            });
            awaitWaitingToWrite(lock, writer);
            Thread reader = threads.start("reader", () -> {
                lock.readLock().lock();
                order.add("reader");
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, reader);
            order.add("writer-1");
            lock.writeLock().unlock();
        }
        assertThat(order).containsExactly("writer-1", "writer-2", "reader");
    }

    /** The class doc's sample, run. */
    @Test
    void sampleUsage() throws Exception {
        Prices prices = new Prices();
        assertThat(prices.reprice("ACME", 1_250)).isEqualTo(1_250);
        assertThat(prices.reprice("INIT", 100)).isEqualTo(1_350);
        assertThat(prices.lock.readLock().tryLock(1, TimeUnit.SECONDS)).isTrue();
        prices.lock.readLock().unlock();
    }

    private static final class Prices {
        ReadWriteLock lock = new WriterPreferringReadWriteLock("prices");
        Map<String, Long> centsBySymbol = new HashMap<>(); // guarded by lock

        long reprice(String symbol, long cents) {
            lock.writeLock().lock();
            try {
                centsBySymbol.put(symbol, cents);
                lock.readLock().lock();          // downgrade: take the read lock before
            } finally {
                lock.writeLock().unlock();       // releasing the write lock
            }
            try {
                return centsBySymbol.values().stream().mapToLong(Long::longValue).sum();
            } finally {
                lock.readLock().unlock();
            }
        }
    }
}

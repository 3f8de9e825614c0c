package dev.interlock.lock;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.ReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract, and the phase-fair policy: a claimed phase stops new readers; a writer's release
 * admits every waiting reader before the next writer; writers go in arrival order.
 */
class PhaseFairReadWriteLockTest extends TrackedReadWriteLockContract<PhaseFairReadWriteLock> {

    @Override
    protected PhaseFairReadWriteLock newLock() {
        return new PhaseFairReadWriteLock();
    }

    @Override
    PhaseFairReadWriteLock newLock(String name) {
        return new PhaseFairReadWriteLock(name);
    }

    @Override
    String className() {
        return "PhaseFairReadWriteLock";
    }

    /** Starts a thread that reads once, recording {@code label} in {@code order} while it holds the lock. */
    private static Thread reader(TestThreads threads, PhaseFairReadWriteLock lock, String label,
                                 ConcurrentLinkedQueue<String> order, CountDownLatch in, CountDownLatch leave) {
        return threads.start(label, () -> {
            lock.readLock().lock();
            try {
                order.add(label);
                in.countDown();
                leave.await();
            } finally {
                lock.readLock().unlock();
            }
        });
    }

    private static Thread writer(TestThreads threads, PhaseFairReadWriteLock lock, String label,
                                 ConcurrentLinkedQueue<String> order) {
        return threads.start(label, () -> {
            lock.writeLock().lock();
            try {
                order.add(label);
            } finally {
                lock.writeLock().unlock();
            }
        });
    }

    @Test
    void aWaitingWriterStopsNewReadersAndWaitsForOneReaderPhaseOnly() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        CountDownLatch none = new CountDownLatch(0);
        lock.readLock().lock(); // the reader phase in progress
        try (TestThreads threads = new TestThreads()) {
            Thread w = writer(threads, lock, "writer", order);
            awaitWaitingToWrite(lock, w);
            assertThat(availableToOtherThread(lock.readLock())).as("a new reader's tryLock").isFalse();
            Thread r = reader(threads, lock, "late-reader", order, new CountDownLatch(1), none);
            awaitWaitingToRead(lock, r);
            lock.readLock().unlock(); // the reader phase ends: the writer, then the late reader
        }
        assertThat(order).containsExactly("writer", "late-reader");
    }

    @Test
    void whenAWriterReleasesTheWaitingReadersAllEnterBeforeTheNextWriter() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        CountDownLatch readersIn = new CountDownLatch(2);
        CountDownLatch readersLeave = new CountDownLatch(1);
        lock.writeLock().lock(); // writer phase 1: this thread
        try (TestThreads threads = new TestThreads()) {
            Thread r1 = reader(threads, lock, "reader-1", order, readersIn, readersLeave);
            Thread r2 = reader(threads, lock, "reader-2", order, readersIn, readersLeave);
            awaitWaitingToRead(lock, r1);
            awaitWaitingToRead(lock, r2);
            Thread w2 = writer(threads, lock, "writer-2", order);
            awaitWaitingToWrite(lock, w2);

            lock.writeLock().unlock();
            // The release admitted both readers in the same step, before writer 2 could move.
            assertThat(lock.getReaderCount()).isEqualTo(2);
            assertThat(readersIn.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            awaitWaitingToWrite(lock, w2);
            // Writer 2 has claimed the next phase: a reader arriving now waits for it.
            Thread r3 = reader(threads, lock, "reader-3", order, new CountDownLatch(1), new CountDownLatch(0));
            awaitWaitingToRead(lock, r3);
            readersLeave.countDown();
        }
        List<String> seen = List.copyOf(order);
        assertThat(seen.subList(0, 2)).containsExactlyInAnyOrder("reader-1", "reader-2");
        assertThat(seen.subList(2, 4)).containsExactly("writer-2", "reader-3");
    }

    @Test
    void writersEnterInTheOrderTheyStartedWaiting() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            for (int i = 1; i <= 3; i++) {
                Thread w = writer(threads, lock, "writer-" + i, order);
                awaitWaitingToWrite(lock, w);
            }
            assertThat(lock.queuedWriterCount()).isEqualTo(3);
            assertThat(availableToOtherThread(lock.writeLock())).as("a newcomer does not pass them").isFalse();
            lock.writeLock().unlock();
        }
        assertThat(order).containsExactly("writer-1", "writer-2", "writer-3");
    }

    @Test
    void aClaimingWriterThatGivesUpAdmitsTheReadersItHeldBack() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        AtomicReference<Throwable> writerGot = new AtomicReference<>();
        AtomicBoolean read = new AtomicBoolean();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread w = threads.start("writer", () -> {
                try {
                    lock.writeLock().tryLock(TestThreads.BOUND.toMillis() * 10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    writerGot.set(e);
                }
            });
            awaitWaitingToWrite(lock, w);
            Thread r = threads.start("reader", () -> {
                lock.readLock().lock();
                read.set(true);
                lock.readLock().unlock();
            });
            awaitWaitingToRead(lock, r);
            w.interrupt();
            r.join(TestThreads.BOUND); // admitted although this thread still reads
            assertThat(read).isTrue();
        } finally {
            lock.readLock().unlock();
        }
        assertThat(writerGot.get()).isInstanceOf(InterruptedException.class);
        assertThat(lock.hasQueuedWriters()).isFalse();
        assertThat(availableToOtherThread(lock.readLock())).as("the claim is gone").isTrue();
    }

    @Test
    void aClaimingWriterThatGivesUpPassesTheClaimToTheNextWriter() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread w1 = threads.start("writer-1", () -> {
                try {
                    lock.writeLock().lockInterruptibly();
                    lock.writeLock().unlock();
                } catch (InterruptedException e) {
                    order.add("writer-1 gave up");
                }
            });
            awaitWaitingToWrite(lock, w1);
            Thread w2 = writer(threads, lock, "writer-2", order);
            awaitWaitingToWrite(lock, w2);
            Thread r = reader(threads, lock, "reader", order, new CountDownLatch(1), new CountDownLatch(0));
            awaitWaitingToRead(lock, r);
            w1.interrupt();
            w1.join(TestThreads.BOUND);
            awaitWaitingToRead(lock, r); // still held back: writer 2 has the claim now
            assertThat(availableToOtherThread(lock.readLock())).isFalse();
            lock.readLock().unlock();
        }
        assertThat(order).containsExactly("writer-1 gave up", "writer-2", "reader");
    }

    @Test
    void anAdmittedReaderInterruptedBeforeItNoticedGivesTheAdmissionBack() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        AtomicReference<Throwable> readerGot = new AtomicReference<>();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread r = threads.start("reader", () -> {
                try {
                    lock.readLock().lockInterruptibly();
                    lock.readLock().unlock();
                } catch (InterruptedException e) {
                    readerGot.set(e);
                }
            });
            awaitWaitingToRead(lock, r);
            lock.mutex.lock(); // the reader cannot leave its wait without the mutex
            try {
                r.interrupt();
                // It has seen the interrupt and now queues for the mutex, before any admission.
                TestThreads.awaitBlockedOn(r, b -> b instanceof AbstractQueuedSynchronizer, "on the mutex");
                lock.writeLock().unlock(); // the release admits it all the same
                assertThat(lock.getReaderCount()).isEqualTo(1);
            } finally {
                lock.mutex.unlock();
            }
        }
        assertThat(readerGot.get()).isInstanceOf(InterruptedException.class);
        assertThat(lock.getReaderCount()).as("the admission was given back").isZero();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    void anAdmittedReaderWhoseTimeoutExpiredMeanwhileHoldsTheLock() throws Exception {
        PhaseFairReadWriteLock lock = newLock();
        AtomicBoolean result = new AtomicBoolean();
        AtomicBoolean heldThen = new AtomicBoolean();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread r = threads.start("reader", () -> {
                result.set(lock.readLock().tryLock(SHORT.toMillis(), TimeUnit.MILLISECONDS));
                heldThen.set(lock.getReadHoldCount() == 1);
                if (result.get()) {
                    lock.readLock().unlock();
                }
            });
            awaitWaitingToRead(lock, r);
            lock.mutex.lock();
            try {
                // Its timeout expires; it queues for the mutex to give up, but is admitted first.
                TestThreads.awaitBlockedOn(r, b -> b instanceof AbstractQueuedSynchronizer, "on the mutex");
                lock.writeLock().unlock();
            } finally {
                lock.mutex.unlock();
            }
        }
        assertThat(result).isTrue();
        assertThat(heldThen).isTrue();
        assertThat(lock.getReaderCount()).isZero();
    }

    /** The class doc's sample, run. */
    @Test
    void sampleUsage() throws Exception {
        Routes routes = new Routes();
        routes.replace(Map.of("/", "home"));
        assertThat(routes.route("/")).isEqualTo("home");
        assertThat(routes.route("/x")).isNull();
    }

    private static final class Routes {
        ReadWriteLock lock = new PhaseFairReadWriteLock("routes");
        Map<String, String> routes = new HashMap<>(); // guarded by lock

        String route(String path) throws InterruptedException {
            if (!lock.readLock().tryLock(100, TimeUnit.MILLISECONDS)) {
                return null;                       // waited at most one writer phase, and that long
            }
            try {
                return routes.get(path);
            } finally {
                lock.readLock().unlock();
            }
        }

        void replace(Map<String, String> newRoutes) {
            lock.writeLock().lock();
            try {
                routes.clear();
                routes.putAll(newRoutes);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }
}

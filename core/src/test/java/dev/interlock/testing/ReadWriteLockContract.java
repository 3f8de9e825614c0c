package dev.interlock.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ReadWriteLock} contract, as {@code ReadWriteLock}, {@code Lock}, {@code Condition} and
 * {@code ReentrantReadWriteLock}'s javadoc state it, run on every implementation by a small subclass:
 * readers share, a writer excludes everyone, both sides are reentrant, downgrade works, wrong unlocks
 * throw {@link IllegalMonitorStateException} and leave the lock intact, the read lock has no
 * conditions, the write lock's conditions release and re-acquire, interrupts and timeouts on both
 * sides, virtual threads.
 *
 * <p>It also runs on {@link java.util.concurrent.locks.ReentrantReadWriteLock}: a test that the JDK's
 * lock fails is a wrong test. One behaviour differs on purpose: a read-to-write upgrade. Interlock's
 * locks refuse it at once with {@code IllegalMonitorStateException} (the default
 * {@link #assertUpgradeRefused}); {@code ReentrantReadWriteLock} would wait for ever in {@code lock()},
 * so its subclass overrides the hook to check what it does instead (its {@code tryLock} variants fail).
 * Preference policies (who waits for whom) are not part of this contract: each implementation's own
 * test checks its policy.
 *
 * <p>Blocked threads: a subclass that can name what its waiting readers and writers park on overrides
 * {@link #readWaitBlocker} and {@link #writeWaitBlocker}, and the tests then confirm that a thread
 * waits in that very place ({@link TestThreads#awaitBlockedOn}); otherwise they check the thread's
 * state only. Timing: the only time assertions are lower bounds ("a timed call that gives up has
 * waited at least its timeout"). No sleeps.
 *
 * @param <L> the lock type under test
 */
public abstract class ReadWriteLockContract<L extends ReadWriteLock> {

    /** Timeout of the "gives up after waiting" tests: short, the assertion is a lower bound. */
    protected static final Duration SHORT = Duration.ofMillis(25);

    /** A fresh, unlocked lock. */
    protected abstract L newLock();

    /** What a thread waiting for {@code lock}'s read lock parks on, or null if it cannot be named. */
    protected Object readWaitBlocker(L lock) {
        return null;
    }

    /** What a thread waiting for {@code lock}'s write lock parks on, or null if it cannot be named. */
    protected Object writeWaitBlocker(L lock) {
        return null;
    }

    /** Waits until {@code t} waits for the read lock of {@code lock}. */
    protected final void awaitWaitingToRead(L lock, Thread t) {
        awaitWaitingOn(readWaitBlocker(lock), t);
    }

    /** Waits until {@code t} waits for the write lock of {@code lock}. */
    protected final void awaitWaitingToWrite(L lock, Thread t) {
        awaitWaitingOn(writeWaitBlocker(lock), t);
    }

    private static void awaitWaitingOn(Object blocker, Thread t) {
        if (blocker != null) {
            TestThreads.awaitBlockedOn(t, blocker);
        } else {
            TestThreads.awaitBlocked(t);
        }
    }

    /**
     * Checks what a thread that holds only the read lock gets when it asks for the write lock. Called
     * with the read lock held by the calling thread; must leave it held exactly once. Default: every
     * acquisition method throws {@link IllegalMonitorStateException} at once and changes nothing.
     */
    protected void assertUpgradeRefused(L lock) throws Exception {
        Lock w = lock.writeLock();
        assertThatThrownBy(w::lock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(w::lockInterruptibly).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(w::tryLock).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> w.tryLock(1, TimeUnit.DAYS)).isInstanceOf(IllegalMonitorStateException.class);
    }

    /** Whether {@code l} can be acquired by another thread right now, with {@code tryLock()}. */
    protected static boolean availableToOtherThread(Lock l) throws Exception {
        AtomicBoolean got = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            threads.start("probe", () -> {
                if (l.tryLock()) {
                    got.set(true);
                    l.unlock();
                }
            });
        }
        return got.get();
    }

    // ------------------------------------------------------------------ sharing and exclusion

    @Test
    public void readersHoldTheReadLockTogether() throws Exception {
        L lock = newLock();
        CyclicBarrier bothInside = new CyclicBarrier(2);
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 2; i++) {
                threads.start("reader-" + i, () -> {
                    lock.readLock().lock();
                    try {
                        bothInside.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    } finally {
                        lock.readLock().unlock();
                    }
                });
            }
        }
    }

    @Test
    public void readTryLockSucceedsWhileAnotherThreadReads() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        try {
            assertThat(availableToOtherThread(lock.readLock())).isTrue();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Test
    public void writerExcludesReadersAndWriters() throws Exception {
        L lock = newLock();
        lock.writeLock().lock();
        try {
            assertThat(availableToOtherThread(lock.readLock())).as("read while written").isFalse();
            assertThat(availableToOtherThread(lock.writeLock())).as("write while written").isFalse();
        } finally {
            lock.writeLock().unlock();
        }
        assertThat(availableToOtherThread(lock.writeLock())).as("write after release").isTrue();
        assertThat(availableToOtherThread(lock.readLock())).as("read after release").isTrue();
    }

    @Test
    public void readerExcludesWriters() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        try {
            assertThat(availableToOtherThread(lock.writeLock())).isFalse();
        } finally {
            lock.readLock().unlock();
        }
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void blockedWriterEntersWhenTheLastReaderLeaves() throws Exception {
        L lock = newLock();
        CyclicBarrier readersIn = new CyclicBarrier(3);
        CyclicBarrier release = new CyclicBarrier(3);
        AtomicBoolean written = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 2; i++) {
                threads.start("reader-" + i, () -> {
                    lock.readLock().lock();
                    try {
                        readersIn.await();
                        release.await();
                    } finally {
                        lock.readLock().unlock();
                    }
                });
            }
            readersIn.await();
            Thread writer = threads.start("writer", () -> {
                lock.writeLock().lock();
                try {
                    written.set(true);
                } finally {
                    lock.writeLock().unlock();
                }
            });
            awaitWaitingToWrite(lock, writer);
            assertThat(written).isFalse();
            release.await();
        }
        assertThat(written).isTrue();
    }

    @Test
    public void blockedReadersEnterWhenTheWriterLeaves() throws Exception {
        L lock = newLock();
        AtomicLong read = new AtomicLong();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread[] readers = new Thread[3];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = threads.start("reader-" + i, () -> {
                    lock.readLock().lock();
                    try {
                        read.incrementAndGet();
                    } finally {
                        lock.readLock().unlock();
                    }
                });
            }
            for (Thread r : readers) {
                awaitWaitingToRead(lock, r);
            }
            assertThat(read).hasValue(0);
            lock.writeLock().unlock();
        }
        assertThat(read).hasValue(3);
    }

    @Test
    public void mutualExclusionHoldsUnderContention() throws Exception {
        L lock = newLock();
        long[] pair = new long[2]; // guarded by lock: always equal outside a write
        AtomicLong torn = new AtomicLong();
        int threads = 4;
        int ops = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                group.start("worker-" + t, () -> {
                    start.await();
                    for (int i = 0; i < ops; i++) {
                        if ((i + id) % 4 == 0) {
                            lock.writeLock().lock();
                            try {
                                pair[0]++;
                                pair[1]++;
                            } finally {
                                lock.writeLock().unlock();
                            }
                        } else {
                            lock.readLock().lock();
                            try {
                                if (pair[0] != pair[1]) {
                                    torn.incrementAndGet();
                                }
                            } finally {
                                lock.readLock().unlock();
                            }
                        }
                    }
                });
            }
        }
        assertThat(torn).as("reads that saw half a write").hasValue(0);
        assertThat(pair[0]).isEqualTo(pair[1]).isEqualTo((long) threads * ops / 4);
    }

    @Test
    public void virtualThreadsReadAndWrite() throws Exception {
        L lock = newLock();
        long[] pair = new long[2];
        AtomicLong torn = new AtomicLong();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 200; t++) {
                boolean writer = t % 5 == 0;
                group.startVirtual("v-" + t, () -> {
                    for (int i = 0; i < 50; i++) {
                        Lock l = writer ? lock.writeLock() : lock.readLock();
                        l.lockInterruptibly();
                        try {
                            if (writer) {
                                pair[0]++;
                                Thread.yield(); // unmount while holding: others must still wait
                                pair[1]++;
                            } else if (pair[0] != pair[1]) {
                                torn.incrementAndGet();
                            }
                        } finally {
                            l.unlock();
                        }
                    }
                });
            }
        }
        assertThat(torn).hasValue(0);
        assertThat(pair[0]).isEqualTo(pair[1]).isEqualTo(40L * 50);
    }

    // ------------------------------------------------------------------ reentrancy, downgrade, upgrade

    @Test
    public void writeLockIsReentrant() throws Exception {
        L lock = newLock();
        lock.writeLock().lock();
        lock.writeLock().lock();
        assertThat(lock.writeLock().tryLock()).isTrue();
        lock.writeLock().unlock();
        lock.writeLock().unlock();
        assertThat(availableToOtherThread(lock.readLock())).as("one hold left").isFalse();
        lock.writeLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
        assertThatThrownBy(() -> lock.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    public void readLockIsReentrant() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        lock.readLock().lock();
        assertThat(lock.readLock().tryLock()).isTrue();
        lock.readLock().unlock();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).as("one hold left").isFalse();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
        assertThatThrownBy(() -> lock.readLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    public void reentrantReadEntersWhileAWriterWaits() throws Exception {
        L lock = newLock();
        CyclicBarrier holding = new CyclicBarrier(2);
        CyclicBarrier writerWaiting = new CyclicBarrier(2);
        AtomicBoolean reentered = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            // The reader runs in its own thread so that a deadlock fails the join's bound.
            threads.start("reader", () -> {
                lock.readLock().lock();
                try {
                    holding.await();
                    writerWaiting.await();
                    assertThat(lock.readLock().tryLock()).as("re-entrant tryLock").isTrue();
                    lock.readLock().lock(); // would deadlock if it queued behind the writer
                    reentered.set(true);
                    lock.readLock().unlock();
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
    public void downgradeKeepsReadingWithNoWriterInBetween() throws Exception {
        L lock = newLock();
        lock.writeLock().lock();
        lock.readLock().lock();          // the owner may read
        lock.writeLock().unlock();       // ... and release the write lock, still reading
        assertThat(availableToOtherThread(lock.writeLock())).as("a writer while downgraded").isFalse();
        assertThat(availableToOtherThread(lock.readLock())).as("another reader while downgraded").isTrue();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void ownerHoldingBothCanReleaseInEitherOrder() throws Exception {
        L lock = newLock();
        lock.writeLock().lock();
        lock.readLock().lock();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.readLock())).isFalse();
        lock.writeLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void upgradeIsRefusedWithoutHanging() throws Exception {
        L lock = newLock();
        try (TestThreads threads = new TestThreads()) {
            // In its own thread so that an implementation that hangs fails the join's bound.
            threads.start("upgrader", () -> {
                lock.readLock().lock();
                try {
                    assertUpgradeRefused(lock);
                    assertThat(availableToOtherThread(lock.writeLock())).as("still read-locked").isFalse();
                } finally {
                    lock.readLock().unlock();
                }
            });
        }
        assertThat(availableToOtherThread(lock.writeLock())).as("intact after the refusal").isTrue();
    }

    // ------------------------------------------------------------------ wrong unlocks, conditions

    @Test
    public void unlockingAReadLockNotHeldThrowsAndChangesNothing() throws Exception {
        L lock = newLock();
        assertThatThrownBy(() -> lock.readLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        try (TestThreads threads = new TestThreads()) {
            CyclicBarrier held = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            threads.start("holder", () -> {
                lock.readLock().lock();
                try {
                    held.await();
                    done.await();
                } finally {
                    lock.readLock().unlock();
                }
            });
            held.await();
            assertThatThrownBy(() -> lock.readLock().unlock()).as("another thread's read hold")
                    .isInstanceOf(IllegalMonitorStateException.class);
            assertThat(availableToOtherThread(lock.writeLock())).as("the holder still reads").isFalse();
            done.await();
        }
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void unlockingAWriteLockNotHeldThrowsAndChangesNothing() throws Exception {
        L lock = newLock();
        assertThatThrownBy(() -> lock.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
        lock.readLock().lock();
        assertThatThrownBy(() -> lock.writeLock().unlock()).as("holding only the read lock")
                .isInstanceOf(IllegalMonitorStateException.class);
        lock.readLock().unlock();
        try (TestThreads threads = new TestThreads()) {
            CyclicBarrier held = new CyclicBarrier(2);
            CyclicBarrier done = new CyclicBarrier(2);
            threads.start("holder", () -> {
                lock.writeLock().lock();
                try {
                    held.await();
                    done.await();
                } finally {
                    lock.writeLock().unlock();
                }
            });
            held.await();
            assertThatThrownBy(() -> lock.writeLock().unlock()).as("another thread's write hold")
                    .isInstanceOf(IllegalMonitorStateException.class);
            assertThat(availableToOtherThread(lock.readLock())).as("the holder still writes").isFalse();
            done.await();
        }
        assertThat(availableToOtherThread(lock.readLock())).isTrue();
    }

    @Test
    public void readLockHasNoConditions() {
        L lock = newLock();
        assertThatThrownBy(() -> lock.readLock().newCondition()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    public void conditionAwaitReleasesEveryWriteHoldAndReacquiresThem() throws Exception {
        L lock = newLock();
        Condition changed = lock.writeLock().newCondition();
        AtomicBoolean flag = new AtomicBoolean(); // guarded by the write lock in spirit; atomic for the assert
        AtomicBoolean ownerAgain = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            CyclicBarrier waiting = new CyclicBarrier(2);
            threads.start("waiter", () -> {
                lock.writeLock().lock();
                lock.writeLock().lock();
                try {
                    waiting.await();
                    while (!flag.get()) {
                        changed.await();
                    }
                    // Both holds are back: one unlock leaves the lock held.
                    lock.writeLock().unlock();
                    ownerAgain.set(!availableToOtherThread(lock.readLock()));
                } finally {
                    lock.writeLock().unlock();
                }
            });
            waiting.await();
            lock.writeLock().lock(); // possible only once the waiter released both holds
            try {
                flag.set(true);
                changed.signal();
            } finally {
                lock.writeLock().unlock();
            }
        }
        assertThat(ownerAgain).isTrue();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void conditionTimedAwaitGivesUpAfterItsTimeoutHoldingTheLock() throws Exception {
        L lock = newLock();
        Condition never = lock.writeLock().newCondition();
        lock.writeLock().lock();
        try {
            long start = System.nanoTime();
            assertThat(never.await(SHORT.toNanos(), TimeUnit.NANOSECONDS)).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
            assertThat(never.awaitNanos(SHORT.toNanos())).isLessThanOrEqualTo(0L);
            assertThat(availableToOtherThread(lock.readLock())).as("held again").isFalse();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Test
    public void conditionMethodsWithoutTheWriteLockThrow() {
        L lock = newLock();
        Condition c = lock.writeLock().newCondition();
        assertThatThrownBy(c::await).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(c::awaitUninterruptibly).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(() -> c.awaitNanos(1)).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(c::signal).isInstanceOf(IllegalMonitorStateException.class);
        assertThatThrownBy(c::signalAll).isInstanceOf(IllegalMonitorStateException.class);
        lock.readLock().lock();
        try {
            assertThatThrownBy(c::signal).as("holding the read lock only")
                    .isInstanceOf(IllegalMonitorStateException.class);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Test
    public void interruptedConditionAwaitThrowsHoldingTheLockAgain() throws Exception {
        L lock = newLock();
        Condition never = lock.writeLock().newCondition();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean heldAfter = new AtomicBoolean();
        CyclicBarrier waiting = new CyclicBarrier(2);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.writeLock().lock();
                try {
                    waiting.await();
                    never.await();
                } catch (InterruptedException e) {
                    thrown.set(e);
                    heldAfter.set(!availableToOtherThread(lock.readLock()));
                } finally {
                    lock.writeLock().unlock();
                }
            });
            waiting.await();
            lock.writeLock().lock(); // the waiter has released it: it is in await
            try {
                waiter.interrupt();
            } finally {
                lock.writeLock().unlock();
            }
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(heldAfter).isTrue();
    }

    // ------------------------------------------------------------------ interruption and timeouts

    @Test
    public void lockInterruptiblyThrowsWhenInterruptedOnEntryEvenIfFree() {
        L lock = newLock();
        for (Lock l : new Lock[] {lock.readLock(), lock.writeLock()}) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(l::lockInterruptibly).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("status cleared").isFalse();
        }
    }

    @Test
    public void timedTryLockThrowsWhenInterruptedOnEntryEvenIfFree() {
        L lock = newLock();
        for (Lock l : new Lock[] {lock.readLock(), lock.writeLock()}) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> l.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isFalse();
        }
    }

    @Test
    public void untimedTryLockIgnoresTheInterruptStatus() {
        L lock = newLock();
        Thread.currentThread().interrupt();
        try {
            assertThat(lock.writeLock().tryLock()).isTrue();
            lock.writeLock().unlock();
            assertThat(lock.readLock().tryLock()).isTrue();
            lock.readLock().unlock();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    public void readLockInterruptiblyBlockedByAWriterThrowsOnInterrupt() throws Exception {
        L lock = newLock();
        assertBlockedAcquisitionInterruptible(lock, lock.writeLock(), lock.readLock(), false);
    }

    @Test
    public void writeLockInterruptiblyBlockedByAReaderThrowsOnInterrupt() throws Exception {
        L lock = newLock();
        assertBlockedAcquisitionInterruptible(lock, lock.readLock(), lock.writeLock(), false);
    }

    @Test
    public void timedReadTryLockBlockedByAWriterThrowsOnInterrupt() throws Exception {
        L lock = newLock();
        assertBlockedAcquisitionInterruptible(lock, lock.writeLock(), lock.readLock(), true);
    }

    @Test
    public void timedWriteTryLockBlockedByAWriterThrowsOnInterrupt() throws Exception {
        L lock = newLock();
        assertBlockedAcquisitionInterruptible(lock, lock.writeLock(), lock.writeLock(), true);
    }

    /**
     * The main thread holds {@code held}; another thread waits in {@code wanted}'s lockInterruptibly
     * (or a long timed tryLock), is interrupted, throws with its status cleared and holds nothing.
     */
    private void assertBlockedAcquisitionInterruptible(L lock, Lock held, Lock wanted, boolean timed)
            throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        held.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                try {
                    if (timed) {
                        wanted.tryLock(TestThreads.BOUND.toMillis() * 10, TimeUnit.MILLISECONDS);
                    } else {
                        wanted.lockInterruptibly();
                    }
                    wanted.unlock();
                } catch (InterruptedException e) {
                    thrown.set(e);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            if (wanted == lock.readLock()) {
                awaitWaitingToRead(lock, waiter);
            } else {
                awaitWaitingToWrite(lock, waiter);
            }
            waiter.interrupt();
        } finally {
            held.unlock();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(statusAfter).as("interrupt status after the throw").isFalse();
        assertThat(availableToOtherThread(lock.writeLock())).as("the interrupted waiter holds nothing").isTrue();
    }

    @Test
    public void lockWaitsThroughAnInterruptAndKeepsTheStatus() throws Exception {
        L lock = newLock();
        AtomicBoolean acquired = new AtomicBoolean();
        AtomicBoolean statusWhenAcquired = new AtomicBoolean();
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread reader = threads.start("reader", () -> {
                lock.readLock().lock();
                try {
                    acquired.set(true);
                    statusWhenAcquired.set(Thread.currentThread().isInterrupted());
                } finally {
                    lock.readLock().unlock();
                }
            });
            awaitWaitingToRead(lock, reader);
            reader.interrupt();
            awaitWaitingToRead(lock, reader); // still waiting, interrupt or not
            assertThat(acquired).isFalse();
            lock.writeLock().unlock();
        }
        assertThat(acquired).isTrue();
        assertThat(statusWhenAcquired).as("interrupt status kept").isTrue();
    }

    @Test
    public void timedTryLockGivesUpAfterItsTimeoutOnBothSides() throws Exception {
        L lock = newLock();
        AtomicLong readWaited = new AtomicLong();
        AtomicLong writeWaited = new AtomicLong();
        AtomicBoolean readResult = new AtomicBoolean(true);
        AtomicBoolean writeResult = new AtomicBoolean(true);
        lock.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            threads.start("timed", () -> {
                long start = System.nanoTime();
                readResult.set(lock.readLock().tryLock(SHORT.toMillis(), TimeUnit.MILLISECONDS));
                readWaited.set(System.nanoTime() - start);
                start = System.nanoTime();
                writeResult.set(lock.writeLock().tryLock(SHORT.toNanos(), TimeUnit.NANOSECONDS));
                writeWaited.set(System.nanoTime() - start);
            });
        } finally {
            lock.writeLock().unlock();
        }
        assertThat(readResult).isFalse();
        assertThat(writeResult).isFalse();
        assertThat(readWaited.get()).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(writeWaited.get()).isGreaterThanOrEqualTo(SHORT.toNanos());
    }

    @Test
    public void timedTryLockSucceedsWhenReleasedWithinTheTimeout() throws Exception {
        L lock = newLock();
        AtomicBoolean result = new AtomicBoolean();
        lock.readLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread writer = threads.start("writer", () -> {
                result.set(lock.writeLock().tryLock(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS));
                if (result.get()) {
                    lock.writeLock().unlock();
                }
            });
            awaitWaitingToWrite(lock, writer);
            lock.readLock().unlock();
        }
        assertThat(result).isTrue();
    }

    @Test
    public void zeroOrNegativeTimeoutTriesOnce() throws Exception {
        L lock = newLock();
        assertThat(lock.writeLock().tryLock(0, TimeUnit.SECONDS)).isTrue();
        lock.writeLock().unlock();
        assertThat(lock.readLock().tryLock(-1, TimeUnit.SECONDS)).isTrue();
        lock.readLock().unlock();
        lock.writeLock().lock();
        try {
            AtomicBoolean got = new AtomicBoolean(true);
            try (TestThreads threads = new TestThreads()) {
                threads.start("zero", () -> got.set(lock.readLock().tryLock(0, TimeUnit.NANOSECONDS)
                        || lock.writeLock().tryLock(-5, TimeUnit.MILLISECONDS)));
            }
            assertThat(got).isFalse();
        } finally {
            lock.writeLock().unlock();
        }
    }
}

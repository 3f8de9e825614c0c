package dev.interlock.testing;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
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
 * {@code ReentrantReadWriteLock}'s javadoc state it, run on every implementation by a small subclass.
 *
 * <p>Two layers. Each side on its own is a {@link Lock}: the nested {@link ReadSide} and
 * {@link WriteSide} run the whole {@link LockContract} on the read lock (shared, no conditions, kept
 * from others by the write lock of the same pair) and on the write lock (exclusive, reentrant, with
 * conditions): interrupts before and while blocked, timed waits never early, ownership errors,
 * conditions, virtual threads. The tests in this class are what only a pair has: readers share and
 * exclude writers, waiters of one side are released by the other side, reentrant holds of one side
 * keep the other out, reentrant reads pass a waiting writer, downgrade works, upgrade is refused,
 * another thread's read hold cannot be released, a write-lock condition needs the write lock itself.
 *
 * <p>It also runs on {@link java.util.concurrent.locks.ReentrantReadWriteLock}: a test that the JDK's
 * lock fails is a wrong test. One behaviour differs on purpose: a read-to-write upgrade. Interlock's
 * locks refuse it at once with {@code IllegalMonitorStateException} (the default
 * {@link #assertUpgradeRefused}); {@code ReentrantReadWriteLock} would wait for ever in {@code lock()},
 * so its subclass overrides the hook to check what it does instead (its {@code tryLock} variants fail).
 * Preference policies (who waits for whom) are not part of this contract: each implementation's own
 * test checks its policy.
 *
 * <p>Blocked threads: the tests confirm that a thread waits in the very place it should
 * ({@link TestThreads#awaitBlockedOn}), as the subclass describes it: {@link #readWaitBlocker} and
 * {@link #writeWaitBlocker} name the objects waiting readers and writers park on (the defaults,
 * null, accept any blocker; or override {@link #isReadWaitBlocker} and {@link #isWriteWaitBlocker}),
 * {@link #isConditionWaitBlocker} says what a thread in a write-lock condition parks on. Timing: the
 * only time assertions are lower bounds ("a timed call that gives up has waited at least its
 * timeout"). No sleeps.
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

    /**
     * Whether {@code blocker} ({@code LockSupport.getBlocker} of a parked thread) means "waiting for
     * {@code lock}'s read lock". Default: it is {@link #readWaitBlocker}, or anything if that is null.
     */
    protected boolean isReadWaitBlocker(L lock, Object blocker) {
        Object expected = readWaitBlocker(lock);
        return expected == null || blocker == expected;
    }

    /** As {@link #isReadWaitBlocker}, for the write lock and {@link #writeWaitBlocker}. */
    protected boolean isWriteWaitBlocker(L lock, Object blocker) {
        Object expected = writeWaitBlocker(lock);
        return expected == null || blocker == expected;
    }

    /**
     * Whether {@code blocker} means "waiting in {@code condition}", a condition of the write lock.
     * Default: the condition itself, as for the JDK's conditions.
     */
    protected boolean isConditionWaitBlocker(Condition condition, Object blocker) {
        return blocker == condition;
    }

    /** Waits until {@code t} waits for the read lock of {@code lock}. */
    protected final void awaitWaitingToRead(L lock, Thread t) {
        TestThreads.awaitBlockedOn(t, b -> isReadWaitBlocker(lock, b), "waiting to read " + lock);
    }

    /** Waits until {@code t} waits for the write lock of {@code lock}. */
    protected final void awaitWaitingToWrite(L lock, Thread t) {
        TestThreads.awaitBlockedOn(t, b -> isWriteWaitBlocker(lock, b), "waiting to write " + lock);
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

    // ------------------------------------------------------------------ each side is a Lock

    /**
     * The {@link LockContract} on the read lock: shared (another reader gets in), no conditions
     * ({@code newCondition()} throws {@link UnsupportedOperationException}); the tests that need it
     * unavailable take the write lock of the same pair.
     */
    @Nested
    class ReadSide extends LockContract {
        private final Map<Lock, L> pairs = new IdentityHashMap<>();

        @Override
        protected Lock newLock() {
            L pair = ReadWriteLockContract.this.newLock();
            pairs.put(pair.readLock(), pair);
            return pair.readLock();
        }

        @Override
        protected boolean exclusive() {
            return false;
        }

        @Override
        protected boolean supportsConditions() {
            return false;
        }

        @Override
        protected Runnable holdAgainstOthers(Lock lock) {
            Lock writeLock = pairs.get(lock).writeLock();
            writeLock.lock();
            return writeLock::unlock;
        }

        @Override
        protected boolean isLockBlocker(Lock lock, Object blocker) {
            return isReadWaitBlocker(pairs.get(lock), blocker);
        }
    }

    /** The {@link LockContract} on the write lock: exclusive, reentrant, with conditions. */
    @Nested
    class WriteSide extends LockContract {
        private final Map<Lock, L> pairs = new IdentityHashMap<>();

        @Override
        protected Lock newLock() {
            L pair = ReadWriteLockContract.this.newLock();
            pairs.put(pair.writeLock(), pair);
            return pair.writeLock();
        }

        @Override
        protected boolean isLockBlocker(Lock lock, Object blocker) {
            return isWriteWaitBlocker(pairs.get(lock), blocker);
        }

        @Override
        protected boolean isConditionBlocker(Condition condition, Object blocker) {
            return isConditionWaitBlocker(condition, blocker);
        }
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
    public void reentrantHoldsOfEitherSideKeepTheOtherSideOutUntilTheLastUnlock() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        lock.readLock().lock();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).as("one read hold left").isFalse();
        lock.readLock().unlock();
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();

        lock.writeLock().lock();
        lock.writeLock().lock();
        lock.writeLock().unlock();
        assertThat(availableToOtherThread(lock.readLock())).as("one write hold left").isFalse();
        lock.writeLock().unlock();
        assertThat(availableToOtherThread(lock.readLock())).isTrue();
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
    public void unlockingAnotherThreadsReadHoldThrowsAndChangesNothing() throws Exception {
        L lock = newLock();
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
    public void unlockingTheWriteLockHoldingOnlyTheReadLockThrowsAndChangesNothing() throws Exception {
        L lock = newLock();
        lock.readLock().lock();
        try {
            assertThatThrownBy(() -> lock.writeLock().unlock()).isInstanceOf(IllegalMonitorStateException.class);
            assertThat(availableToOtherThread(lock.writeLock())).as("still read-locked").isFalse();
        } finally {
            lock.readLock().unlock();
        }
        assertThat(availableToOtherThread(lock.writeLock())).isTrue();
    }

    @Test
    public void writeConditionMethodsHoldingOnlyTheReadLockThrow() {
        L lock = newLock();
        Condition c = lock.writeLock().newCondition();
        lock.readLock().lock();
        try {
            assertThatThrownBy(c::signal).isInstanceOf(IllegalMonitorStateException.class);
            assertThatThrownBy(c::signalAll).isInstanceOf(IllegalMonitorStateException.class);
            assertThatThrownBy(c::await).isInstanceOf(IllegalMonitorStateException.class);
            assertThatThrownBy(() -> c.awaitNanos(1)).isInstanceOf(IllegalMonitorStateException.class);
        } finally {
            lock.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ interruption and timeouts

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
    public void writerBlockedByAReaderThrowsOnInterruptAndHoldsNothing() throws Exception {
        L lock = newLock();
        for (boolean timed : new boolean[] {false, true}) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean statusAfter = new AtomicBoolean(true);
            lock.readLock().lock();
            try (TestThreads threads = new TestThreads()) {
                Thread writer = threads.start(timed ? "timed-writer" : "writer", () -> {
                    try {
                        if (timed) {
                            lock.writeLock().tryLock(TestThreads.BOUND.toMillis() * 10, TimeUnit.MILLISECONDS);
                        } else {
                            lock.writeLock().lockInterruptibly();
                        }
                        lock.writeLock().unlock();
                    } catch (InterruptedException e) {
                        thrown.set(e);
                        statusAfter.set(Thread.currentThread().isInterrupted());
                    }
                });
                awaitWaitingToWrite(lock, writer);
                writer.interrupt();
            } finally {
                lock.readLock().unlock();
            }
            assertThat(thrown.get()).as("timed: " + timed).isInstanceOf(InterruptedException.class);
            assertThat(statusAfter).as("interrupt status after the throw").isFalse();
            assertThat(availableToOtherThread(lock.writeLock())).as("the interrupted writer holds nothing").isTrue();
        }
    }

    @Test
    public void timedWriteTryLockSucceedsWhenTheReaderLeavesWithinTheTimeout() throws Exception {
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
}

package dev.interlock.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link Lock} contract as the JDK documents it ({@code Lock}, {@code Condition} and
 * {@code ReentrantLock}'s javadoc), run on every implementation by a small subclass. It also runs on
 * {@link java.util.concurrent.locks.ReentrantLock}, fair and unfair: a test that the JDK's lock fails is
 * a wrong test.
 *
 * <p>Hooks for what differs between locks (override where the default is wrong):
 * <ul>
 *   <li>{@link #exclusive()}: whether a thread holding the lock keeps every other thread out. A read
 *       lock is not exclusive: other readers get in. Tests of mutual exclusion run only on exclusive
 *       locks; the "held by another thread" tests expect the opposite outcome for shared ones.</li>
 *   <li>{@link #holdAgainstOthers(Lock)}: makes the lock unavailable to other threads, from the
 *       calling thread (default: {@code lock()}); for a read lock, take the write lock of the same
 *       pair. Every "blocked" test uses it.</li>
 *   <li>{@link #reentrant()}, {@link #supportsConditions()}: optional behaviours; tests that need them
 *       are skipped (JUnit assumptions) where they do not apply, and a lock without conditions must
 *       throw {@link UnsupportedOperationException} from {@code newCondition()}.</li>
 *   <li>{@link #isLockBlocker(Lock, Object)}, {@link #isConditionBlocker(Condition, Object)}: what a
 *       thread waiting for the lock, or in one of its conditions, parks on
 *       ({@code LockSupport.getBlocker}), so tests confirm a thread waits in that very place.</li>
 * </ul>
 *
 * <p>Timing: the only time assertions are lower bounds ("a timed wait that gives up has waited at least
 * its timeout"), which are behaviour. No sleeps: threads are confirmed blocked before the test acts,
 * and every thread is joined.
 */
public abstract class LockContract {

    /** Timeout of the "gives up after waiting" tests: short, the assertion is a lower bound. */
    protected static final Duration SHORT = Duration.ofMillis(25);

    /** A fresh, free lock. */
    protected abstract Lock newLock();

    /** Whether the owner may acquire the lock again (hold count). Default {@code true}. */
    protected boolean reentrant() {
        return true;
    }

    /** Whether {@code newCondition()} is supported. Default {@code true}. */
    protected boolean supportsConditions() {
        return true;
    }

    /** Whether a holder keeps every other thread out (false for a read lock). Default {@code true}. */
    protected boolean exclusive() {
        return true;
    }

    /**
     * From the calling thread, makes {@code lock} unavailable to every other thread until the returned
     * action runs (in the same thread). The calling thread may still acquire {@code lock} itself if the
     * lock allows it (a write lock's holder may take the read lock). Default: {@code lock.lock()}.
     */
    protected Runnable holdAgainstOthers(Lock lock) {
        lock.lock();
        return lock::unlock;
    }

    /**
     * Whether {@code blocker} ({@code LockSupport.getBlocker} of a parked thread) means "waiting to
     * acquire {@code lock}". Default: the lock itself.
     */
    protected boolean isLockBlocker(Lock lock, Object blocker) {
        return blocker == lock;
    }

    /** Waits until {@code t} is parked waiting to acquire {@code lock}. */
    protected final void awaitWaitingFor(Lock lock, Thread t) {
        TestThreads.awaitBlockedOn(t, b -> isLockBlocker(lock, b), "waiting for " + lock);
    }

    /**
     * Whether {@code blocker} ({@code LockSupport.getBlocker} of a parked thread) means "waiting in
     * {@code condition}". Default: the condition itself, as for the JDK's conditions.
     */
    protected boolean isConditionBlocker(Condition condition, Object blocker) {
        return blocker == condition;
    }

    /** Waits until {@code t} is parked in {@code condition}. */
    protected final void awaitWaitingIn(Condition condition, Thread t) {
        TestThreads.awaitBlockedOn(t, b -> isConditionBlocker(condition, b), "in " + condition);
    }

    /** Whether another thread, started now, gets the lock with {@code tryLock()} (and releases it). */
    protected static boolean availableToAnotherThread(Lock lock) throws Exception {
        AtomicBoolean got = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            threads.start("probe", () -> {
                if (lock.tryLock()) {
                    got.set(true);
                    lock.unlock();
                }
            });
        }
        return got.get();
    }

    @AfterEach
    void interruptStatusIsClear() {
        assertThat(Thread.interrupted()).as("test left its thread interrupted").isFalse();
    }

    // ------------------------------------------------------------------ lock, unlock, tryLock

    @Test
    public void lockThenUnlockLetsAnotherThreadIn() throws Exception {
        Lock lock = newLock();
        lock.lock();
        lock.unlock();
        assertThat(availableToAnotherThread(lock)).isTrue();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    public void tryLockSucceedsOnAFreeLock() throws Exception {
        Lock lock = newLock();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(0, TimeUnit.SECONDS)).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(-1, TimeUnit.DAYS)).isTrue();
        lock.unlock();
        assertThat(lock.tryLock(1, TimeUnit.DAYS)).isTrue();
        lock.unlock();
    }

    @Test
    public void tryLockByAnotherThreadFailsWhileHeldOrSucceedsIfShared() throws Exception {
        Lock lock = newLock();
        lock.lock();
        try {
            assertThat(availableToAnotherThread(lock)).isEqualTo(!exclusive());
        } finally {
            lock.unlock();
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void tryLockInAnotherThreadFailsWhileHeldAgainstOthers() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            threads.start("probe", () -> {
                assertThat(lock.tryLock()).isFalse();
                assertThat(lock.tryLock(0, TimeUnit.NANOSECONDS)).isFalse();
                assertThat(lock.tryLock(-5, TimeUnit.SECONDS)).isFalse();
                assertThat(lock.tryLock(Long.MIN_VALUE, TimeUnit.NANOSECONDS)).isFalse();
            });
        } finally {
            release.run();
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void timedTryLockReturnsFalseNoEarlierThanItsTimeoutWhileHeld() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            threads.start("timed", () -> {
                long start = System.nanoTime();
                assertThat(lock.tryLock(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
                // A lower bound, not a timing assertion: returning early would break the contract.
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
                start = System.nanoTime();
                assertThat(lock.tryLock(SHORT.toNanos(), TimeUnit.NANOSECONDS)).isFalse();
                assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
            });
        } finally {
            release.run();
        }
        assertThat(availableToAnotherThread(lock)).as("a timed-out waiter left nothing behind").isTrue();
    }

    @Test
    public void timedTryLockSucceedsWhenReleasedDuringTheWait() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                assertThat(lock.tryLock(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                lock.unlock();
            });
            awaitWaitingFor(lock, waiter);
            release.run();
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void timedTryLockWithTheLongestTimeoutsWaitsAndIsReleased() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            Thread days = threads.start("days", () -> {
                assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue();
                lock.unlock();
            });
            Thread nanos = threads.start("nanos", () -> {
                assertThat(lock.tryLock(Long.MAX_VALUE, TimeUnit.NANOSECONDS)).isTrue();
                lock.unlock();
            });
            awaitWaitingFor(lock, days);
            awaitWaitingFor(lock, nanos);
            release.run();
        }
    }

    @Test
    public void blockedLockIsReleasedByUnlock() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        AtomicBoolean released = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    assertThat(released).as("lock() returned while another thread held the lock").isTrue();
                } finally {
                    lock.unlock();
                }
            });
            awaitWaitingFor(lock, waiter);
            released.set(true);
            release.run();
        }
    }

    @Test
    public void nullTimeUnitIsRejectedAndTheLockStaysUsable() throws Exception {
        Lock lock = newLock();
        assertThatThrownBy(() -> lock.tryLock(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    // ------------------------------------------------------------------ interruption

    @Test
    public void lockInterruptiblyThrowsWhenInterruptedOnEntryEvenIfFree() throws Exception {
        Lock lock = newLock();
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(availableToAnotherThread(lock)).as("the interrupted call did not take the lock").isTrue();
    }

    @Test
    public void timedTryLockThrowsWhenInterruptedOnEntryEvenIfFree() throws Exception {
        Lock lock = newLock();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.tryLock(0, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void lockInterruptiblyThrowsWhenInterruptedWhileBlocked() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt status cleared").isFalse();
            });
            awaitWaitingFor(lock, waiter);
            waiter.interrupt();
            waiter.join(TestThreads.BOUND.toMillis());
        } finally {
            release.run();
        }
        assertThat(availableToAnotherThread(lock)).as("the interrupted waiter left the queue").isTrue();
    }

    @Test
    public void timedTryLockThrowsWhenInterruptedWhileBlocked() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                assertThatThrownBy(() -> lock.tryLock(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt status cleared").isFalse();
            });
            awaitWaitingFor(lock, waiter);
            waiter.interrupt();
            waiter.join(TestThreads.BOUND.toMillis());
        } finally {
            release.run();
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void lockKeepsWaitingWhenInterruptedAndReturnsWithTheInterruptStatusSet() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        AtomicBoolean released = new AtomicBoolean();
        AtomicBoolean returned = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                returned.set(true);
                try {
                    assertThat(released).as("lock() returned before the holder released").isTrue();
                    assertThat(Thread.currentThread().isInterrupted()).as("interrupt status restored").isTrue();
                } finally {
                    lock.unlock();
                }
            });
            awaitWaitingFor(lock, waiter);
            waiter.interrupt();
            // The lock saw the interrupt (it cleared the status to park again) and waits on.
            TestThreads.pollUntil(() -> returned.get() || (!waiter.isInterrupted() && isParkedFor(lock, waiter)),
                    "the interrupted waiter to park again");
            assertThat(returned).as("lock() returned on the interrupt").isFalse();
            released.set(true);
            release.run();
        } finally {
            if (!released.get()) {
                release.run();
            }
        }
        assertThat(returned).isTrue();
    }

    private boolean isParkedFor(Lock lock, Thread t) {
        Thread.State s = t.getState();
        Object b = java.util.concurrent.locks.LockSupport.getBlocker(t);
        return (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && b != null && isLockBlocker(lock, b);
    }

    // ------------------------------------------------------------------ ownership

    @Test
    public void unlockWithoutHoldingThrowsAndTheLockStaysUsable() throws Exception {
        Lock lock = newLock();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        lock.unlock();
        assertThatThrownBy(lock::unlock).as("one unlock too many").isInstanceOf(IllegalMonitorStateException.class);
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void unlockByAnotherThreadThrowsAndTheHolderKeepsTheLock() throws Exception {
        assumeTrue(exclusive(), "a shared lock's holders are not told apart by this test");
        Lock lock = newLock();
        lock.lock();
        try {
            try (TestThreads threads = new TestThreads()) {
                threads.start("stranger", () ->
                        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class));
            }
            assertThat(availableToAnotherThread(lock)).as("still held").isFalse();
        } finally {
            lock.unlock();
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void reentrantAcquisitionsNeedAsManyUnlocks() throws Exception {
        assumeTrue(reentrant(), "not reentrant");
        Lock lock = newLock();
        lock.lock();
        assertThat(lock.tryLock()).isTrue();
        lock.lockInterruptibly();
        assertThat(lock.tryLock(1, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 3; i++) {
            lock.unlock();
            assertThat(availableToAnotherThread(lock)).as("still held after " + (i + 1) + " unlocks")
                    .isEqualTo(!exclusive());
        }
        lock.unlock();
        assertThat(availableToAnotherThread(lock)).isTrue();
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    public void reentryIsImmediateEvenWithThreadsQueued() throws Exception {
        assumeTrue(reentrant() && exclusive(), "needs an exclusive reentrant lock");
        Lock lock = newLock();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                lock.unlock();
            });
            awaitWaitingFor(lock, waiter);
            assertThat(lock.tryLock()).as("re-entry with a waiter queued").isTrue();
            lock.unlock();
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ mutual exclusion

    @Test
    public void contendedIncrementsUnderTheLockAreAllCounted() throws Exception {
        assumeTrue(exclusive(), "a shared lock does not exclude");
        Lock lock = newLock();
        long[] counter = {0}; // guarded by lock
        int threads = 4;
        int perThread = 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int kind = t;
                group.start("incrementer-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        switch (kind) {
                            case 0 -> lock.lock();
                            case 1 -> lock.lockInterruptibly();
                            case 2 -> assertThat(lock.tryLock(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS))
                                    .isTrue();
                            default -> {
                                while (!lock.tryLock()) {
                                    Thread.onSpinWait();
                                }
                            }
                        }
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
        }
        lock.lock();
        try {
            assertThat(counter[0]).isEqualTo((long) threads * perThread);
        } finally {
            lock.unlock();
        }
    }

    @Test
    public void virtualThreadsExcludeEachOther() throws Exception {
        assumeTrue(exclusive(), "a shared lock does not exclude");
        Lock lock = newLock();
        long[] counter = {0}; // guarded by lock
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 100; t++) {
                group.startVirtual("v-" + t, () -> {
                    for (int i = 0; i < 100; i++) {
                        lock.lock();
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
        }
        lock.lock();
        try {
            assertThat(counter[0]).isEqualTo(10_000);
        } finally {
            lock.unlock();
        }
    }

    @Test
    public void blockedVirtualThreadsAreReleasedByInterruptAndByUnlock() throws Exception {
        Lock lock = newLock();
        Runnable release = holdAgainstOthers(lock);
        boolean released = false;
        try (TestThreads threads = new TestThreads()) {
            Thread interrupted = threads.startVirtual("v-interrupted", () ->
                    assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class));
            awaitWaitingFor(lock, interrupted);
            interrupted.interrupt();
            interrupted.join(TestThreads.BOUND.toMillis());
            Thread waiter = threads.startVirtual("v-waiter", () -> {
                lock.lock();
                lock.unlock();
            });
            awaitWaitingFor(lock, waiter);
            release.run();
            released = true;
        } finally {
            if (!released) {
                release.run();
            }
        }
    }

    // ------------------------------------------------------------------ conditions

    @Test
    public void newConditionIsSupportedOrRefused() {
        Lock lock = newLock();
        if (supportsConditions()) {
            assertThat(lock.newCondition()).isNotNull().isNotSameAs(lock.newCondition());
        } else {
            assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    public void awaitAndSignalWithoutTheLockThrow() {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        List<TestThreads.Body> calls = List.of(c::await, c::awaitUninterruptibly, () -> c.awaitNanos(1),
                () -> c.await(1, TimeUnit.SECONDS), () -> c.awaitUntil(new Date()), c::signal, c::signalAll);
        for (TestThreads.Body call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalMonitorStateException.class);
        }
    }

    @Test
    public void awaitReleasesTheLockAndSignalWakesTheWaiterHoldingItAgain() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        AtomicBoolean signalled = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    c.await();
                    assertThat(signalled).isTrue();
                } finally {
                    lock.unlock(); // throws if await returned without the lock
                }
            });
            awaitWaitingIn(c, waiter);
            lock.lock(); // possible only because await released it
            try {
                signalled.set(true);
                c.signal();
            } finally {
                lock.unlock();
            }
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void signalWakesTheLongestWaiterAndSignalAllWakesEveryone() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        List<String> woken = new CopyOnWriteArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "waiter-" + i;
                Thread t = threads.start(name, () -> {
                    lock.lock();
                    try {
                        c.await();
                        woken.add(name);
                    } finally {
                        lock.unlock();
                    }
                });
                awaitWaitingIn(c, t);
                waiters.add(t);
            }
            lock.lock();
            try {
                c.signal();
            } finally {
                lock.unlock();
            }
            waiters.get(0).join(TestThreads.BOUND.toMillis());
            assertThat(woken).containsExactly("waiter-0");
            assertThat(waiters.get(1).isAlive()).isTrue();
            lock.lock();
            try {
                c.signalAll();
            } finally {
                lock.unlock();
            }
        }
        assertThat(woken).containsExactlyInAnyOrder("waiter-0", "waiter-1", "waiter-2");
    }

    @Test
    public void signalWithNoWaitersDoesNothing() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        lock.lock();
        try {
            c.signal();
            c.signalAll();
            assertThat(c.awaitNanos(0)).as("a signal before the wait is not remembered").isLessThanOrEqualTo(0);
        } finally {
            lock.unlock();
        }
    }

    @Test
    public void timedAwaitsReturnNoEarlierThanTheirTimeoutHoldingTheLock() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        lock.lock();
        try {
            long start = System.nanoTime();
            assertThat(c.awaitNanos(SHORT.toNanos())).isLessThanOrEqualTo(0);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());

            start = System.nanoTime();
            assertThat(c.await(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());

            Date deadline = new Date(System.currentTimeMillis() + SHORT.toMillis());
            assertThat(c.awaitUntil(deadline)).isFalse();
            assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(deadline.getTime());

            assertThat(c.awaitNanos(0)).isLessThanOrEqualTo(0);
            assertThat(c.awaitNanos(Long.MIN_VALUE)).isLessThanOrEqualTo(0);
            assertThat(c.await(-1, TimeUnit.DAYS)).isFalse();
            assertThat(c.awaitUntil(new Date(0))).isFalse();
            assertThat(availableToAnotherThread(lock)).as("every timed await reacquired the lock").isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    public void timedAwaitReturnsTrueWhenSignalledInTime() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int kind = 0; kind < 3; kind++) {
                int k = kind;
                Thread t = threads.start("timed-" + kind, () -> {
                    lock.lock();
                    try {
                        switch (k) {
                            case 0 -> assertThat(c.awaitNanos(TestThreads.BOUND.toNanos())).isPositive();
                            case 1 -> assertThat(c.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                            default -> assertThat(c.awaitUntil(
                                    new Date(System.currentTimeMillis() + TestThreads.BOUND.toMillis()))).isTrue();
                        }
                    } finally {
                        lock.unlock();
                    }
                });
                awaitWaitingIn(c, t);
                waiters.add(t);
            }
            lock.lock();
            try {
                c.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    public void awaitThrowsWhenInterruptedOnEntryAndKeepsTheLock() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        lock.lock();
        try {
            List<TestThreads.Body> awaits = List.of(c::await, () -> c.awaitNanos(TestThreads.BOUND.toNanos()),
                    () -> c.await(1, TimeUnit.DAYS), () -> c.awaitUntil(new Date(Long.MAX_VALUE)));
            for (TestThreads.Body await : awaits) {
                Thread.currentThread().interrupt();
                assertThatThrownBy(await::run).isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            }
            assertThat(availableToAnotherThread(lock)).as("still held").isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    public void awaitThrowsWhenInterruptedWhileWaitingAfterReacquiringTheLock() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        try (TestThreads threads = new TestThreads()) {
            for (int kind = 0; kind < 4; kind++) {
                int k = kind;
                Thread waiter = threads.start("waiter-" + kind, () -> {
                    lock.lock();
                    try {
                        assertThatThrownBy(() -> {
                            switch (k) {
                                case 0 -> c.await();
                                case 1 -> c.awaitNanos(TestThreads.BOUND.toNanos());
                                case 2 -> c.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                                default -> c.awaitUntil(new Date(System.currentTimeMillis()
                                        + TestThreads.BOUND.toMillis()));
                            }
                        }).isInstanceOf(InterruptedException.class);
                        assertThat(Thread.currentThread().isInterrupted()).isFalse();
                    } finally {
                        lock.unlock(); // throws if the lock was not reacquired
                    }
                });
                awaitWaitingIn(c, waiter);
                waiter.interrupt();
                waiter.join(TestThreads.BOUND.toMillis());
            }
        }
        assertThat(availableToAnotherThread(lock)).isTrue();
    }

    @Test
    public void interruptedAwaitWaitsForTheLockBeforeThrowing() throws Exception {
        assumeTrue(supportsConditions() && exclusive(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        AtomicBoolean released = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    assertThatThrownBy(c::await).isInstanceOf(InterruptedException.class);
                    assertThat(released).as("await threw before it had the lock back").isTrue();
                } finally {
                    lock.unlock();
                }
            });
            awaitWaitingIn(c, waiter);
            lock.lock();
            try {
                waiter.interrupt();
                TestThreads.pollUntil(() -> !waiter.isInterrupted() && isParkedFor(lock, waiter)
                        || !waiter.isAlive(), "the interrupted waiter to wait for the lock");
                released.set(true);
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    public void awaitUninterruptiblyIgnoresInterruptsUntilSignalled() throws Exception {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        AtomicBoolean signalled = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    c.awaitUninterruptibly();
                    assertThat(signalled).as("returned without a signal").isTrue();
                    assertThat(Thread.interrupted()).as("interrupt status restored").isTrue();
                } finally {
                    lock.unlock();
                }
            });
            awaitWaitingIn(c, waiter);
            waiter.interrupt();
            TestThreads.pollUntil(() -> !waiter.isInterrupted() || !waiter.isAlive(),
                    "the waiter to see the interrupt");
            awaitWaitingIn(c, waiter);
            lock.lock();
            try {
                signalled.set(true);
                c.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    public void awaitReleasesEveryHoldAndRestoresThem() throws Exception {
        assumeTrue(supportsConditions() && reentrant(), "needs reentrant conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                lock.lock();
                lock.lock();
                c.await();
                lock.unlock();
                lock.unlock();
                lock.unlock();
                assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
            });
            awaitWaitingIn(c, waiter);
            assertThat(availableToAnotherThread(lock)).as("await released all three holds").isTrue();
            lock.lock();
            try {
                c.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    public void signalledWaitersReacquireOneAtATime() throws Exception {
        assumeTrue(supportsConditions() && exclusive(), "needs exclusive conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        int waiters = 4;
        CountDownLatch waiting = new CountDownLatch(waiters);
        try (TestThreads threads = new TestThreads()) {
            List<Thread> started = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                started.add(threads.start("waiter-" + i, () -> {
                    lock.lock();
                    try {
                        waiting.countDown();
                        c.await();
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                    } finally {
                        lock.unlock();
                    }
                }));
            }
            started.forEach(t -> awaitWaitingIn(c, t));
            lock.lock();
            try {
                c.signalAll();
            } finally {
                lock.unlock();
            }
        }
        assertThat(maxInside).hasValue(1);
    }

    @Test
    public void nullArgumentsToTimedAwaitsAreRejected() {
        assumeTrue(supportsConditions(), "no conditions");
        Lock lock = newLock();
        Condition c = lock.newCondition();
        lock.lock();
        try {
            assertThatThrownBy(() -> c.await(1, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> c.awaitUntil(null)).isInstanceOf(NullPointerException.class);
        } finally {
            lock.unlock();
        }
    }
}

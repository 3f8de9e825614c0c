package dev.interlock.liveness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The acquisition protocol shared by a {@link LockOrderChecker}'s locks: check the order, try the
 * underlying JDK lock once, and only if that fails register in the {@link WaitRegistry} around the
 * blocking call; then record the acquisition in the thread's held stack and the wait statistics.
 *
 * <p>Thread-safe. Subclasses supply the underlying lock, the wait mode and the holders.
 */
abstract class AbstractCheckedLock implements Lock, TrackedLock {

    /*
     * Implementation notes.
     *
     * The fast path is the underlying lock's timed tryLock with a zero timeout: one attempt that
     * honours its queueing policy (a ReentrantReadWriteLock reader does not barge past a queued
     * writer), where the untimed tryLock() would barge. Only if it fails does the thread block, and
     * only then does it appear in the WaitRegistry: between begin and end it is either parked in the
     * underlying lock or about to park or just back from it, never doing anything else. The order
     * check runs before the first attempt, so under THROW a refused acquisition never touched the
     * lock. The held stack is pushed after the lock is held and popped after it is released.
     */

    final LockOrderChecker checker;
    final LockOrderChecker.Node node;
    /** The JDK lock that does the locking. */
    final Lock inner;
    private final boolean checking;
    private final WaitStats stats = new WaitStats();

    AbstractCheckedLock(LockOrderChecker checker, LockOrderChecker.Node node, Lock inner) {
        this.checker = checker;
        this.node = node;
        this.inner = inner;
        this.checking = checker.checking();
    }

    /** How an acquirer of this lock waits, for the {@link WaitRegistry}: "lock", "read" or "write". */
    abstract String mode();

    /** Called on the acquiring thread once it holds the underlying lock. */
    void onAcquired() {
    }

    /** Called on the releasing thread once it has released the underlying lock. */
    void onReleased() {
    }

    /**
     * The threads that {@code waiter}, blocked acquiring this lock, waits for: its holders other than
     * itself (a reentrant lock never waits for its own holder). A read-write lock's halves widen this.
     */
    Collection<Thread> blockersOf(Thread waiter) {
        List<Thread> blockers = new ArrayList<>(holders());
        blockers.remove(waiter);
        return blockers;
    }

    @Override
    public String name() {
        return node.name;
    }

    @Override
    public WaitStats waitStats() {
        return stats;
    }

    @Override
    public void lock() {
        LockOrderChecker.Held held = checking ? checker.beforeAcquire(node) : null;
        if (!tryOnce()) {
            WaitRegistry.Wait wait = WaitRegistry.begin(this, mode());
            long start = System.nanoTime();
            try {
                inner.lock();
            } finally {
                WaitRegistry.end(wait);
            }
            stats.recordWait(System.nanoTime() - start);
        }
        acquired(held);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockOrderChecker.Held held = checking ? checker.beforeAcquire(node) : null;
        if (!tryOnceInterruptibly()) {
            WaitRegistry.Wait wait = WaitRegistry.begin(this, mode());
            long start = System.nanoTime();
            try {
                inner.lockInterruptibly();
            } finally {
                WaitRegistry.end(wait);
            }
            stats.recordWait(System.nanoTime() - start);
        }
        acquired(held);
    }

    @Override
    public boolean tryLock() {
        LockOrderChecker.Held held = checking ? checker.beforeAcquire(node) : null;
        if (!inner.tryLock()) {
            return false;
        }
        stats.recordImmediate();
        acquired(held);
        return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long nanos = Objects.requireNonNull(unit, "unit").toNanos(time);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        LockOrderChecker.Held held = checking ? checker.beforeAcquire(node) : null;
        if (!tryOnceInterruptibly()) {
            long left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return false;
            }
            WaitRegistry.Wait wait = WaitRegistry.begin(this, mode());
            long waitStart = System.nanoTime();
            boolean got;
            try {
                got = inner.tryLock(left, TimeUnit.NANOSECONDS);
            } finally {
                WaitRegistry.end(wait);
            }
            if (!got) {
                return false;
            }
            stats.recordWait(System.nanoTime() - waitStart);
        }
        acquired(held);
        return true;
    }

    @Override
    public void unlock() {
        inner.unlock(); // IllegalMonitorStateException if not held: nothing below runs
        onReleased();
        if (checking) {
            checker.released(node);
        }
    }

    /** One attempt honouring the lock's queueing policy, for an uninterruptible acquisition. */
    private boolean tryOnce() {
        if (Thread.currentThread().isInterrupted()) {
            return false; // the timed attempt would throw: let the blocking lock() ignore the interrupt
        }
        try {
            return tryOnceInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // interrupted just now: lock() keeps the status and waits
            return false;
        }
    }

    private boolean tryOnceInterruptibly() throws InterruptedException {
        if (inner.tryLock(0, TimeUnit.NANOSECONDS)) {
            stats.recordImmediate();
            return true;
        }
        return false;
    }

    private void acquired(LockOrderChecker.Held held) {
        onAcquired();
        if (held != null) {
            LockOrderChecker.acquired(held, node);
        }
    }
}

package dev.interlock.lab.broken;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * BROKEN on purpose: a mutex that does not know its owner, so it cannot be re-entered. A thread that
 * holds it and asks for it again (the guide's {@code write()} calling {@code log()}) waits for itself
 * forever: a self-deadlock. {@link java.util.concurrent.locks.ReentrantLock} counts holds per owner
 * and lets the owner in again.
 *
 * <p>Thread-safe as a mutex: one holder at a time. Since it records no owner, any thread may unlock
 * it (like a one-permit semaphore), and {@code ThreadMXBean.findDeadlockedThreads} cannot see a thread
 * blocked on it: only a bounded wait ({@link #tryLock(long, TimeUnit)}) reveals the self-deadlock.
 * Conditions are not supported.
 */
public final class NonReentrantLock implements Lock {

    /** State 0: free; 1: held. */
    private static final class Sync extends AbstractQueuedSynchronizer {
        @Override
        protected boolean tryAcquire(int ignored) {
            return compareAndSetState(0, 1);
        }

        @Override
        protected boolean tryRelease(int ignored) {
            if (getState() == 0) {
                throw new IllegalMonitorStateException("not locked");
            }
            setState(0);
            return true;
        }

        boolean isLocked() {
            return getState() != 0;
        }
    }

    private final Sync sync = new Sync();

    @Override
    public void lock() {
        sync.acquire(1);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        sync.acquireInterruptibly(1);
    }

    @Override
    public boolean tryLock() {
        return sync.tryAcquire(1);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return sync.tryAcquireNanos(1, unit.toNanos(time));
    }

    /** @throws IllegalMonitorStateException if the lock is not held (by anyone) */
    @Override
    public void unlock() {
        sync.release(1);
    }

    /** Whether some thread holds the lock. */
    public boolean isLocked() {
        return sync.isLocked();
    }

    /** @throws UnsupportedOperationException always */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("NonReentrantLock has no conditions");
    }

    @Override
    public String toString() {
        return "NonReentrantLock[" + (isLocked() ? "locked" : "unlocked") + "]";
    }
}

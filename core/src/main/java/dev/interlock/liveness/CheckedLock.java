package dev.interlock.liveness;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LockOrderChecker}'s mutual-exclusion lock: a non-fair {@link ReentrantLock} whose
 * acquisitions are order-checked and tracked (see {@link AbstractCheckedLock}).
 *
 * <p>Reentrancy, interruption, timeouts, conditions and memory effects are those of
 * {@code ReentrantLock}. One gap in the tracking: a thread that re-acquires the lock at the end of a
 * {@link Condition#await()} blocks inside the JDK's condition code, so it is not listed in the
 * {@link WaitRegistry} meanwhile ({@code ThreadMXBean} still sees it, for a platform thread).
 */
final class CheckedLock extends AbstractCheckedLock {

    private final OwnedLock lock;

    CheckedLock(LockOrderChecker checker, LockOrderChecker.Node node) {
        this(checker, node, new OwnedLock());
    }

    private CheckedLock(LockOrderChecker checker, LockOrderChecker.Node node, OwnedLock lock) {
        super(checker, node, lock);
        this.lock = lock;
    }

    @Override
    String mode() {
        return "lock";
    }

    @Override
    public Collection<Thread> holders() {
        Thread owner = lock.owner();
        return owner == null ? List.of() : List.of(owner);
    }

    @Override
    public Condition newCondition() {
        return lock.newCondition();
    }

    @Override
    public String toString() {
        Thread owner = lock.owner();
        return "CheckedLock[" + name() + ", " + (owner == null ? "unlocked" : "locked by " + owner.getName()) + "]";
    }

    /** A ReentrantLock that tells its owner (the JDK keeps that accessor protected). */
    static final class OwnedLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;

        Thread owner() {
            return getOwner();
        }
    }
}

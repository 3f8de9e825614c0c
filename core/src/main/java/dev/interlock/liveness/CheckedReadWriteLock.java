package dev.interlock.liveness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link LockOrderChecker}'s read-write lock: a non-fair {@link ReentrantReadWriteLock} whose two
 * halves are order-checked as one node and tracked as two {@link TrackedLock}s with the same name.
 *
 * <p>Reentrancy (a writer may take the read lock; a reader may not take the write lock: that blocks
 * forever, as in the JDK), interruption, timeouts, the write lock's conditions and memory effects are
 * those of {@code ReentrantReadWriteLock}. {@link TrackedLock#holders()} is the writer for the write
 * lock and the readers for the read lock.
 */
final class CheckedReadWriteLock implements ReadWriteLock {

    /*
     * Implementation notes: the JDK lock does not say who its readers are, so `readers` lists them:
     * a thread adds itself once it holds its first read hold and removes itself once it has released
     * its last (getReadHoldCount() is the calling thread's own count). It may therefore list a thread
     * a moment after its last release, never one that has not yet acquired.
     */

    private final OwnedReadWriteLock lock = new OwnedReadWriteLock();
    private final Set<Thread> readers = ConcurrentHashMap.newKeySet();
    private final ReadView read;
    private final WriteView write;

    CheckedReadWriteLock(LockOrderChecker checker, LockOrderChecker.Node node) {
        this.read = new ReadView(checker, node, lock.readLock());
        this.write = new WriteView(checker, node, lock.writeLock());
    }

    @Override
    public Lock readLock() {
        return read;
    }

    @Override
    public Lock writeLock() {
        return write;
    }

    @Override
    public String toString() {
        Thread owner = lock.owner();
        return "CheckedReadWriteLock[" + read.name() + ", "
                + (owner != null ? "write locked by " + owner.getName() : lock.getReadLockCount() + " read holds") + "]";
    }

    /** The read half. */
    final class ReadView extends AbstractCheckedLock {
        ReadView(LockOrderChecker checker, LockOrderChecker.Node node, Lock inner) {
            super(checker, node, inner);
        }

        @Override
        String mode() {
            return "read";
        }

        @Override
        void onAcquired() {
            if (lock.getReadHoldCount() == 1) {
                readers.add(Thread.currentThread());
            }
        }

        @Override
        void onReleased() {
            if (lock.getReadHoldCount() == 0) {
                readers.remove(Thread.currentThread());
            }
        }

        @Override
        public Collection<Thread> holders() {
            return List.copyOf(readers);
        }

        /** A blocked reader waits for the writer, or for the writers queued ahead of it (non-fair policy). */
        @Override
        Collection<Thread> blockersOf(Thread waiter) {
            List<Thread> blockers = new ArrayList<>(lock.queuedWriters());
            Thread owner = lock.owner();
            if (owner != null) {
                blockers.add(owner);
            }
            blockers.remove(waiter);
            return blockers;
        }

        /** @throws UnsupportedOperationException always, as {@code ReentrantReadWriteLock.ReadLock} */
        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("a read lock has no conditions");
        }

        @Override
        public String toString() {
            return "CheckedReadWriteLock.ReadLock[" + name() + ", " + readers.size() + " readers]";
        }
    }

    /** The write half. */
    final class WriteView extends AbstractCheckedLock {
        WriteView(LockOrderChecker checker, LockOrderChecker.Node node, Lock inner) {
            super(checker, node, inner);
        }

        @Override
        String mode() {
            return "write";
        }

        @Override
        public Collection<Thread> holders() {
            Thread owner = lock.owner();
            return owner == null ? List.of() : List.of(owner);
        }

        /**
         * A blocked writer waits for the writer and every reader; a thread that asks for the write lock
         * while holding only a read hold waits for itself, forever (the upgrade self-deadlock).
         */
        @Override
        Collection<Thread> blockersOf(Thread waiter) {
            List<Thread> blockers = new ArrayList<>(readers);
            Thread owner = lock.owner();
            if (owner != null && !blockers.contains(owner)) {
                blockers.add(owner);
            }
            if (owner == waiter) {
                blockers.remove(waiter); // a writer re-entering, or back from its wait: not blocked by itself
            }
            return blockers;
        }

        @Override
        public Condition newCondition() {
            return lock.writeLock().newCondition();
        }

        @Override
        public String toString() {
            Thread owner = lock.owner();
            return "CheckedReadWriteLock.WriteLock[" + name() + ", "
                    + (owner == null ? "unlocked" : "locked by " + owner.getName()) + "]";
        }
    }

    /** A ReentrantReadWriteLock that tells its writer and queued writers (the JDK keeps those protected). */
    static final class OwnedReadWriteLock extends ReentrantReadWriteLock {
        private static final long serialVersionUID = 1L;

        Thread owner() {
            return getOwner();
        }

        Collection<Thread> queuedWriters() {
            return getQueuedWriterThreads();
        }
    }
}

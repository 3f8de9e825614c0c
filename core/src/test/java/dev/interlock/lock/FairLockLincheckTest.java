package dev.interlock.lock;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link FairLock}'s non-blocking surface, in both Lincheck modes, against a
 * sequential model of an owner and a hold count: {@code tryLock()}, {@code unlock()} (false where it
 * throws {@link IllegalMonitorStateException}), {@code getHoldCount()}, {@code hasQueuedThreads()},
 * {@code isLocked()}, and a plain counter incremented by whoever holds the lock
 * ({@code isHeldByCurrentThread()}). Each operation changes the lock's state at most once: an
 * operation that took and released the lock inside itself would expose a transient hold to the other
 * thread that no sequential model can show (Lincheck rightly reported that as a mismatch).
 *
 * <p>Why this surface: a lock's answers depend on the calling thread, so each operation takes the
 * Lincheck thread id ({@link ThreadIdGen}), which the model uses as the owner while the real lock uses
 * the real thread. Blocking acquisitions are out of scope (Lincheck reports a blocked operation as a
 * hang); the contract and FIFO tests and jcstress cover them. What this proves: ownership, reentrancy
 * and the IMSE rule are atomic under every interleaving model checking explores; the plain counter,
 * changed only by the holder, returns only values a sequential run could (a holder that missed the
 * previous holder's write, or two holders at once, would not); no failed tryLock leaves anything
 * queued; {@code isLocked()} agrees with the owner at every instant. The init and post parts are off
 * because they run on a thread of their own, which the model could not tell from the thread with the
 * same id.
 */
class FairLockLincheckTest {

    /** The lock under test, driven through its non-blocking operations. */
    public static class Ops {
        private final FairLock lock = new FairLock();
        private long counter; // guarded by lock

        @Operation
        public boolean tryLock(@Param(gen = ThreadIdGen.class) int thread) {
            return lock.tryLock();
        }

        @Operation
        public boolean unlock(@Param(gen = ThreadIdGen.class) int thread) {
            try {
                lock.unlock();
                return true;
            } catch (IllegalMonitorStateException notOwner) {
                return false;
            }
        }

        @Operation
        public int holdCount(@Param(gen = ThreadIdGen.class) int thread) {
            return lock.getHoldCount();
        }

        @Operation
        public boolean isLocked() {
            return lock.isLocked();
        }

        @Operation
        public boolean hasQueuedThreads() {
            return lock.hasQueuedThreads();
        }

        /** The counter's new value if this thread holds the lock, else -1 (and no change). */
        @Operation
        public long incrementIfHeld(@Param(gen = ThreadIdGen.class) int thread) {
            return lock.isHeldByCurrentThread() ? ++counter : -1;
        }
    }

    /** The sequential specification: an owner id and a hold count. */
    public static class Model {
        private int owner = -1;
        private int holds;
        private long counter;

        public boolean tryLock(int thread) {
            if (owner == -1) {
                owner = thread;
                holds = 1;
                return true;
            }
            if (owner == thread) {
                holds++;
                return true;
            }
            return false;
        }

        public boolean unlock(int thread) {
            if (owner != thread) {
                return false;
            }
            if (--holds == 0) {
                owner = -1;
            }
            return true;
        }

        public int holdCount(int thread) {
            return owner == thread ? holds : 0;
        }

        public boolean isLocked() {
            return owner != -1;
        }

        public boolean hasQueuedThreads() {
            return false;
        }

        public long incrementIfHeld(int thread) {
            return owner == thread ? ++counter : -1;
        }
    }

    /**
     * Model checking with 300 of the default 500 invocations per scenario: with the default it took
     * 8 to 11 s on a loaded two-core machine, at or over the 10 s a Lincheck test may take.
     */
    @Test
    void modelChecking() {
        LincheckBudget.modelChecking()
                .invocationsPerIteration(300 * LincheckBudget.SCALE)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(Ops.class);
    }

    /**
     * Stress with 12 of the default 20 scenarios: with the default it took 11 s on a loaded two-core
     * machine (every invocation starts the lock's threads afresh), over the 10 s a Lincheck test may
     * take. Raise it with {@code -Dinterlock.lincheck.scale}.
     */
    @Test
    void stress() {
        LincheckBudget.stress()
                .iterations(12 * LincheckBudget.SCALE)
                .actorsBefore(0)
                .actorsAfter(0)
                .sequentialSpecification(Model.class)
                .check(Ops.class);
    }
}

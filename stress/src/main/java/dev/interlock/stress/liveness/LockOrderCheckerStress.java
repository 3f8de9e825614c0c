package dev.interlock.stress.liveness;

import dev.interlock.liveness.LockOrderChecker;
import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.liveness.PotentialDeadlockException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link LockOrderChecker} under the memory model: two first acquisitions of opposite orders racing
 * (Guava's missed-cycle race, google/guava#2048, must not happen here), and mutual exclusion of its
 * locks under every policy.
 *
 * <p>The race tests cannot deadlock for real: each actor holds its first lock with {@code lock()}
 * and asks for the second with {@code tryLock()}, which the checker checks like any acquisition
 * (recording the edge) but which never waits.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t LockOrderCheckerStress -m quick}
 */
public final class LockOrderCheckerStress {

    private LockOrderCheckerStress() {
    }

    /** Holds {@code first}, tries {@code second}; returns 1 if the checker refused it as a potential deadlock. */
    static int holdThenTry(Lock first, Lock second) {
        first.lock();
        try {
            if (second.tryLock()) {
                second.unlock();
            }
            return 0;
        } catch (PotentialDeadlockException e) {
            return 1;
        } finally {
            first.unlock();
        }
    }

    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE,
            desc = "Exactly one actor closed the cycle A -> B -> A and was refused.")
    @Outcome(id = "0, 0", expect = FORBIDDEN,
            desc = "Both edges recorded, cycle missed: the check and the insertion were not atomic (guava#2048).")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Both refused: an acquisition flagged without a cycle.")
    @State
    public static class OppositeFirstAcquisitionsThrow {
        final LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        final Lock a = checker.newLock("A");
        final Lock b = checker.newLock("B");

        @Actor
        public void aThenB(II_Result r) {
            r.r1 = holdThenTry(a, b);
        }

        @Actor
        public void bThenA(II_Result r) {
            r.r2 = holdThenTry(b, a);
        }
    }

    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "The inversion was reported once.")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "Cycle missed: both first acquisitions saw no path (guava#2048).")
    @Outcome(expect = FORBIDDEN, desc = "Reported more than once.")
    @State
    public static class OppositeFirstAcquisitionsWarn {
        final AtomicInteger warnings = new AtomicInteger();
        final LockOrderChecker checker = new LockOrderChecker(Policy.WARN, e -> warnings.incrementAndGet());
        final Lock a = checker.newLock("A");
        final Lock b = checker.newLock("B");

        @Actor
        public void aThenB() {
            holdThenTry(a, b);
        }

        @Actor
        public void bThenA() {
            holdThenTry(b, a);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = warnings.get();
        }
    }

    /** Two actors increment a plain field under a checked lock. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost: the lock did not exclude.")
    @State
    public static class CheckedLockMutualExclusion {
        final Lock lock = new LockOrderChecker(Policy.THROW).newLock("L");
        int value;

        @Actor
        public void actor1() {
            increment();
        }

        @Actor
        public void actor2() {
            increment();
        }

        private void increment() {
            lock.lock();
            try {
                value++;
            } finally {
                lock.unlock();
            }
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = value;
        }
    }

    /** The same under a DISABLED checker: no checking, still a lock. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost: the lock did not exclude.")
    @State
    public static class DisabledLockMutualExclusion {
        final Lock lock = new LockOrderChecker(Policy.DISABLED).newLock("L");
        int value;

        @Actor
        public void actor1() {
            increment();
        }

        @Actor
        public void actor2() {
            increment();
        }

        private void increment() {
            lock.lock();
            try {
                value++;
            } finally {
                lock.unlock();
            }
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = value;
        }
    }

    /** Two writers of a checked read-write lock exclude each other. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost: the write lock did not exclude.")
    @State
    public static class WriteLockMutualExclusion {
        final ReadWriteLock rw = new LockOrderChecker(Policy.THROW).newReadWriteLock("R");
        int value;

        @Actor
        public void actor1() {
            increment();
        }

        @Actor
        public void actor2() {
            increment();
        }

        private void increment() {
            rw.writeLock().lock();
            try {
                value++;
            } finally {
                rw.writeLock().unlock();
            }
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = value;
        }
    }

    /** A reader of a checked read-write lock sees a writer's two writes both or neither. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The read came wholly before or after the write.")
    @Outcome(expect = FORBIDDEN, desc = "The reader saw half a write: read and write locks did not exclude.")
    @State
    public static class ReadersExcludeWriters {
        final ReadWriteLock rw = new LockOrderChecker(Policy.THROW).newReadWriteLock("R");
        int x;
        int y;

        @Actor
        public void writer() {
            rw.writeLock().lock();
            try {
                x = 1;
                y = 1;
            } finally {
                rw.writeLock().unlock();
            }
        }

        @Actor
        public void reader(II_Result r) {
            rw.readLock().lock();
            try {
                r.r1 = y;
                r.r2 = x;
            } finally {
                rw.readLock().unlock();
            }
        }
    }
}

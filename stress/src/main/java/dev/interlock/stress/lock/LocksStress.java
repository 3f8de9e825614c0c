package dev.interlock.stress.lock;

import dev.interlock.lock.Locks;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Locks#lockAll} called with the same two locks in opposite argument orders: both calls
 * succeed (the global order leaves no deadlock to time out on), and each critical section runs
 * alone.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t LocksStress -m quick}
 */
public final class LocksStress {

    private LocksStress() {
    }

    /** Long enough that only a deadlock could exhaust it; a deadlock would then show as "0". */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @JCStressTest
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both lockAll calls took both locks, one after the other.")
    @Outcome(expect = FORBIDDEN, desc = "A call timed out or was interrupted, or the two critical sections overlapped.")
    @State
    public static class OppositeOrders {
        final Lock a = new ReentrantLock();
        final Lock b = new ReentrantLock();
        int value;

        @Actor
        public void ab(III_Result r) {
            r.r1 = incrementUnderBoth(a, b);
        }

        @Actor
        public void ba(III_Result r) {
            r.r2 = incrementUnderBoth(b, a);
        }

        private int incrementUnderBoth(Lock first, Lock second) {
            try {
                if (!Locks.lockAll(TIMEOUT, first, second)) {
                    return 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            try {
                value++;
                return 1;
            } finally {
                Locks.unlockAll(first, second);
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }
}

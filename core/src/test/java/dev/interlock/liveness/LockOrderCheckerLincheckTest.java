package dev.interlock.liveness;

import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.Lock;

/**
 * Guava's missed-cycle race (google/guava#2048) under Lincheck's model checker, which explores the
 * interleavings of the two first acquisitions at every shared-memory access (jcstress covers the real
 * memory model: {@code stress/.../LockOrderCheckerStress}). In every interleaving exactly one of the
 * two opposite orders must be refused.
 */
class LockOrderCheckerLincheckTest {

    private static int holdThenTry(Lock first, Lock second) {
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

    @Test
    void oppositeFirstAcquisitionsAreFlaggedExactlyOnceInEveryInterleaving() {
        Lincheck.runConcurrentTest(40 * LincheckBudget.SCALE, () -> {
            LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
            Lock a = checker.newLock("A");
            Lock b = checker.newLock("B");
            int[] flagged = new int[2];
            Thread ab = new Thread(() -> flagged[0] = holdThenTry(a, b));
            Thread ba = new Thread(() -> flagged[1] = holdThenTry(b, a));
            ab.start();
            ba.start();
            try {
                ab.join();
                ba.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (flagged[0] + flagged[1] != 1) {
                throw new AssertionError("flagged " + flagged[0] + " and " + flagged[1] + ": exactly one expected");
            }
        });
    }
}

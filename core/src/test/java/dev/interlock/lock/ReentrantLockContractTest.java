package dev.interlock.lock;

import dev.interlock.testing.LockContract;
import org.junit.jupiter.api.Nested;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Lock} contract on the JDK's {@link ReentrantLock}, fair and unfair: a check of the contract
 * itself. A test that fails here is a wrong test, not a finding.
 */
class ReentrantLockContractTest {

    /** A thread waiting for a ReentrantLock parks on its private synchronizer, an AQS. */
    private static boolean isSync(Object blocker) {
        return blocker instanceof AbstractQueuedSynchronizer;
    }

    @Nested
    class Unfair extends LockContract {
        @Override
        protected Lock newLock() {
            return new ReentrantLock(false);
        }

        @Override
        protected boolean isLockBlocker(Lock lock, Object blocker) {
            return isSync(blocker);
        }
    }

    @Nested
    class Fair extends LockContract {
        @Override
        protected Lock newLock() {
            return new ReentrantLock(true);
        }

        @Override
        protected boolean isLockBlocker(Lock lock, Object blocker) {
            return isSync(blocker);
        }
    }
}

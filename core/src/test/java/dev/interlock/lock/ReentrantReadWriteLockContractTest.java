package dev.interlock.lock;

import dev.interlock.testing.ReadWriteLockContract;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract run on the JDK's {@link ReentrantReadWriteLock}: a check of the contract itself. A test
 * that fails here is a wrong test, not a finding.
 *
 * <p>The one difference is the upgrade: {@code ReentrantReadWriteLock} does not refuse it. Its
 * {@code writeLock().lock()} from a thread holding the read lock waits for the readers to leave,
 * itself included, for ever (so this test never calls it); its {@code tryLock} variants fail, the timed
 * one after its whole timeout. Interlock's locks throw {@code IllegalMonitorStateException} at once.
 *
 * <p>The contract's nested {@code ReadSide} and {@code WriteSide} run the {@code Lock} contract on
 * each of its locks. A thread waiting for either parks on the lock's private synchronizer (an AQS, or
 * since JDK 25 an {@code AbstractQueuedLongSynchronizer}).
 */
class ReentrantReadWriteLockContractTest extends ReadWriteLockContract<ReentrantReadWriteLock> {

    @Override
    protected ReentrantReadWriteLock newLock() {
        return new ReentrantReadWriteLock();
    }

    /** Whether {@code blocker} is a JDK synchronizer: what a thread waiting for either lock parks on. */
    private static boolean isSync(Object blocker) {
        return blocker instanceof AbstractQueuedSynchronizer || blocker instanceof AbstractQueuedLongSynchronizer;
    }

    @Override
    protected boolean isReadWaitBlocker(ReentrantReadWriteLock lock, Object blocker) {
        return isSync(blocker);
    }

    @Override
    protected boolean isWriteWaitBlocker(ReentrantReadWriteLock lock, Object blocker) {
        return isSync(blocker);
    }

    @Override
    protected void assertUpgradeRefused(ReentrantReadWriteLock lock) throws Exception {
        assertThat(lock.writeLock().tryLock()).isFalse();
        long start = System.nanoTime();
        assertThat(lock.writeLock().tryLock(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).as("it waited for itself").isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(lock.getReadHoldCount()).isEqualTo(1);
    }
}

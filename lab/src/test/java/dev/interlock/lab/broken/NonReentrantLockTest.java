package dev.interlock.lab.broken;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broken lock is a working mutex that its own holder cannot enter again. */
class NonReentrantLockTest {

    private final NonReentrantLock lock = new NonReentrantLock();

    @Test
    void isAMutexBetweenThreads() throws Exception {
        lock.lock();
        AtomicReference<Boolean> gotIt = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            threads.start("other", () -> gotIt.set(lock.tryLock()));
        }
        assertThat(gotIt.get()).isFalse();
        lock.unlock();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void itsHolderCannotEnterAgain() throws InterruptedException {
        lock.lock();
        try {
            assertThat(lock.tryLock()).isFalse();
            assertThat(lock.tryLock(10, TimeUnit.MILLISECONDS)).as("the holder waits for itself").isFalse();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aHolderWaitingForItselfWaitsUntilInterrupted() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread self = threads.start("self", () -> {
                lock.lock();
                try {
                    lock.lockInterruptibly(); // never succeeds: this thread holds the lock
                } catch (InterruptedException e) {
                    outcome.set(e);
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.awaitBlocked(self);
            assertThat(lock.isLocked()).isTrue();
            self.interrupt();
        }
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void unlockingAFreeLockThrows() {
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    }

    @Test
    void hasNoConditions() {
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
    }
}

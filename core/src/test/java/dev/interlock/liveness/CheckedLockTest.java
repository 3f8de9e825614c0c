package dev.interlock.liveness;

import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A checked lock keeps the {@link Lock} contract of a {@code ReentrantLock} under every policy, and
 * its {@link TrackedLock} bookkeeping: holders, the wait registry around blocking, wait statistics.
 */
class CheckedLockTest {

    private static Lock newLock(Policy policy) {
        LockOrderChecker checker = policy == Policy.WARN ? new LockOrderChecker(policy, e -> { })
                : new LockOrderChecker(policy);
        return checker.newLock("L");
    }

    /** Waits until {@code t} is blocked in {@code lock}: registered in the WaitRegistry and parked. */
    static void awaitWaitingFor(Thread t, Object lock) {
        TestThreads.pollUntil(() -> {
            WaitRegistry.Wait w = WaitRegistry.of(t);
            Thread.State s = t.getState();
            return w != null && w.lock() == lock && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING);
        }, () -> t.getName() + " to wait for " + lock + " (state " + t.getState() + ", wait " + WaitRegistry.of(t) + ")");
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void locksExcludeEachOtherAndLoseNoUpdate(Policy policy) throws Exception {
        Lock lock = newLock(policy);
        long[] count = {0};
        int threads = 4;
        int perThread = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("incrementer-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        lock.lock();
                        try {
                            count[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
        }
        lock.lock();
        try {
            assertThat(count[0]).isEqualTo((long) threads * perThread);
        } finally {
            lock.unlock();
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void isReentrantAndTellsItsHolder(Policy policy) {
        Lock lock = newLock(policy);
        TrackedLock tracked = (TrackedLock) lock;
        assertThat(tracked.holders()).isEmpty();
        lock.lock();
        lock.lock();
        assertThat(tracked.holders()).containsExactly(Thread.currentThread());
        lock.unlock();
        assertThat(tracked.holders()).containsExactly(Thread.currentThread());
        lock.unlock();
        assertThat(tracked.holders()).isEmpty();
        assertThat(lock.toString()).contains("L", "unlocked");
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void unlockWithoutHoldingThrowsAndChangesNothing(Policy policy) throws Exception {
        Lock lock = newLock(policy);
        assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            threads.start("stranger", () -> assertThatThrownBy(lock::unlock)
                    .isInstanceOf(IllegalMonitorStateException.class));
        }
        assertThat(((TrackedLock) lock).holders()).containsExactly(Thread.currentThread());
        lock.unlock();
    }

    @Test
    void tryLockFailsWithoutWaitingWhileAnotherThreadHoldsIt() throws Exception {
        Lock lock = newLock(Policy.THROW);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            threads.start("holder", () -> {
                lock.lock();
                try {
                    held.countDown();
                    done.await();
                } finally {
                    lock.unlock();
                }
            });
            held.await();
            assertThat(lock.tryLock()).isFalse();
            long start = System.nanoTime();
            assertThat(lock.tryLock(20, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(System.nanoTime() - start).as("never returns before the timeout")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
            assertThat(lock.tryLock(0, TimeUnit.NANOSECONDS)).isFalse();
            assertThat(WaitRegistry.of(Thread.currentThread())).as("a finished wait leaves the registry").isNull();
            done.countDown();
        }
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void aBlockedAcquirerIsInTheWaitRegistryUntilItGetsTheLock() throws Exception {
        Lock lock = newLock(Policy.THROW);
        TrackedLock tracked = (TrackedLock) lock;
        lock.lock();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("waiter", () -> {
                lock.lock();
                lock.unlock();
            });
            waiter.set(t);
            awaitWaitingFor(t, lock);
            WaitRegistry.Wait w = WaitRegistry.of(t);
            assertThat(w.mode()).isEqualTo("lock");
            assertThat(tracked.holders()).containsExactly(Thread.currentThread());
            lock.unlock();
        }
        assertThat(WaitRegistry.of(waiter.get())).isNull();
        WaitStats.Snapshot stats = tracked.waitStats().snapshot();
        assertThat(stats.acquisitions()).isEqualTo(2);
        assertThat(stats.waits()).isEqualTo(1);
        assertThat(stats.maxNanos()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void lockInterruptiblyThrowsWhenInterruptedOnEntryEvenIfFree(Policy policy) {
        Lock lock = newLock(policy);
        Thread.currentThread().interrupt();
        assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("interrupt status cleared").isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> lock.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(((TrackedLock) lock).holders()).isEmpty();
    }

    @Test
    void lockInterruptiblyStopsWaitingWhenInterruptedHoldingNothing() throws Exception {
        Lock lock = newLock(Policy.THROW);
        lock.lock();
        AtomicBoolean interrupted = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("waiter", () -> {
                try {
                    lock.lockInterruptibly();
                    lock.unlock();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
            });
            awaitWaitingFor(t, lock);
            t.interrupt();
        } finally {
            lock.unlock();
        }
        assertThat(interrupted).isTrue();
        assertThat(((TrackedLock) lock).holders()).isEmpty();
        assertThat(WaitRegistry.current()).noneMatch(w -> w.lock() == lock);
    }

    @Test
    void lockIgnoresInterruptsAndKeepsTheStatus() throws Exception {
        Lock lock = newLock(Policy.THROW);
        lock.lock();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("waiter", () -> {
                lock.lock();
                try {
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                } finally {
                    lock.unlock();
                }
            });
            awaitWaitingFor(t, lock);
            t.interrupt();
            lock.unlock();
        }
        assertThat(stillInterrupted).isTrue();
        // Interrupted on entry: lock() still acquires.
        Thread.currentThread().interrupt();
        lock.lock();
        lock.unlock();
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void conditionsWork() throws Exception {
        Lock lock = newLock(Policy.THROW);
        Condition ready = lock.newCondition();
        boolean[] flag = {false};
        try (TestThreads threads = new TestThreads()) {
            threads.start("awaiter", () -> {
                lock.lock();
                try {
                    while (!flag[0]) {
                        ready.await();
                    }
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.pollUntil(() -> {
                lock.lock();
                try {
                    return hasWaiters(lock, ready);
                } finally {
                    lock.unlock();
                }
            }, "the awaiter to wait on the condition");
            lock.lock();
            try {
                flag[0] = true;
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private static boolean hasWaiters(Lock lock, Condition condition) {
        return ((CheckedLock.OwnedLock) ((CheckedLock) lock).inner).hasWaiters(condition);
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        Lock lock = newLock(Policy.THROW);
        long[] count = {0};
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 50; t++) {
                group.startVirtual("v-" + t, () -> {
                    for (int i = 0; i < 200; i++) {
                        lock.lock();
                        try {
                            count[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
        }
        lock.lock();
        try {
            assertThat(count[0]).isEqualTo(10_000);
        } finally {
            lock.unlock();
        }
    }
}

package dev.interlock.lock;

import dev.interlock.liveness.WaitRegistry;
import dev.interlock.liveness.WaitStats;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link FairLock} promises beyond the {@code Lock} contract ({@code FairLockContractTest}): strict
 * FIFO hand-off, no barging, no lost hand-off when waiters give up, FIFO re-entry from conditions,
 * liveness tracking, monitoring and bad input.
 */
class FairLockTest {

    @AfterEach
    void interruptStatusIsClear() {
        assertThat(Thread.interrupted()).as("test left its thread interrupted").isFalse();
    }

    /** Starts {@code name} running {@code body} and waits until it is parked waiting for {@code lock}. */
    private static Thread queue(TestThreads threads, FairLock lock, String name, TestThreads.Body body) {
        Thread t = threads.start(name, body);
        TestThreads.awaitBlockedOn(t, lock);
        return t;
    }

    @Test
    void sampleUsage() {
        FairLock lock = new FairLock("accounts");
        lock.lock();
        try {
            assertThat(lock.isHeldByCurrentThread()).isTrue();
        } finally {
            lock.unlock();
        }
        assertThat(lock.isLocked()).isFalse();
    }

    // ---------------------------------------------------------------- FIFO and no barging

    @Test
    void threadsAcquireInTheOrderTheyQueuedRoundAfterRound() throws Exception {
        FairLock lock = new FairLock();
        for (int round = 0; round < 5; round++) {
            int waiters = 3 + round;
            List<Integer> order = new CopyOnWriteArrayList<>();
            List<Thread> queued = new ArrayList<>();
            lock.lock();
            try (TestThreads threads = new TestThreads()) {
                for (int i = 0; i < waiters; i++) {
                    int index = i;
                    queued.add(queue(threads, lock, "round-" + round + "-waiter-" + i, () -> {
                        lock.lock();
                        try {
                            order.add(index);
                        } finally {
                            lock.unlock();
                        }
                    }));
                    assertThat(lock.getQueuedThreads()).as("queue order after starting waiter " + i)
                            .isEqualTo(queued);
                }
                assertThat(lock.getQueueLength()).isEqualTo(waiters);
                lock.unlock();
            }
            assertThat(order).as("round " + round).isEqualTo(List.copyOf(
                    java.util.stream.IntStream.range(0, waiters).boxed().toList()));
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.hasQueuedThreads()).isFalse();
        }
    }

    @Test
    void mixedAcquisitionMethodsKeepTheQueueOrder() throws Exception {
        FairLock lock = new FairLock();
        List<String> order = new CopyOnWriteArrayList<>();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            queue(threads, lock, "lock", () -> {
                lock.lock();
                order.add("lock");
                lock.unlock();
            });
            queue(threads, lock, "interruptibly", () -> {
                lock.lockInterruptibly();
                order.add("interruptibly");
                lock.unlock();
            });
            queue(threads, lock, "timed", () -> {
                assertThat(lock.tryLock(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                order.add("timed");
                lock.unlock();
            });
            Thread virtual = threads.startVirtual("virtual", () -> {
                lock.lock();
                order.add("virtual");
                lock.unlock();
            });
            TestThreads.awaitBlockedOn(virtual, lock);
            lock.unlock();
        }
        assertThat(order).containsExactly("lock", "interruptibly", "timed", "virtual");
    }

    @Test
    void unlockHandsTheLockToTheLongestWaiterSoANewcomerCannotBarge() throws Exception {
        FairLock lock = new FairLock();
        CountDownLatch proceed = new CountDownLatch(1);
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = queue(threads, lock, "waiter", () -> {
                lock.lock();
                try {
                    proceed.await();
                } finally {
                    lock.unlock();
                }
            });
            lock.unlock();
            // Whether or not the waiter has run yet, the lock is already its own.
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.holders()).containsExactly(waiter);
            AtomicBoolean barged = new AtomicBoolean(true);
            threads.start("newcomer", () -> barged.set(lock.tryLock() || lock.tryLock(0, TimeUnit.SECONDS)))
                    .join(TestThreads.BOUND.toMillis());
            assertThat(barged).as("tryLock succeeded while the lock was handed off").isFalse();
            assertThat(lock.tryLock()).as("nor can the releasing thread take it back").isFalse();
            proceed.countDown();
        }
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    @Test
    void tryLockFailsWhileAnyoneWaitsEvenWhenTheLockIsBeingReleased() throws Exception {
        FairLock lock = new FairLock();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            queue(threads, lock, "waiter", () -> {
                lock.lock();
                lock.unlock();
            });
            assertThat(lock.hasQueuedThreads()).isTrue();
            AtomicBoolean got = new AtomicBoolean(true);
            threads.start("newcomer", () -> got.set(lock.tryLock())).join(TestThreads.BOUND.toMillis());
            assertThat(got).isFalse();
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- giving up without losing a hand-off

    @Test
    void aMiddleWaiterThatTimesOutLeavesAndThoseBehindItStillGetTheLock() throws Exception {
        FairLock lock = new FairLock();
        List<String> order = new CopyOnWriteArrayList<>();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread first = queue(threads, lock, "first", () -> {
                lock.lock();
                order.add("first");
                lock.unlock();
            });
            Thread middle = queue(threads, lock, "middle", () ->
                    assertThat(lock.tryLock(50, TimeUnit.MILLISECONDS)).isFalse());
            Thread last = queue(threads, lock, "last", () -> {
                lock.lock();
                order.add("last");
                lock.unlock();
            });
            middle.join(TestThreads.BOUND.toMillis());
            assertThat(middle.isAlive()).isFalse();
            assertThat(lock.getQueuedThreads()).containsExactly(first, last);
            lock.unlock();
        }
        assertThat(order).containsExactly("first", "last");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void anInterruptedMiddleWaiterLeavesAndThoseBehindItStillGetTheLock() throws Exception {
        FairLock lock = new FairLock();
        List<String> order = new CopyOnWriteArrayList<>();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread first = queue(threads, lock, "first", () -> {
                lock.lock();
                order.add("first");
                lock.unlock();
            });
            Thread middle = queue(threads, lock, "middle", () ->
                    assertThatThrownBy(lock::lockInterruptibly).isInstanceOf(InterruptedException.class));
            Thread last = queue(threads, lock, "last", () -> {
                lock.lock();
                order.add("last");
                lock.unlock();
            });
            middle.interrupt();
            middle.join(TestThreads.BOUND.toMillis());
            assertThat(lock.getQueuedThreads()).containsExactly(first, last);
            lock.unlock();
        }
        assertThat(order).containsExactly("first", "last");
    }

    @Test
    void theOnlyWaiterGivingUpLeavesAnEmptyQueueAndTheLockWithItsOwner() throws Exception {
        FairLock lock = new FairLock();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            queue(threads, lock, "timed", () -> assertThat(lock.tryLock(20, TimeUnit.MILLISECONDS)).isFalse())
                    .join(TestThreads.BOUND.toMillis());
        }
        assertThat(lock.hasQueuedThreads()).isFalse();
        assertThat(lock.getQueueLength()).isZero();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }

    /**
     * A waiter is interrupted at the moment the lock is handed to it, round after round: it either
     * acquires the lock or throws having passed the lock on, and the waiter behind it always gets it.
     */
    @Test
    void handOffRacingAnInterruptIsNeverLost() throws Exception {
        FairLock lock = new FairLock();
        int acquiredBeforeInterrupt = 0;
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            AtomicBoolean racerGotIt = new AtomicBoolean();
            AtomicBoolean behindGotIt = new AtomicBoolean();
            CyclicBarrier race = new CyclicBarrier(2);
            lock.lock();
            try (TestThreads threads = new TestThreads()) {
                Thread racer = queue(threads, lock, "racer-" + round, () -> {
                    try {
                        lock.lockInterruptibly();
                        racerGotIt.set(true);
                        lock.unlock();
                    } catch (InterruptedException expected) {
                        assertThat(Thread.currentThread().isInterrupted()).isFalse();
                    }
                    Thread.interrupted(); // an interrupt that came after the acquisition
                });
                queue(threads, lock, "behind-" + round, () -> {
                    lock.lock();
                    behindGotIt.set(true);
                    lock.unlock();
                });
                threads.start("interrupter-" + round, () -> {
                    race.await();
                    racer.interrupt();
                });
                race.await();
                lock.unlock();
            }
            assertThat(behindGotIt).as("round " + round + ": the waiter behind the racer got the lock").isTrue();
            assertThat(lock.isLocked()).isFalse();
            assertThat(lock.hasQueuedThreads()).isFalse();
            if (racerGotIt.get()) {
                acquiredBeforeInterrupt++;
            }
        }
        assertThat(acquiredBeforeInterrupt).isBetween(0, rounds);
    }

    /**
     * A timed waiter's timeout races the hand-off to it, round after round (timeouts of 0 to 180 us):
     * if the waiter gave up while the lock was being handed to it, the lock would stay held by nobody.
     */
    @Test
    void handOffRacingATimeoutIsNeverLost() throws Exception {
        FairLock lock = new FairLock();
        for (int round = 0; round < 300; round++) {
            CountDownLatch racerStarted = new CountDownLatch(1);
            lock.lock();
            try (TestThreads threads = new TestThreads()) {
                queue(threads, lock, "first-" + round, () -> {
                    lock.lock();
                    lock.unlock(); // hands the lock to the racer, if it still waits
                });
                long timeoutNanos = 20_000L * (round % 10);
                threads.start("racer-" + round, () -> {
                    racerStarted.countDown();
                    if (lock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
                        lock.unlock();
                    }
                });
                racerStarted.await();
                lock.unlock();
            }
            assertThat(lock.isLocked()).as("round " + round + ": lock free at the end").isFalse();
            assertThat(lock.getQueueLength()).isZero();
            assertThat(lock.tryLock()).isTrue();
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- conditions

    @Test
    void signalledWaitersJoinTheLockQueueBehindQueuedThreadsInSignalOrder() throws Exception {
        FairLock lock = new FairLock();
        Condition c = lock.newCondition();
        List<String> order = new CopyOnWriteArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "waiter-" + i;
                Thread t = threads.start(name, () -> {
                    lock.lock();
                    try {
                        c.await();
                        order.add(name);
                    } finally {
                        lock.unlock();
                    }
                });
                TestThreads.awaitBlockedOn(t, c);
                waiters.add(t);
            }
            lock.lock();
            Thread queued = queue(threads, lock, "queued", () -> {
                lock.lock();
                order.add("queued");
                lock.unlock();
            });
            assertThat(lock.getWaitQueueLength(c)).isEqualTo(3);
            c.signalAll();
            assertThat(lock.hasWaiters(c)).isFalse();
            List<Thread> expected = new ArrayList<>(List.of(queued));
            expected.addAll(waiters);
            assertThat(lock.getQueuedThreads()).isEqualTo(expected);
            lock.unlock();
        }
        assertThat(order).containsExactly("queued", "waiter-0", "waiter-1", "waiter-2");
    }

    @Test
    void signalSkipsAWaiterThatTimedOutAndWakesTheNext() throws Exception {
        FairLock lock = new FairLock();
        Condition c = lock.newCondition();
        AtomicBoolean timedOutResult = new AtomicBoolean(true);
        try (TestThreads threads = new TestThreads()) {
            CountDownLatch timedWaiting = new CountDownLatch(1);
            Thread timed = threads.start("timed", () -> {
                lock.lock();
                try {
                    timedWaiting.countDown();
                    timedOutResult.set(c.await(30, TimeUnit.MILLISECONDS));
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.awaitBlockedOn(timed, c);
            Thread patient = threads.start("patient", () -> {
                lock.lock();
                try {
                    c.await();
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.awaitBlockedOn(patient, c);
            lock.lock();
            try {
                // The timed waiter times out, leaves the condition and waits for the lock we hold.
                TestThreads.awaitBlockedOn(timed, lock);
                assertThat(lock.getWaitQueueLength(c)).isEqualTo(1);
                c.signal();
                assertThat(lock.getQueuedThreads()).containsExactly(timed, patient);
                assertThat(lock.hasWaiters(c)).isFalse();
            } finally {
                lock.unlock();
            }
        }
        assertThat(timedOutResult).as("the timed waiter reports its timeout").isFalse();
    }

    @Test
    void anInterruptAfterTheSignalLeavesTheStatusSetAndAwaitReturns() throws Exception {
        FairLock lock = new FairLock();
        Condition c = lock.newCondition();
        AtomicBoolean statusSet = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    c.await(); // must not throw: the signal came first
                    statusSet.set(Thread.interrupted());
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.awaitBlockedOn(waiter, c);
            lock.lock();
            try {
                c.signal();
                waiter.interrupt();
            } finally {
                lock.unlock();
            }
        }
        assertThat(statusSet).isTrue();
    }

    @Test
    void conditionMethodsOnTheLockCheckTheirArguments() {
        FairLock lock = new FairLock();
        Condition mine = lock.newCondition();
        Condition foreign = new FairLock().newCondition();
        Condition jdk = new ReentrantLock().newCondition();
        assertThatThrownBy(() -> lock.hasWaiters(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> lock.getWaitQueueLength(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.hasWaiters(jdk)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.hasWaiters(mine)).isInstanceOf(IllegalMonitorStateException.class);
        lock.lock();
        try {
            assertThat(lock.hasWaiters(mine)).isFalse();
            assertThat(lock.getWaitQueueLength(mine)).isZero();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- liveness tracking

    @Test
    void holdersWaitRegistryAndWaitStatsFollowTheLock() throws Exception {
        FairLock lock = new FairLock("tracked");
        assertThat(lock.name()).isEqualTo("tracked");
        assertThat(lock.holders()).isEmpty();
        lock.lock();
        lock.lock(); // a re-entry is not an acquisition
        assertThat(lock.holders()).containsExactly(Thread.currentThread());
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = queue(threads, lock, "waiter", () -> {
                lock.lock();
                assertThat(WaitRegistry.of(Thread.currentThread())).as("no wait once acquired").isNull();
                assertThat(lock.holders()).containsExactly(Thread.currentThread());
                lock.unlock();
            });
            WaitRegistry.Wait wait = WaitRegistry.of(waiter);
            assertThat(wait).isNotNull();
            assertThat(wait.lock()).isSameAs(lock);
            assertThat(wait.mode()).isEqualTo("lock");
            assertThat(WaitRegistry.current()).contains(wait);
            lock.unlock();
            lock.unlock();
        }
        assertThat(lock.holders()).isEmpty();
        WaitStats.Snapshot s = lock.waitStats().snapshot();
        assertThat(s.acquisitions()).isEqualTo(2);
        assertThat(s.waits()).isEqualTo(1);
        assertThat(s.maxNanos()).isPositive();
    }

    @Test
    void aFailedTryLockAndATimeoutAreNotAcquisitions() throws Exception {
        FairLock lock = new FairLock();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            threads.start("loser", () -> {
                assertThat(lock.tryLock()).isFalse();
                assertThat(lock.tryLock(5, TimeUnit.MILLISECONDS)).isFalse();
            });
        }
        lock.unlock();
        assertThat(lock.waitStats().snapshot().acquisitions()).isEqualTo(1);
        assertThat(lock.waitStats().snapshot().waits()).isZero();
    }

    @Test
    void aConditionWaitIsNotInTheRegistryAndItsReacquisitionIsCounted() throws Exception {
        FairLock lock = new FairLock();
        Condition c = lock.newCondition();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                lock.lock();
                try {
                    c.await();
                } finally {
                    lock.unlock();
                }
            });
            TestThreads.awaitBlockedOn(waiter, c);
            assertThat(WaitRegistry.of(waiter)).isNull();
            lock.lock();
            c.signal();
            lock.unlock();
        }
        // waiter's lock, main's lock, waiter's reacquisition after the signal
        assertThat(lock.waitStats().snapshot().acquisitions()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- monitoring, names, bad input

    @Test
    void monitoringMethodsDescribeTheLock() throws Exception {
        FairLock lock = new FairLock("m");
        assertThat(lock.getHoldCount()).isZero();
        assertThat(lock.isHeldByCurrentThread()).isFalse();
        assertThat(lock).hasToString("m[Unlocked]");
        lock.lock();
        lock.lock();
        assertThat(lock.getHoldCount()).isEqualTo(2);
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock).hasToString("m[Locked by thread " + Thread.currentThread().getName() + "]");
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = queue(threads, lock, "waiter", () -> {
                assertThat(lock.getHoldCount()).isZero();
                assertThat(lock.isHeldByCurrentThread()).isFalse();
                lock.lock();
                assertThat(lock.getHoldCount()).isEqualTo(1);
                lock.unlock();
            });
            assertThat(lock.hasQueuedThread(waiter)).isTrue();
            assertThat(lock.hasQueuedThread(Thread.currentThread())).isFalse();
            assertThat(lock.getQueueLength()).isEqualTo(1);
            lock.unlock();
            assertThat(lock.getHoldCount()).isEqualTo(1);
            lock.unlock();
        }
        assertThatThrownBy(() -> lock.hasQueuedThread(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void defaultNamesAreUniqueAndANullNameIsRejected() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String name = new FairLock().name();
            assertThat(name).startsWith("FairLock@");
            assertThat(names.add(name)).as("duplicate " + name).isTrue();
        }
        assertThatThrownBy(() -> new FairLock(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void badTimeoutsAreRejectedOrDoNotWait() throws Exception {
        FairLock lock = new FairLock();
        assertThatThrownBy(() -> lock.tryLock(1, null)).isInstanceOf(NullPointerException.class);
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            threads.start("negative", () -> {
                assertThat(lock.tryLock(-1, TimeUnit.DAYS)).isFalse();
                assertThat(lock.tryLock(Long.MIN_VALUE, TimeUnit.NANOSECONDS)).isFalse();
                assertThat(lock.hasQueuedThreads()).as("a negative timeout never queues").isFalse();
            });
        } finally {
            lock.unlock();
        }
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void heavyContentionLosesNoHandOffAndCountsEveryAcquisition() throws Exception {
        FairLock lock = new FairLock();
        AtomicInteger inside = new AtomicInteger();
        long[] counter = {0}; // guarded by lock
        int threads = 6;
        int perThread = 3_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int kind = t % 3;
                group.start("worker-" + t, () -> {
                    start.await();
                    int done = 0;
                    while (done < perThread) {
                        boolean got = switch (kind) {
                            case 0 -> {
                                lock.lock();
                                yield true;
                            }
                            case 1 -> lock.tryLock(1_000, TimeUnit.NANOSECONDS); // times out often
                            default -> lock.tryLock();
                        };
                        if (got) {
                            try {
                                assertThat(inside.incrementAndGet()).isEqualTo(1);
                                counter[0]++;
                                inside.decrementAndGet();
                            } finally {
                                lock.unlock();
                            }
                            done++;
                        }
                    }
                });
            }
        }
        assertThat(counter[0]).isEqualTo((long) threads * perThread);
        assertThat(lock.isLocked()).isFalse();
        assertThat(lock.getQueueLength()).isZero();
        assertThat(lock.waitStats().snapshot().acquisitions()).isEqualTo((long) threads * perThread);
    }
}

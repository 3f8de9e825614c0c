package dev.interlock.lock;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Locks#lockAll}: all or nothing, one global order, bounded and interruptible waits. */
class LocksTest {

    private final ReentrantLock a = new ReentrantLock();
    private final ReentrantLock b = new ReentrantLock();
    private final ReentrantLock c = new ReentrantLock();

    /** Holds {@code lock} on another thread until the returned latch is counted down. */
    private static CountDownLatch holdElsewhere(TestThreads threads, Lock lock) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        threads.start("holder", () -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        return release;
    }

    @Test
    void takesEveryLockAndUnlockAllReleasesThem() throws Exception {
        assertThat(Locks.lockAll(Duration.ofSeconds(1), a, b, c)).isTrue();
        assertThat(a.isHeldByCurrentThread() && b.isHeldByCurrentThread() && c.isHeldByCurrentThread()).isTrue();
        Locks.unlockAll(a, b, c);
        assertThat(a.isLocked() || b.isLocked() || c.isLocked()).isFalse();
    }

    @Test
    void noLocksIsTrivialSuccess() throws Exception {
        assertThat(Locks.lockAll(Duration.ZERO)).isTrue();
        Locks.unlockAll();
    }

    @Test
    void badInputIsRejectedBeforeAnythingIsTaken() {
        assertThatThrownBy(() -> Locks.lockAll(null, a)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Locks.lockAll(Duration.ZERO, (Lock[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Locks.lockAll(Duration.ZERO, a, null, b)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("locks[1]");
        assertThatThrownBy(() -> Locks.lockAll(Duration.ZERO, a, b, a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("locks[0] and locks[2]");
        assertThatThrownBy(() -> Locks.unlockAll((Lock[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Locks.unlockAll(a, null)).isInstanceOf(NullPointerException.class);
        assertThat(a.isLocked() || b.isLocked()).isFalse();
    }

    @Test
    void takesLocksInTheSameOrderWhateverTheArgumentOrder() throws Exception {
        List<String> order = new ArrayList<>();
        Lock x = new RecordingLock("x", order);
        Lock y = new RecordingLock("y", order);
        Lock z = new RecordingLock("z", order);
        assertThat(Locks.lockAll(Duration.ZERO, z, x, y)).isTrue();
        Locks.unlockAll(z, x, y);
        List<String> first = List.copyOf(order);
        order.clear();
        assertThat(Locks.lockAll(Duration.ZERO, y, z, x)).isTrue();
        Locks.unlockAll(y, z, x);
        assertThat(order).isEqualTo(first);
    }

    @Test
    void timesOutHoldingNothingWhenALockIsHeldElsewhere() throws Exception {
        try (TestThreads threads = new TestThreads()) {
            CountDownLatch release = holdElsewhere(threads, b);
            long start = System.nanoTime();
            assertThat(Locks.lockAll(Duration.ofMillis(50), a, b, c)).isFalse();
            assertThat(System.nanoTime() - start).as("never gives up before the timeout")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
            assertThat(a.isLocked() || c.isLocked()).as("holds nothing").isFalse();
            assertThat(Locks.lockAll(Duration.ZERO, a, b)).as("a zero timeout tries once").isFalse();
            assertThat(a.isLocked()).isFalse();
            release.countDown();
        }
        assertThat(Locks.lockAll(Duration.ZERO, a, b, c)).isTrue();
        Locks.unlockAll(a, b, c);
    }

    @Test
    void interruptedOnEntryThrowsHoldingNothing() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Locks.lockAll(Duration.ofSeconds(1), a, b)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(a.isLocked() || b.isLocked()).isFalse();
    }

    @Test
    void interruptedWhileWaitingThrowsHoldingNothing() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            CountDownLatch release = holdElsewhere(threads, b);
            Thread t = threads.start("all", () -> {
                try {
                    Locks.lockAll(TestThreads.BOUND.multipliedBy(10), a, b, c);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
            });
            TestThreads.awaitBlocked(t);
            t.interrupt();
            t.join(TestThreads.BOUND);
            assertThat(interrupted).isTrue();
            assertThat(a.isLocked() || c.isLocked()).isFalse();
            release.countDown();
        }
    }

    @Test
    void aFailingLockReleasesWhatWasTaken() {
        Lock broken = new RecordingLock("broken", new ArrayList<>()) {
            @Override
            public boolean tryLock(long time, TimeUnit unit) {
                throw new IllegalStateException("broken lock");
            }
        };
        assertThatThrownBy(() -> Locks.lockAll(Duration.ZERO, a, broken, b, c))
                .isInstanceOf(IllegalStateException.class);
        assertThat(a.isLocked() || b.isLocked() || c.isLocked()).isFalse();
    }

    @Test
    void unlockAllReleasesEveryLockEvenIfOneFails() throws Exception {
        assertThat(Locks.lockAll(Duration.ZERO, a, b)).isTrue();
        assertThatThrownBy(() -> Locks.unlockAll(a, c, b)).isInstanceOf(IllegalMonitorStateException.class);
        assertThat(a.isLocked() || b.isLocked()).isFalse();
    }

    @Test
    void reentersLocksTheCallerAlreadyHolds() throws Exception {
        a.lock();
        try {
            assertThat(Locks.lockAll(Duration.ZERO, a, b)).isTrue();
            assertThat(a.getHoldCount()).isEqualTo(2);
            Locks.unlockAll(a, b);
            assertThat(a.getHoldCount()).isEqualTo(1);
        } finally {
            a.unlock();
        }
    }

    /**
     * Two threads take the same locks in opposite argument orders, many times: with a global order they
     * never deadlock (each call would time out after the bound if they did), and every critical section
     * sees both locks held.
     */
    @Test
    void oppositeArgumentOrdersNeverDeadlock() throws Exception {
        long[] both = {0, 0};
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads threads = new TestThreads()) {
            threads.start("ab", () -> transfer(start, rounds, both, a, b));
            threads.start("ba", () -> transfer(start, rounds, both, b, a));
        }
        assertThat(both[0]).isEqualTo(2L * rounds);
        assertThat(both[1]).isEqualTo(2L * rounds);
    }

    private static void transfer(CyclicBarrier start, int rounds, long[] both, Lock first, Lock second) throws Exception {
        start.await();
        for (int i = 0; i < rounds; i++) {
            assertThat(Locks.lockAll(TestThreads.BOUND, first, second)).isTrue();
            try {
                both[0]++;
                both[1]++;
            } finally {
                Locks.unlockAll(first, second);
            }
        }
    }

    /**
     * All or nothing under contention: threads lock random subsets with lockAll (short timeouts, so
     * some fail) while others hold single locks; after every call the caller holds all or none.
     */
    @Test
    void holdsAllOrNothingUnderContention() throws Exception {
        ReentrantLock[] locks = {a, b, c, new ReentrantLock(), new ReentrantLock()};
        List<String> violations = new CopyOnWriteArrayList<>();
        CyclicBarrier start = new CyclicBarrier(4);
        try (TestThreads threads = new TestThreads()) {
            for (int t = 0; t < 3; t++) {
                long seed = t;
                threads.start("all-" + t, () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    for (int i = 0; i < 3_000; i++) {
                        List<ReentrantLock> want = new ArrayList<>();
                        for (ReentrantLock l : locks) {
                            if (random.nextBoolean()) {
                                want.add(l);
                            }
                        }
                        ReentrantLock[] wanted = want.toArray(ReentrantLock[]::new);
                        boolean got = Locks.lockAll(Duration.ofNanos(random.nextInt(200_000)), wanted);
                        long held = want.stream().filter(ReentrantLock::isHeldByCurrentThread).count();
                        if (held != (got ? want.size() : 0)) {
                            violations.add("got=" + got + " held " + held + " of " + want.size());
                        }
                        if (got) {
                            Locks.unlockAll(wanted);
                        }
                    }
                });
            }
            threads.start("single", () -> {
                SplittableRandom random = new SplittableRandom(99);
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    ReentrantLock l = locks[random.nextInt(locks.length)];
                    l.lock();
                    l.unlock();
                }
            });
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        long[] both = {0, 0};
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads threads = new TestThreads()) {
            threads.startVirtual("ab", () -> transfer(start, 2_000, both, a, b));
            threads.startVirtual("ba", () -> transfer(start, 2_000, both, b, a));
        }
        assertThat(both[0]).isEqualTo(4_000);
    }

    @Test
    void ranksAreKeptPerLockAndDistinct() {
        Lock[] many = new Lock[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = new ReentrantLock();
        }
        long[] first = LockRanks.ranksOf(many);
        long[] again = LockRanks.ranksOf(many);
        assertThat(again).containsExactly(first);
        assertThat(java.util.Arrays.stream(first).distinct().count()).isEqualTo(100);
    }

    @Test
    void manyLocksAreTakenInRankOrderWhateverTheArgumentOrder() throws Exception {
        List<String> order = new ArrayList<>();
        Lock[] locks = new Lock[100]; // past the insertion-sort size: the other sort
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new RecordingLock("l" + i, order);
        }
        long[] ranks = LockRanks.ranksOf(locks);
        Lock[] shuffled = locks.clone();
        java.util.Collections.shuffle(java.util.Arrays.asList(shuffled), new java.util.Random(7));
        assertThat(Locks.lockAll(Duration.ZERO, shuffled)).isTrue();
        Locks.unlockAll(shuffled);
        List<Long> takenRanks = new ArrayList<>();
        for (String name : order) {
            takenRanks.add(ranks[Integer.parseInt(name.substring(1))]);
        }
        assertThat(takenRanks).hasSize(100).isSorted();

        Lock[] withDuplicate = java.util.Arrays.copyOf(shuffled, 101);
        withDuplicate[100] = shuffled[40];
        assertThatThrownBy(() -> Locks.lockAll(Duration.ZERO, withDuplicate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("locks[40] and locks[100]");
    }

    @Test
    void concurrentFirstSightsAgreeOnOneRankPerLock() throws Exception {
        for (int round = 0; round < 20; round++) {
            Lock[] fresh = new Lock[2_000];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = new ReentrantLock();
            }
            Lock[] reversed = fresh.clone();
            java.util.Collections.reverse(java.util.Arrays.asList(reversed));
            long[][] seen = new long[2][];
            CyclicBarrier start = new CyclicBarrier(2);
            try (TestThreads threads = new TestThreads()) {
                // opposite directions: the two threads meet on locks neither has ranked yet
                threads.start("forward", () -> {
                    start.await();
                    seen[0] = LockRanks.ranksOf(fresh);
                });
                threads.start("backward", () -> {
                    start.await();
                    seen[1] = LockRanks.ranksOf(reversed);
                });
            }
            for (int i = 0; i < fresh.length; i++) {
                assertThat(seen[1][fresh.length - 1 - i]).as("rank of lock %d", i).isEqualTo(seen[0][i]);
            }
            assertThat(java.util.Arrays.stream(seen[0]).distinct().count()).isEqualTo(fresh.length);
        }
    }

    @Test
    void ranksOfCollectedLocksAreDropped() {
        int before = LockRanks.size();
        Lock[] temporary = new Lock[1_000];
        for (int i = 0; i < temporary.length; i++) {
            temporary[i] = new ReentrantLock();
        }
        LockRanks.ranksOf(temporary);
        assertThat(LockRanks.size()).isGreaterThanOrEqualTo(before + temporary.length);
        java.util.Arrays.fill(temporary, null);
        TestThreads.pollUntil(() -> {
            System.gc();
            return LockRanks.size() < before + 1_000;
        }, "ranks of collected locks dropped");
    }

    /** A lock that records the order in which it is taken; otherwise a plain ReentrantLock. */
    static class RecordingLock implements Lock {
        private final ReentrantLock lock = new ReentrantLock();
        private final String name;
        private final List<String> order;

        RecordingLock(String name, List<String> order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public void lock() {
            lock.lock();
            order.add(name);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            lock.lockInterruptibly();
            order.add(name);
        }

        @Override
        public boolean tryLock() {
            boolean got = lock.tryLock();
            if (got) {
                order.add(name);
            }
            return got;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            boolean got = lock.tryLock(time, unit);
            if (got) {
                order.add(name);
            }
            return got;
        }

        @Override
        public void unlock() {
            lock.unlock();
        }

        @Override
        public Condition newCondition() {
            return lock.newCondition();
        }
    }
}

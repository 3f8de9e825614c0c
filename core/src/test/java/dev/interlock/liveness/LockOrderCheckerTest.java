package dev.interlock.liveness;

import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What the lock-order checker flags, what it never flags, and that concurrent first sightings cannot hide a cycle. */
class LockOrderCheckerTest {

    /** Takes {@code first}, then {@code second}, then releases both: the order the checker records. */
    private static void takeInOrder(Lock first, Lock second) {
        first.lock();
        try {
            second.lock();
            second.unlock();
        } finally {
            first.unlock();
        }
    }

    private static void takeAThenB(Lock a, Lock b) {
        takeInOrder(a, b);
    }

    private static void takeBThenA(Lock a, Lock b) {
        takeInOrder(b, a);
    }

    @Test
    void inversionIsFlaggedUnderThrowWithTheCycleAndTheStacksOfBothEdges() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        try (TestThreads threads = new TestThreads()) {
            threads.start("first", () -> takeAThenB(a, b));
        }
        PotentialDeadlockException e = catchThrowableOfType(PotentialDeadlockException.class, () -> takeBThenA(a, b));

        assertThat(e).hasMessageContaining("A -> B -> A");
        assertThat(e.cycle()).containsExactly("A", "B", "A");
        assertThat(e.edges()).hasSize(2);
        PotentialDeadlockException.Edge known = e.edges().get(0);
        PotentialDeadlockException.Edge closing = e.edges().get(1);
        assertThat(known.from()).isEqualTo("A");
        assertThat(known.to()).isEqualTo("B");
        assertThat(known.thread()).isEqualTo("first");
        assertThat(known.stack()).anyMatch(f -> f.getMethodName().equals("takeAThenB"));
        assertThat(closing.from()).isEqualTo("B");
        assertThat(closing.to()).isEqualTo("A");
        assertThat(closing.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(closing.stack()).anyMatch(f -> f.getMethodName().equals("takeBThenA"));
        assertThat(closing.stack().getFirst().getClassName()).as("the checker's own frames are cut")
                .isEqualTo(LockOrderCheckerTest.class.getName());
        assertThat(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("takeBThenA"));
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0]).hasMessageContaining("A -> B").hasMessageContaining("first");
        assertThat(e.getSuppressed()[0].getStackTrace()).anyMatch(f -> f.getMethodName().equals("takeAThenB"));
    }

    @Test
    void underThrowTheRefusedLockIsNotTakenAndTheCallersLocksStayHeld() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        takeAThenB(a, b);
        b.lock();
        try {
            assertThatThrownBy(a::lock).isInstanceOf(PotentialDeadlockException.class);
            assertThat(((TrackedLock) a).holders()).isEmpty();
            assertThat(((TrackedLock) b).holders()).containsExactly(Thread.currentThread());
            // The edge was not recorded: the inversion is refused every time, by every method.
            assertThatThrownBy(a::tryLock).isInstanceOf(PotentialDeadlockException.class);
            assertThatThrownBy(() -> a.tryLock(1, TimeUnit.SECONDS)).isInstanceOf(PotentialDeadlockException.class);
            assertThatThrownBy(a::lockInterruptibly).isInstanceOf(PotentialDeadlockException.class);
            assertThat(((TrackedLock) a).holders()).isEmpty();
        } finally {
            b.unlock();
        }
        // The refused attempts left nothing on the thread's held stack: A then B is still fine.
        takeAThenB(a, b);
    }

    @Test
    void warnCallsBackOnceAndTheAcquisitionProceeds() {
        List<PotentialDeadlockException> heard = new ArrayList<>();
        LockOrderChecker checker = new LockOrderChecker(Policy.WARN, heard::add);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        takeAThenB(a, b);
        b.lock();
        try {
            a.lock();
            assertThat(((TrackedLock) a).holders()).containsExactly(Thread.currentThread());
            a.unlock();
        } finally {
            b.unlock();
        }
        assertThat(heard).hasSize(1);
        assertThat(heard.getFirst().cycle()).containsExactly("A", "B", "A");

        takeBThenA(a, b);
        takeAThenB(a, b);
        assertThat(heard).as("each cycle is reported once").hasSize(1);
    }

    @Test
    void throwWithACallbackCallsItThenThrowsTheSameException() {
        List<PotentialDeadlockException> heard = new ArrayList<>();
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW, heard::add);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        takeAThenB(a, b);
        PotentialDeadlockException e = catchThrowableOfType(PotentialDeadlockException.class, () -> takeBThenA(a, b));
        assertThat(heard).containsExactly(e);
    }

    @Test
    void aCallbackThatThrowsFailsTheAcquisitionWithTheLockNotTaken() {
        LockOrderChecker checker = new LockOrderChecker(Policy.WARN, e -> {
            throw new IllegalStateException("refused by the callback");
        });
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        takeAThenB(a, b);
        b.lock();
        try {
            assertThatThrownBy(a::lock).isInstanceOf(IllegalStateException.class).hasMessage("refused by the callback");
            assertThat(((TrackedLock) a).holders()).isEmpty();
        } finally {
            b.unlock();
        }
    }

    @Test
    void disabledNeverFlagsAndStillTracksHolders() {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        takeAThenB(a, b);
        takeBThenA(a, b);
        a.lock();
        try {
            assertThat(((TrackedLock) a).holders()).containsExactly(Thread.currentThread());
            assertThat(((TrackedLock) a).name()).isEqualTo("A");
        } finally {
            a.unlock();
        }
        assertThat(checker.toString()).contains("DISABLED", "0 edges");
    }

    @Test
    void longerCyclesAreFlaggedWithEveryEdge() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        Lock c = checker.newLock("C");
        takeInOrder(a, b);
        takeInOrder(b, c);
        PotentialDeadlockException e = catchThrowableOfType(PotentialDeadlockException.class, () -> takeInOrder(c, a));
        assertThat(e.cycle()).containsExactly("A", "B", "C", "A");
        assertThat(e).hasMessageContaining("A -> B -> C -> A");
        String me = Thread.currentThread().getName();
        assertThat(e.edges()).extracting(PotentialDeadlockException.Edge::toString)
                .containsExactly("A -> B (thread " + me + ")", "B -> C (thread " + me + ")", "C -> A (thread " + me + ")");
        assertThat(e.getSuppressed()).hasSize(2);
    }

    @Test
    void reentryIsNotAnEdge() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        a.lock();
        try {
            b.lock();
            try {
                a.lock(); // re-entry while holding B: no B -> A
                a.unlock();
            } finally {
                b.unlock();
            }
        } finally {
            a.unlock();
        }
        takeAThenB(a, b);
        assertThat(checker.toString()).contains("1 edges");
    }

    @Test
    void unlocksOutOfOrderKeepTheHeldStackRight() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        Lock c = checker.newLock("C");
        b.lock();
        a.lock();   // B -> A
        b.unlock(); // B released first: only A is still held
        c.lock();   // A -> C, and no B -> C
        c.unlock();
        a.unlock();
        assertThat(checker.toString()).contains("2 edges");
        assertThatThrownBy(() -> takeInOrder(c, a)).isInstanceOf(PotentialDeadlockException.class)
                .hasMessageContaining("A -> C -> A");
    }

    @Test
    void aRefusedAcquisitionWithSeveralHeldLocksRecordsNoneOfItsEdges() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        Lock c = checker.newLock("C");
        takeInOrder(b, a);
        a.lock();
        c.lock();
        try {
            // A -> B closes a cycle; C -> B would not, but the acquisition is refused as a whole.
            assertThatThrownBy(b::lock).isInstanceOf(PotentialDeadlockException.class)
                    .hasMessageContaining("B -> A -> B");
        } finally {
            c.unlock();
            a.unlock();
        }
        takeInOrder(b, c); // would be flagged had C -> B been recorded
    }

    @Test
    void readAndWriteLocksOrderAsOneLock() {
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        ReadWriteLock r = checker.newReadWriteLock("R");
        Lock l = checker.newLock("L");
        takeInOrder(r.readLock(), l);
        assertThatThrownBy(() -> takeInOrder(l, r.writeLock())).isInstanceOf(PotentialDeadlockException.class)
                .hasMessageContaining("R -> L -> R");
        assertThatThrownBy(() -> takeInOrder(l, r.readLock())).isInstanceOf(PotentialDeadlockException.class);
        // A writer taking the read lock (a downgrade) is re-entry, not an edge.
        takeInOrder(r.writeLock(), r.readLock());
        assertThat(checker.toString()).contains("1 edges");
    }

    @Test
    void locksOfDifferentCheckersAreNotOrderedAgainstEachOther() {
        LockOrderChecker one = new LockOrderChecker(Policy.THROW);
        LockOrderChecker two = new LockOrderChecker(Policy.THROW);
        Lock a = one.newLock("A");
        Lock b = two.newLock("B");
        takeAThenB(a, b);
        takeBThenA(a, b);
    }

    @Test
    void aConsistentOrderIsNeverFlaggedUnderConcurrency() throws Exception {
        AtomicInteger flagged = new AtomicInteger();
        LockOrderChecker checker = new LockOrderChecker(Policy.WARN, e -> flagged.incrementAndGet());
        Lock[] locks = new Lock[6];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = checker.newLock("L" + i);
        }
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                long seed = t;
                group.start("orderly-" + t, () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    for (int round = 0; round < 5_000; round++) {
                        int mask = random.nextInt(1 << locks.length);
                        List<Lock> taken = new ArrayList<>();
                        for (int i = 0; i < locks.length; i++) { // always ascending
                            if ((mask & (1 << i)) != 0) {
                                locks[i].lock();
                                taken.add(locks[i]);
                            }
                        }
                        for (int i = taken.size() - 1; i >= 0; i--) {
                            taken.get(i).unlock();
                        }
                    }
                });
            }
        }
        assertThat(flagged.get()).isZero();
    }

    /**
     * Guava's race (google/guava#2048): two threads record A -> B and B -> A at the same moment. Each
     * holds its first lock, they meet, then each tries the other's lock (tryLock, so a real deadlock is
     * impossible). Exactly one of them must be flagged in every round: never none.
     */
    @Test
    void concurrentFirstAcquisitionsOfOppositeOrdersCannotBothMissTheCycle() throws Exception {
        int rounds = 300;
        for (int round = 0; round < rounds; round++) {
            LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
            Lock a = checker.newLock("A");
            Lock b = checker.newLock("B");
            CyclicBarrier meet = new CyclicBarrier(2);
            AtomicInteger flagged = new AtomicInteger();
            try (TestThreads threads = new TestThreads()) {
                threads.start("ab", () -> holdThenTry(a, b, meet, flagged));
                threads.start("ba", () -> holdThenTry(b, a, meet, flagged));
            }
            assertThat(flagged.get()).as("round " + round).isEqualTo(1);
        }
    }

    private static void holdThenTry(Lock first, Lock second, CyclicBarrier meet, AtomicInteger flagged)
            throws Exception {
        first.lock();
        try {
            meet.await();
            try {
                if (second.tryLock()) {
                    second.unlock();
                }
            } catch (PotentialDeadlockException e) {
                flagged.incrementAndGet();
            }
            meet.await(); // neither releases its first lock before both have tried
        } finally {
            first.unlock();
        }
    }

    @Test
    void inversionIsFlaggedOnVirtualThreads() throws Exception {
        List<PotentialDeadlockException> heard = new CopyOnWriteArrayList<>();
        LockOrderChecker checker = new LockOrderChecker(Policy.WARN, heard::add);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        try (TestThreads threads = new TestThreads()) {
            threads.startVirtual("v1", () -> takeAThenB(a, b));
        }
        try (TestThreads threads = new TestThreads()) {
            threads.startVirtual("v2", () -> takeBThenA(a, b));
        }
        assertThat(heard).hasSize(1);
        assertThat(heard.getFirst().edges()).extracting(PotentialDeadlockException.Edge::thread)
                .containsExactly("v1", "v2");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new LockOrderChecker(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new LockOrderChecker(Policy.WARN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("callback");
        assertThatThrownBy(() -> new LockOrderChecker(Policy.WARN, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new LockOrderChecker(null, e -> { })).isInstanceOf(NullPointerException.class);
        LockOrderChecker checker = new LockOrderChecker(Policy.THROW);
        assertThatThrownBy(() -> checker.newLock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> checker.newReadWriteLock(null)).isInstanceOf(NullPointerException.class);
        assertThat(checker.policy()).isEqualTo(Policy.THROW);
    }
}

package dev.interlock.liveness;

import dev.interlock.liveness.DeadlockWatchdog.Deadlock;
import dev.interlock.liveness.DeadlockWatchdog.Link;
import dev.interlock.liveness.DeadlockWatchdog.Source;
import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.lock.FairLock;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

import static dev.interlock.liveness.CheckedLockTest.awaitWaitingFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The watchdog finds real deadlocks (Interlock's locks on platform and virtual threads, JDK locks,
 * monitors, mixed cycles), reports each once, reports no cycle that is not there, and its recovery
 * hook breaks the cycle. Every test ends its deadlocked threads by interrupting them.
 */
class DeadlockWatchdogTest {

    private final List<Deadlock> reports = new CopyOnWriteArrayList<>();
    private final List<String> gaveUp = new CopyOnWriteArrayList<>();
    private final List<String> completed = new CopyOnWriteArrayList<>();
    private final CyclicBarrier meet = new CyclicBarrier(2);

    private DeadlockWatchdog watchdog() {
        return DeadlockWatchdog.builder().onDeadlock(reports::add).build();
    }

    /** Takes {@code first}, meets the other thread, then waits for {@code second}; gives up when interrupted. */
    private void firstThenSecond(Lock first, Lock second) throws Exception {
        first.lockInterruptibly();
        try {
            meet.await();
            try {
                second.lockInterruptibly();
            } catch (InterruptedException e) {
                gaveUp.add(Thread.currentThread().getName());
                return;
            }
            second.unlock();
            completed.add(Thread.currentThread().getName());
        } finally {
            first.unlock();
        }
    }

    /** Scans until a report involving {@code thread} comes, within the test bound; returns the scans' reports. */
    private static List<Deadlock> scanUntilFound(DeadlockWatchdog watchdog, Thread thread) {
        List<Deadlock> found = new CopyOnWriteArrayList<>();
        TestThreads.pollUntil(() -> {
            watchdog.scanNow().stream().filter(d -> d.threads().contains(thread)).forEach(found::add);
            return !found.isEmpty();
        }, "a deadlock involving " + thread.getName());
        return found;
    }

    @Test
    void aDeadlockOnCheckedLocksBetweenPlatformThreadsIsReportedOnce() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> firstThenSecond(a, b));
            Thread t2 = threads.start("T2", () -> firstThenSecond(b, a));
            awaitWaitingFor(t1, b);
            awaitWaitingFor(t2, a);
            List<Deadlock> found = watchdog.scanNow();

            assertThat(found).hasSize(1);
            Deadlock d = found.getFirst();
            assertThat(d.threads()).containsExactly(t1, t2);
            assertThat(d.locks()).containsExactly("B", "A");
            assertThat(d.describe()).isEqualTo("T1 holds A, waits for B; T2 holds B, waits for A");
            assertThat(d.links()).allMatch(l -> l.source() == Source.INTERLOCK && l.mode().equals("lock"));
            assertThat(d.links()).allMatch(l -> l.stack().stream().anyMatch(f -> f.getMethodName().equals("firstThenSecond")));
            assertThat(reports).containsExactly(d);

            assertThat(watchdog.scanNow()).as("not reported again while it lasts").isEmpty();
            assertThat(reports).hasSize(1);
            t2.interrupt(); // T2 gives up and releases B; T1 then gets it
        }
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    @Test
    void aDeadlockBetweenVirtualThreadsIsFoundThroughInterlocksWaitForGraph() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread v1 = threads.startVirtual("V1", () -> firstThenSecond(a, b));
            Thread v2 = threads.startVirtual("V2", () -> firstThenSecond(b, a));
            awaitWaitingFor(v1, b);
            awaitWaitingFor(v2, a);
            List<Deadlock> found = watchdog.scanNow();

            assertThat(found).hasSize(1);
            assertThat(found.getFirst().threads()).containsExactlyInAnyOrder(v1, v2);
            assertThat(found.getFirst().links()).allMatch(l -> l.source() == Source.INTERLOCK);
            assertThat(found.getFirst().links()).allMatch(l -> !l.stack().isEmpty());
            long[] jdk = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
            assertThat(jdk == null ? LongStream.empty() : LongStream.of(jdk))
                    .as("the JDK's detector does not see virtual threads")
                    .doesNotContain(v1.threadId(), v2.threadId());
            v2.interrupt();
        }
        assertThat(gaveUp).containsExactly("V2");
        assertThat(completed).containsExactly("V1");
    }

    @Test
    void aDeadlockThroughAFairLockConditionReacquisitionIsFoundOnPlatformThreads() throws Exception {
        deadlockThroughConditionReacquisition(false);
    }

    @Test
    void aDeadlockThroughAFairLockConditionReacquisitionIsFoundOnVirtualThreads() throws Exception {
        deadlockThroughConditionReacquisition(true);
    }

    /**
     * T1 holds L2 and awaits a condition of L1; T2 takes L1, signals, and waits for L2. T1 now waits,
     * at the end of its await, for L1, which T2 holds: a real cycle. T2 is interrupted at the end
     * (found or not), so the test always ends.
     */
    private void deadlockThroughConditionReacquisition(boolean virtual) throws Exception {
        FairLock l1 = new FairLock("L1");
        FairLock l2 = new FairLock("L2");
        Condition c = l1.newCondition();
        CountDownLatch awaiting = new CountDownLatch(1);
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            TestThreads.Body first = () -> {
                l2.lock();
                try {
                    l1.lock();
                    try {
                        awaiting.countDown();
                        c.awaitUninterruptibly();
                    } finally {
                        l1.unlock();
                    }
                } finally {
                    l2.unlock();
                }
                completed.add(Thread.currentThread().getName());
            };
            TestThreads.Body second = () -> {
                awaiting.await();
                l1.lock(); // free once T1 awaits
                try {
                    c.signal();
                    try {
                        l2.lockInterruptibly();
                    } catch (InterruptedException e) {
                        gaveUp.add(Thread.currentThread().getName());
                        return;
                    }
                    l2.unlock();
                    completed.add(Thread.currentThread().getName());
                } finally {
                    l1.unlock();
                }
            };
            Thread t1 = virtual ? threads.startVirtual("T1", first) : threads.start("T1", first);
            Thread t2 = virtual ? threads.startVirtual("T2", second) : threads.start("T2", second);
            List<Deadlock> found;
            try {
                TestThreads.awaitBlockedOn(t2, l2);
                found = scanUntilFound(watchdog, t1);
            } finally {
                t2.interrupt();
            }
            assertThat(found).hasSize(1);
            assertThat(found.getFirst().threads()).containsExactlyInAnyOrder(t1, t2);
            assertThat(found.getFirst().links()).allMatch(l -> l.source() == Source.INTERLOCK);
            assertThat(found.getFirst().links()).extracting(Link::lock).containsExactlyInAnyOrder("L1", "L2");
        }
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    @Test
    void aReentrantLockDeadlockIsFoundThroughThreadMXBean() throws Exception {
        Lock a = new ReentrantLock();
        Lock b = new ReentrantLock();
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> firstThenSecond(a, b));
            Thread t2 = threads.start("T2", () -> firstThenSecond(b, a));
            List<Deadlock> found = scanUntilFound(watchdog, t1);

            assertThat(found).hasSize(1);
            Deadlock d = found.getFirst();
            assertThat(d.threads()).containsExactly(t1, t2);
            assertThat(d.links()).allMatch(l -> l.source() == Source.JDK && l.lock().contains("ReentrantLock"));
            assertThat(watchdog.scanNow()).noneMatch(x -> x.threads().contains(t1));
            t2.interrupt(); // T2 gives up and releases B; T1 then gets it
        }
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    /**
     * A cycle through a {@code synchronized} monitor: T1 holds the monitor and waits for a lock; T2 holds
     * the lock and is blocked entering the monitor. (A cycle of two monitors could never be ended by the
     * test: a thread blocked at a monitor cannot be interrupted out of it.)
     */
    @Test
    void aCycleThroughASynchronizedMonitorIsFound() throws Exception {
        Object monitor = new Object();
        Lock lock = new ReentrantLock();
        CountDownLatch monitorHeld = new CountDownLatch(1);
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> {
                synchronized (monitor) {
                    monitorHeld.countDown();
                    meet.await();
                    try {
                        lock.lockInterruptibly();
                        lock.unlock();
                    } catch (InterruptedException e) {
                        gaveUp.add("T1");
                    }
                }
            });
            Thread t2 = threads.start("T2", () -> {
                lock.lock();
                try {
                    monitorHeld.await();
                    meet.await();
                    synchronized (monitor) {
                        completed.add("T2");
                    }
                } finally {
                    lock.unlock();
                }
            });
            List<Deadlock> found = scanUntilFound(watchdog, t1);

            assertThat(found).hasSize(1);
            Deadlock d = found.getFirst();
            assertThat(d.threads()).containsExactly(t1, t2);
            assertThat(d.links().get(1).mode()).isEqualTo("monitor");
            assertThat(d.links().get(1).lock()).startsWith("java.lang.Object@");
            assertThat(d.links().get(0).lock()).contains("ReentrantLock");
            t1.interrupt();
        }
        assertThat(gaveUp).containsExactly("T1");
        assertThat(completed).containsExactly("T2");
    }

    @Test
    void aMixedCycleOfAnInterlockLockAndAJdkLockIsFound() throws Exception {
        SemaphoreLock s = new SemaphoreLock("S");
        Lock r = new ReentrantLock();
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> firstThenSecond(s, r));
            Thread t2 = threads.start("T2", () -> firstThenSecond(r, s));
            awaitWaitingFor(t2, s);
            List<Deadlock> found = scanUntilFound(watchdog, t1);

            assertThat(found).hasSize(1);
            Deadlock d = found.getFirst();
            assertThat(d.threads()).containsExactly(t1, t2);
            assertThat(d.links().get(0).source()).isEqualTo(Source.JDK);
            assertThat(d.links().get(1).source()).isEqualTo(Source.INTERLOCK);
            assertThat(d.links().get(1).lock()).isEqualTo("S");
            assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads())
                    .as("the JDK alone cannot see a lock without an owner").isNull();
            t1.interrupt();
        }
        assertThat(gaveUp).containsExactly("T1");
        assertThat(completed).containsExactly("T2");
    }

    @Test
    void aReaderWaitingForAWriterWaitingForItIsFound() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        ReadWriteLock r = checker.newReadWriteLock("R");
        Lock b = checker.newLock("B");
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> firstThenSecond(r.readLock(), b));
            Thread t2 = threads.start("T2", () -> firstThenSecond(b, r.writeLock()));
            awaitWaitingFor(t1, b);
            awaitWaitingFor(t2, r.writeLock());
            List<Deadlock> found = watchdog.scanNow();

            assertThat(found).hasSize(1);
            assertThat(found.getFirst().describe()).isEqualTo("T1 holds R, waits for B; T2 holds B, waits for R (write)");
            t2.interrupt();
        }
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    @Test
    void aReaderAskingForTheWriteLockDeadlocksItselfAndIsFound() throws Exception {
        ReadWriteLock r = new LockOrderChecker(Policy.DISABLED).newReadWriteLock("R");
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.start("upgrader", () -> {
                r.readLock().lock();
                try {
                    r.writeLock().lockInterruptibly();
                    r.writeLock().unlock();
                } catch (InterruptedException e) {
                    gaveUp.add("upgrader");
                } finally {
                    r.readLock().unlock();
                }
            });
            awaitWaitingFor(t, r.writeLock());
            List<Deadlock> found = watchdog.scanNow();

            assertThat(found).hasSize(1);
            assertThat(found.getFirst().threads()).containsExactly(t);
            assertThat(found.getFirst().describe()).isEqualTo("upgrader holds R, waits for R (write)");
            t.interrupt();
        }
        assertThat(gaveUp).containsExactly("upgrader");
    }

    @Test
    void aLongWaitWithoutACycleIsNotADeadlock() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        DeadlockWatchdog watchdog = watchdog();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch aHeld = new CountDownLatch(1);
        CountDownLatch bHeld = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            threads.start("holder", () -> {
                a.lock();
                try {
                    aHeld.countDown();
                    release.await();
                } finally {
                    a.unlock();
                }
            });
            aHeld.await();
            Thread chain = threads.start("chain", () -> {
                b.lock(); // holds B while it waits for A: a chain, not a cycle
                try {
                    bHeld.countDown();
                    a.lock();
                    a.unlock();
                } finally {
                    b.unlock();
                }
            });
            bHeld.await();
            Thread waiter = threads.start("waiter", () -> {
                b.lock();
                b.unlock();
            });
            awaitWaitingFor(chain, a);
            awaitWaitingFor(waiter, b);
            for (int i = 0; i < 20; i++) {
                assertThat(watchdog.scanNow()).isEmpty();
            }
            release.countDown();
        }
        assertThat(reports).isEmpty();
    }

    /**
     * A cycle pieced together from two moments is not confirmed. T2 holds R (a JDK lock) and waits
     * for S, an Interlock lock that, like a reader-preferring read lock, lets T1 in again while T2
     * waits. T1 never holds S while it waits for R: it lets S go, waits for R, gives up, takes S, lets
     * it go, waits for R again. The scanner is descheduled right after each of its reads of S's
     * holders (the lock's hook moves T1 on there), so both looks see "T1 holds S" and then "T1 waits
     * for R": the edges of T1 -> T2 -> T1, never there at once. The JDK wait re-read by the second
     * look is not the one the first look saw (T1 left it and parked again).
     */
    @Test
    void aJdkWaitLeftAndTakenUpAgainBetweenTheTwoLooksIsNotConfirmed() throws Exception {
        ReentrantLock r = new ReentrantLock();
        Set<Thread> holdersOfS = ConcurrentHashMap.newKeySet();
        BlockingQueue<String> toT1 = new LinkedBlockingQueue<>();
        Semaphore t1Done = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        Thread[] t1 = new Thread[1];
        Runnable t1WaitsForR = () -> {
            toT1.add("let S go, wait for R");
            TestThreads.awaitBlockedOn(t1[0], b -> b.getClass().getName().startsWith(ReentrantLock.class.getName()), "on R");
        };
        Runnable t1TakesS = () -> {
            t1[0].interrupt(); // gives up waiting for R
            toT1.add("take S");
            t1Done.acquireUninterruptibly();
        };
        ScriptedLock s = new ScriptedLock("S", holdersOfS, read -> {
            if (read == 2) {
                t1TakesS.run();
            }
        }, read -> {
            if (read <= 2) {
                t1WaitsForR.run();
            }
        });
        DeadlockWatchdog watchdog = watchdog();
        try (TestThreads threads = new TestThreads()) {
            t1[0] = threads.start("T1", () -> {
                for (;;) {
                    switch (toT1.take()) {
                        case "take S" -> {
                            holdersOfS.add(Thread.currentThread());
                            t1Done.release();
                        }
                        case "let S go, wait for R" -> {
                            holdersOfS.remove(Thread.currentThread());
                            try {
                                r.lockInterruptibly();
                                r.unlock();
                            } catch (InterruptedException e) {
                                // gave up: the next command follows
                            }
                        }
                        default -> {
                            return;
                        }
                    }
                }
            });
            toT1.add("take S");
            t1Done.acquire();
            Thread t2 = threads.start("T2", () -> {
                r.lock();
                try {
                    WaitRegistry.Wait w = WaitRegistry.begin(s, "lock");
                    try {
                        release.await();
                    } finally {
                        WaitRegistry.end(w);
                    }
                } finally {
                    r.unlock();
                }
            });
            try {
                awaitWaitingFor(t2, s);

                assertThat(watchdog.scanNow()).isEmpty();
                assertThat(s.reads()).as("both looks read S's holders").isGreaterThanOrEqualTo(2);
            } finally {
                release.countDown();
                toT1.add("end");
            }
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void theRecoveryHooksVictimIsInterruptedAndTheCycleBreaks() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        CountDownLatch reported = new CountDownLatch(1);
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.builder()
                .period(Duration.ofMillis(5))
                .threadName("test-watchdog")
                .onDeadlock(d -> {
                    reports.add(d);
                    reported.countDown();
                })
                .recovery(d -> d.threads().getLast())
                .start();
             TestThreads threads = new TestThreads()) {
            threads.start("T1", () -> firstThenSecond(a, b));
            threads.start("T2", () -> firstThenSecond(b, a));
            assertThat(reported.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
        assertThat(reports).hasSize(1);
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    @Test
    void aFailingCallbackPropagatesFromScanNowAndTheCycleIsStillReportedOnce() throws Exception {
        LockOrderChecker checker = new LockOrderChecker(Policy.DISABLED);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        DeadlockWatchdog watchdog = DeadlockWatchdog.builder().jdkLocks(false).onDeadlock(d -> {
            reports.add(d);
            throw new IllegalStateException("callback failed");
        }).build();
        try (TestThreads threads = new TestThreads()) {
            Thread t1 = threads.start("T1", () -> firstThenSecond(a, b));
            Thread t2 = threads.start("T2", () -> firstThenSecond(b, a));
            awaitWaitingFor(t1, b);
            awaitWaitingFor(t2, a);
            assertThatThrownBy(watchdog::scanNow).isInstanceOf(IllegalStateException.class).hasMessage("callback failed");
            assertThat(watchdog.scanNow()).isEmpty();
            assertThat(reports).hasSize(1);
            t2.interrupt();
        }
        assertThat(gaveUp).containsExactly("T2");
        assertThat(completed).containsExactly("T1");
    }

    @Test
    void interruptingTheWatchdogsThreadStopsItForGood() throws Exception {
        String name = "watchdog-to-interrupt-" + System.nanoTime();
        DeadlockWatchdog watchdog = DeadlockWatchdog.builder().onDeadlock(reports::add).threadName(name)
                .period(Duration.ofMillis(5)).start();
        try {
            Thread own = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                    .findFirst().orElseThrow();
            own.interrupt();
            assertThat(own.join(TestThreads.BOUND)).isTrue();
            assertThat(watchdog.toString()).contains("closed");
            assertThatThrownBy(watchdog::start).isInstanceOf(IllegalStateException.class).hasMessage("closed");
        } finally {
            watchdog.close();
        }
    }

    @Test
    void lifecycleAndBadArguments() throws Exception {
        assertThatThrownBy(() -> DeadlockWatchdog.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().onDeadlock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().recovery(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().threadName(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().period(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().period(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeadlockWatchdog.builder().period(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);

        DeadlockWatchdog watchdog = DeadlockWatchdog.builder().onDeadlock(reports::add).build();
        assertThat(watchdog.toString()).contains("not started");
        watchdog.start();
        assertThat(watchdog.toString()).contains("running");
        assertThatThrownBy(watchdog::start).isInstanceOf(IllegalStateException.class);
        assertThat(watchdog.close(TestThreads.BOUND)).isTrue();
        watchdog.close();
        assertThatThrownBy(watchdog::start).isInstanceOf(IllegalStateException.class);
        assertThat(watchdog.scanNow()).as("a closed watchdog can still scan on demand").isNotNull();
        assertThatThrownBy(() -> watchdog.close(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * A TrackedLock whose holders the test sets, with hooks that run on the reading thread before and
     * after each read (numbered from 1): where a scanner could be descheduled.
     */
    static final class ScriptedLock implements TrackedLock {
        private final String name;
        private final Set<Thread> holders;
        private final IntConsumer beforeRead;
        private final IntConsumer afterRead;
        private final WaitStats stats = new WaitStats();
        private final AtomicInteger reads = new AtomicInteger();

        ScriptedLock(String name, Set<Thread> holders, IntConsumer beforeRead, IntConsumer afterRead) {
            this.name = name;
            this.holders = holders;
            this.beforeRead = beforeRead;
            this.afterRead = afterRead;
        }

        int reads() {
            return reads.get();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Collection<Thread> holders() {
            int read = reads.incrementAndGet();
            beforeRead.accept(read);
            List<Thread> now = List.copyOf(holders);
            afterRead.accept(read);
            return now;
        }

        @Override
        public WaitStats waitStats() {
            return stats;
        }
    }

    /** A TrackedLock on a semaphore: no owner the JDK could see, so only Interlock's graph knows who holds it. */
    static final class SemaphoreLock implements Lock, TrackedLock {
        private final String name;
        private final Semaphore permit = new Semaphore(1);
        private final WaitStats stats = new WaitStats();
        private volatile Thread holder;

        SemaphoreLock(String name) {
            this.name = name;
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            if (!permit.tryAcquire()) {
                WaitRegistry.Wait w = WaitRegistry.begin(this, "lock");
                try {
                    permit.acquire();
                } finally {
                    WaitRegistry.end(w);
                }
            }
            holder = Thread.currentThread();
        }

        @Override
        public void unlock() {
            holder = null;
            permit.release();
        }

        @Override
        public void lock() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean tryLock() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.concurrent.locks.Condition newCondition() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Collection<Thread> holders() {
            Thread h = holder;
            return h == null ? Set.of() : Set.of(h);
        }

        @Override
        public WaitStats waitStats() {
            return stats;
        }
    }
}

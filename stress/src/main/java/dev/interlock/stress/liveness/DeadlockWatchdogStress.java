package dev.interlock.stress.liveness;

import dev.interlock.liveness.DeadlockWatchdog;
import dev.interlock.liveness.LockOrderChecker;
import dev.interlock.liveness.LockOrderChecker.Policy;
import dev.interlock.liveness.TrackedLock;
import dev.interlock.lock.FairLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link DeadlockWatchdog} under the memory model. A scan reads the wait registry and each awaited
 * lock's holders at slightly different instants, so its raw graph can show a cycle that never
 * existed; the watchdog must confirm a cycle before it reports it. Two tests:
 * <ul>
 *   <li>{@link ConsistentOrderIsNeverReported}: two actors take two {@link FairLock}s hand over hand
 *       in the same order (A, B, release A, release B: the pattern whose waits and holds, read at
 *       different instants, can be pieced into A -> B -> A) while the watchdog scans: no deadlock
 *       may ever be reported (a false positive).</li>
 *   <li>{@link MixedLocksWithoutNestingAreNeverReported}: the same through both sources of edges
 *       ({@code jdkLocks(true)}): one actor nests a JDK {@code ReentrantLock} R and a barging
 *       Interlock lock F (R, then F), the other never nests them (it takes F and lets it go, then
 *       tries R for a moment): a scan can read "holds F" and "waits for R" of the second actor at
 *       two moments, the cycle of DeadlockWatchdogTest's
 *       {@code aJdkWaitLeftAndTakenUpAgainBetweenTheTwoLooksIsNotConfirmed}; it must never be
 *       reported.</li>
 *   <li>{@link OppositeOrderDeadlockIsFound}: the actors take the locks in opposite orders and form
 *       a real deadlock whenever both get their first lock: it must be reported exactly once, and
 *       the watchdog's recovery hook interrupts one victim (whose timed {@code tryLock} throws), so
 *       every sample ends.</li>
 * </ul>
 *
 * <p>The scanner is the watchdog's own thread, not an actor: a cycle needs two waiting threads
 * <em>and</em> a scanner, and this machine has two CPUs (jcstress skips a test with more actors than
 * CPUs). Each test class has one watchdog per JVM, started once and scanning continuously (a period
 * of one microsecond, which the OS rounds up to some tens of microseconds); the {@link dev.interlock.liveness.WaitRegistry registry} it reads is global, so it sees every
 * sample's locks. Reports are counted per sample by lock name; the arbiter first calls
 * {@code scanNow()}, which waits for the scan in progress (scans are serialised), so a report from a
 * scan that overlapped the actors is counted before the arbiter reads it. The FairLock tests' watchdogs
 * use {@code jdkLocks(false)}: only Interlock locks are involved, and a {@code ThreadMXBean} deadlock
 * search is a safepoint per scan, which, run continuously, would pause the actors far more often than
 * it would check them; the mixed test pays that price, as it must.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t DeadlockWatchdogStress -m quick}
 */
public final class DeadlockWatchdogStress {

    /** Ceiling of one actor's timed wait: far above the time a scan takes to find a deadlock. */
    static final long WAIT_SECONDS = 10;

    private DeadlockWatchdogStress() {
    }

    /** A watchdog scanning all the time, which counts its reports by the names of the locks they involve. */
    static final class Scanner {
        final Map<String, AtomicInteger> reportsByLock = new ConcurrentHashMap<>();
        final DeadlockWatchdog watchdog;

        Scanner(String name, boolean recover) {
            this(name, recover, false);
        }

        Scanner(String name, boolean recover, boolean jdkLocks) {
            DeadlockWatchdog.Builder b = DeadlockWatchdog.builder()
                    .period(Duration.ofNanos(1_000))
                    .jdkLocks(jdkLocks)
                    .threadName(name)
                    .onDeadlock(d -> {
                        for (String lock : d.locks()) {
                            AtomicInteger count = reportsByLock.get(lock);
                            if (count != null) {
                                count.incrementAndGet();
                                return; // one count per report
                            }
                        }
                    });
            if (recover) {
                b.recovery(d -> d.threads().getLast());
            }
            watchdog = b.start();
        }

        /** Starts counting the reports that name {@code lock}. */
        AtomicInteger watch(TrackedLock lock) {
            AtomicInteger count = new AtomicInteger();
            reportsByLock.put(lock.name(), count);
            return count;
        }

        /** The reports that named {@code lock}, once every scan begun before this call has ended. */
        int reportsFor(TrackedLock lock) {
            watchdog.scanNow(); // waits for the periodic scan in progress, and finds nothing new
            AtomicInteger count = reportsByLock.remove(lock.name());
            return count == null ? -1 : count.get();
        }
    }

    /** Two FairLocks of one sample; reports naming either are counted (a report names the locks awaited). */
    public abstract static class TwoLocks {
        final FairLock a = new FairLock();
        final FairLock b = new FairLock();
        final AtomicInteger reportsA;
        final AtomicInteger reportsB;

        TwoLocks(Scanner scanner) {
            reportsA = scanner.watch(a);
            reportsB = scanner.watch(b);
        }
    }

    /**
     * Spins while holding both locks, in {@link Thread#onSpinWait()} calls: longer than a FairLock
     * waiter spins before it parks, so that a waiter usually parks and enters the registry.
     */
    static final int HOLD_SPINS = 1 << 8;

    /** Spins {@link #HOLD_SPINS} times. */
    static void hold() {
        for (int i = 0; i < HOLD_SPINS; i++) {
            Thread.onSpinWait();
        }
    }

    /** Rounds of hand-over-hand locking per actor: enough for the two actors to overlap. */
    static final int ROUNDS = 8;

    /** Hand over hand in the order A, B: lock A, lock B, (hold), unlock A, unlock B; {@link #ROUNDS} times. */
    static void handOverHand(FairLock first, FairLock second) {
        for (int round = 0; round < ROUNDS; round++) {
            first.lock();
            second.lock();
            hold();
            first.unlock();
            second.unlock();
        }
    }

    /** 1 if an acquisition of either lock queued behind another thread (and may have parked in the registry). */
    static int queued(FairLock a, FairLock b) {
        return a.waitStats().snapshot().waits() + b.waitStats().snapshot().waits() > 0 ? 1 : 0;
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE,
            desc = "No report; the actors did not queue behind each other in this sample.")
    @Outcome(id = "0, 1", expect = ACCEPTABLE,
            desc = "No report, while the actors queued (and parked, entering the registry) behind each other.")
    @Outcome(expect = FORBIDDEN,
            desc = "A deadlock was reported among threads taking the locks in one order: a false positive "
                    + "pieced together from waits and holds read at different instants.")
    @State
    public static class ConsistentOrderIsNeverReported extends TwoLocks {
        static final Scanner SCANNER = new Scanner("stress-watchdog-consistent", false);

        public ConsistentOrderIsNeverReported() {
            super(SCANNER);
        }

        @Actor
        public void worker1() {
            handOverHand(a, b);
        }

        @Actor
        public void worker2() {
            handOverHand(a, b);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = SCANNER.reportsFor(a) + SCANNER.reportsFor(b);
            r.r2 = queued(a, b);
        }
    }

    /** How long the non-nesting actor of the mixed test tries R before it gives up, in microseconds. */
    static final long TRY_MICROS = 50;

    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "No report.")
    @Outcome(expect = FORBIDDEN,
            desc = "A deadlock was reported, yet the second actor never waits for R while it holds F: "
                    + "a false positive pieced together from two moments.")
    @State
    public static class MixedLocksWithoutNestingAreNeverReported {
        static final Scanner SCANNER = new Scanner("stress-watchdog-mixed", false, true);
        final Lock r = new ReentrantLock();
        static final AtomicLong NAMES = new AtomicLong();
        final Lock f = new LockOrderChecker(Policy.DISABLED).newLock("F" + NAMES.incrementAndGet());
        final AtomicInteger reportsF = SCANNER.watch((TrackedLock) f);

        @Actor
        public void nests() {
            for (int round = 0; round < ROUNDS; round++) {
                r.lock();
                try {
                    f.lock();
                    try {
                        hold();
                    } finally {
                        f.unlock();
                    }
                } finally {
                    r.unlock();
                }
            }
        }

        @Actor
        public void neverNests() {
            for (int round = 0; round < ROUNDS; round++) {
                f.lock();
                try {
                    hold();
                } finally {
                    f.unlock();
                }
                try {
                    if (r.tryLock(TRY_MICROS, TimeUnit.MICROSECONDS)) {
                        r.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // nothing interrupts it: no recovery hook
                    return;
                }
            }
        }

        @Arbiter
        public void arbiter(I_Result res) {
            res.r1 = SCANNER.reportsFor((TrackedLock) f);
        }
    }

    /** What an actor of the opposite-order test ended with. */
    static final int TOOK_BOTH = 0;
    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;

    /** Holds {@code first}, then waits (timed, interruptibly) for {@code second}. */
    static int holdThenWait(FairLock first, FairLock second) {
        first.lock();
        try {
            if (!second.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return TIMED_OUT;
            }
            second.unlock();
            return TOOK_BOTH;
        } catch (InterruptedException e) {
            return INTERRUPTED; // the watchdog's recovery chose this thread; the status is cleared
        } finally {
            first.unlock();
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE,
            desc = "No deadlock formed: one actor took both locks before the other took its first.")
    @Outcome(id = {"2, 0, 1", "0, 2, 1"}, expect = ACCEPTABLE,
            desc = "Deadlock formed, reported once; the recovery interrupted one actor, the other then took both.")
    @Outcome(id = {"1, .*", ".*, 1, .*"}, expect = FORBIDDEN,
            desc = "An actor waited 10 s: a real deadlock the continuously scanning watchdog did not find.")
    @Outcome(expect = FORBIDDEN,
            desc = "A report without a victim, a victim without a report, or a deadlock reported twice.")
    @State
    public static class OppositeOrderDeadlockIsFound extends TwoLocks {
        static final Scanner SCANNER = new Scanner("stress-watchdog-opposite", true);

        public OppositeOrderDeadlockIsFound() {
            super(SCANNER);
        }

        @Actor
        public void aThenB(III_Result r) {
            r.r1 = holdThenWait(a, b);
        }

        @Actor
        public void bThenA(III_Result r) {
            r.r2 = holdThenWait(b, a);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = SCANNER.reportsFor(a) + SCANNER.reportsFor(b);
        }
    }
}

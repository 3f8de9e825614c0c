package dev.interlock.bench.liveness;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.liveness.DeadlockWatchdog;
import dev.interlock.liveness.WaitRegistry;
import dev.interlock.lock.FairLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cost of one deadlock scan while {@code blocked} platform threads wait for a lock that a
 * holder thread keeps (no deadlock: the scan finds nothing, the steady state of a healthy program):
 * {@link DeadlockWatchdog#scanNow()} against the JDK's own detector,
 * {@link ThreadMXBean#findDeadlockedThreads()}.
 * <ul>
 *   <li>{@code watchdog}: {@code jdkLocks(false)}, Interlock's locks only: copies the
 *       {@link WaitRegistry} and asks each awaited lock for its holders; no safepoint.</li>
 *   <li>{@code watchdog+jdk}: the default, {@code jdkLocks(true)}: the above plus
 *       {@code findDeadlockedThreads()}, plus {@code getThreadInfo} for the platform holders of
 *       awaited Interlock locks (the mixed-cycle search).</li>
 *   <li>{@code findDeadlockedThreads}, the peer: a safepoint that walks every thread.</li>
 * </ul>
 * {@code lock} is what the threads wait for: {@code FairLock} (seen by the watchdog through the
 * registry; invisible to the peer, which then scans fewer edges) or {@code ReentrantLock} (seen by
 * the JDK only; {@code watchdog} finds an empty registry). Ratios ours/peer are scans per
 * microsecond, so above 1 means our scan is cheaper. Target: {@code watchdog} at least as fast as
 * the peer at every size with {@code FairLock} waiters (no safepoint, work proportional to the
 * Interlock waiters only); with {@code ReentrantLock} waiters {@code watchdog} sees nothing, so its
 * ratio there is not a like-for-like comparison and has no target; no target
 * for {@code watchdog+jdk}, which does the peer's work and more by design (its ratio is the price of
 * the mixed-cycle search). Measured: see docs/benchmarks.md.
 *
 * <p>The waiters and the holder are daemon threads, started in the trial's set-up and released and
 * joined in its tear-down, so a fork ends even if a tear-down is skipped.
 *
 * <p>Run: {@code ./interlock bench DeadlockWatchdogBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Compare(ours = {"watchdog", "watchdog+jdk"}, peers = {"findDeadlockedThreads"})
@RatioTarget(benchmark = "scan", params = "blocked=0,lock=FairLock", ours = "watchdog", peer = "findDeadlockedThreads",
        atLeast = 1.0)
@RatioTarget(benchmark = "scan", params = "blocked=4,lock=FairLock", ours = "watchdog", peer = "findDeadlockedThreads",
        atLeast = 1.0)
@RatioTarget(benchmark = "scan", params = "blocked=16,lock=FairLock", ours = "watchdog", peer = "findDeadlockedThreads",
        atLeast = 1.0)
public class DeadlockWatchdogBench {

    /** How long the set-up waits for every waiter to park before it gives up. */
    private static final Duration PARK_TIMEOUT = Duration.ofSeconds(30);

    @Param({"watchdog", "watchdog+jdk", "findDeadlockedThreads"})
    public String impl;

    @Param({"0", "4", "16"})
    public int blocked;

    @Param({"FairLock", "ReentrantLock"})
    public String lock;

    private DeadlockWatchdog watchdog;
    private ThreadMXBean mx;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        mx = ManagementFactory.getThreadMXBean();
        watchdog = switch (impl) {
            case "watchdog" -> DeadlockWatchdog.builder().jdkLocks(false).onDeadlock(DeadlockWatchdogBench::unexpected).build();
            case "watchdog+jdk" -> DeadlockWatchdog.builder().jdkLocks(true).onDeadlock(DeadlockWatchdogBench::unexpected).build();
            case "findDeadlockedThreads" -> null;
            default -> throw new IllegalArgumentException(impl);
        };
        Lock shared = switch (lock) {
            case "FairLock" -> new FairLock("bench");
            case "ReentrantLock" -> new ReentrantLock();
            default -> throw new IllegalArgumentException(lock);
        };
        CountDownLatch held = new CountDownLatch(1);
        start("holder", () -> {
            shared.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // tear-down is releasing everything anyway
            } finally {
                shared.unlock();
            }
        });
        held.await();
        for (int i = 0; i < blocked; i++) {
            start("waiter-" + i, () -> {
                shared.lock();
                shared.unlock();
            });
        }
        awaitAllParked(shared);
    }

    private void start(String name, Runnable body) {
        threads.add(Thread.ofPlatform().name("DeadlockWatchdogBench-" + name).daemon().start(body));
    }

    /** Waits until every waiter is parked on {@code shared} (and, for a FairLock, in the registry). */
    private void awaitAllParked(Lock shared) throws InterruptedException {
        long deadline = System.nanoTime() + PARK_TIMEOUT.toNanos();
        for (Thread t : threads.subList(1, threads.size())) {
            while (!parkedOn(t, shared)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(t.getName() + " did not park within " + PARK_TIMEOUT);
                }
                Thread.sleep(1); // set-up only, not measured
            }
        }
    }

    private static boolean parkedOn(Thread t, Lock shared) {
        if (t.getState() != Thread.State.WAITING) {
            return false;
        }
        return shared instanceof FairLock ? WaitRegistry.of(t) != null : LockSupport.getBlocker(t) != null;
    }

    private static void unexpected(DeadlockWatchdog.Deadlock d) {
        throw new IllegalStateException("no deadlock was set up, yet: " + d.describe());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        release.countDown();
        for (Thread t : threads) {
            if (!t.join(PARK_TIMEOUT)) {
                throw new IllegalStateException(t.getName() + " did not end");
            }
        }
    }

    /** One scan; returns what it found (nothing, here) so the work is not eliminated. */
    @Benchmark
    public Object scan() {
        return watchdog != null ? watchdog.scanNow() : mx.findDeadlockedThreads();
    }
}

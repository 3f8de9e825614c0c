package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.TrackedLock;
import dev.interlock.liveness.WaitStats;
import dev.interlock.lock.FairLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The guide's starvation chapter: N threads (more than the cores) hammer one lock, each holding it
 * for a short critical section and pausing briefly outside it. With the unfair {@link ReentrantLock} a
 * thread that releases the lock and comes straight back usually takes it again before the waiter it
 * just woke is running (barging), so the running threads keep the lock and the parked ones wait. With
 * {@link FairLock} the lock is handed to the longest waiter on every release: shares are even and
 * waits are bounded, at the price of a context switch per hand-off. {@code ReentrantLock(true)} is the
 * JDK's fair reference.
 *
 * <p>Every variant is measured the same way: wall time around {@code lock()} (nanoTime before and
 * after) into one histogram per variant, acquisitions per thread, and for each wait how many
 * acquisitions other threads made between the call and the acquisition ("overtakes"). For
 * {@code FairLock} its own {@link WaitStats} (time from joining the queue to the hand-off) is shown
 * beside the measurement as a cross-check.
 *
 * <p>Verdict. A wait is <em>bypassed</em> when other threads acquired the lock at least {@link #BYPASS}
 * times during it: the thread was ready to run its critical section and others kept going instead. A
 * FIFO lock lets each queued waiter be overtaken at most threads-1 times; it can show a bypassed wait
 * only when the OS deschedules a thread inside {@code lock()} before it has joined the queue (0 to 2
 * per run measured). STARVED when at least {@link #BYPASSED_WAITS_BOUND} waits of the run were
 * bypassed, or when a thread got less than {@link #SHARE_FLOOR} of the fair share (the mean
 * acquisitions per thread) and the lock bypassed at least one of its waits (a small share alone can be
 * the OS keeping a thread off a core, on any lock). A fair lock that shows neither is CORRECT. An unfair lock that shows neither is
 * INCONCLUSIVE, never CORRECT: one run without starvation proves nothing about a lock that allows it.
 *
 * <p>Measured (2026-11-26, 2 cores, machine loaded by other builds, 700 ms per variant): the unfair
 * lock never left a thread under 60% of the fair share, so shares alone do not show its starvation;
 * what does is the bypassed waits, 60 to 125 per run at 3 to 8 threads (single waits of 25 to 100 ms
 * while the others acquired the lock 70,000 to 570,000 times), against 0 to 2 for {@code FairLock}
 * and 1 to 15 for {@code ReentrantLock(true)}, which at 8 threads once also left a thread at 22% of
 * the fair share. Its percentiles hide all of this: p99 0.06 us, because almost every acquisition by
 * a running thread is immediate.
 *
 * <p>Live view: during the {@code FairLock} run a {@link dev.interlock.liveness.StarvationMonitor}
 * watches that lock, with a threshold of a twentieth of the run ({@link #monitorThreshold}), and the
 * report counts the waits it flagged. The {@code ReentrantLock} variants cannot be watched (the
 * monitor sees only Interlock's {@link TrackedLock}s): their rows have no monitor figures, and a note
 * says whether their longest wait would have passed the threshold. The monitor does not decide verdicts.
 */
public final class StarvationExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    /** Milliseconds each variant runs. */
    private static final int DEFAULT_MILLIS = 700;
    /** Busy-work steps inside the critical section; as many again outside it. */
    private static final int DEFAULT_WORK = 100;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** Acquisitions per thread when tracing: enough to show a queue and a hand-off. */
    private static final int TRACE_ACQUISITIONS = 3;
    /** Busy-work steps when tracing: tens of microseconds, so the threads' runs overlap. */
    private static final int TRACE_WORK = 20_000;

    /** A thread below this fraction of the mean acquisitions per thread is starved. */
    static final double SHARE_FLOOR = 0.25;
    /** A wait during which other threads acquired the lock this many times was bypassed. */
    static final long BYPASS = 1_000;
    /** This many bypassed waits in one run is starvation (a FIFO lock showed at most 2). */
    static final long BYPASSED_WAITS_BOUND = 20;
    /** The monitor's threshold is the run's length divided by this. */
    static final int MONITOR_THRESHOLD_DIVISOR = 20;

    /** Hears the FairLock run's monitor once it is closed; tests use it. */
    private final Consumer<StarvationWatch> watched;

    public StarvationExperiment() {
        this(watch -> { });
    }

    /** For tests: {@code watched} hears the closed monitor of every watched run, with the lock it watched. */
    StarvationExperiment(Consumer<StarvationWatch> watched) {
        this.watched = Objects.requireNonNull(watched, "watched");
    }

    /** The starvation monitor's threshold for runs of {@code millis} milliseconds. */
    static Duration monitorThreshold(int millis) {
        return StarvationWatch.thresholdOf(Duration.ofMillis(millis), MONITOR_THRESHOLD_DIVISOR);
    }

    @Override
    public String name() {
        return "starvation";
    }

    @Override
    public String summary() {
        return "threads hammering one lock: the unfair ReentrantLock lets some starve, FairLock hands it "
                + "over in arrival order";
    }

    @Override
    public String optionsHelp() {
        return "--threads contending threads (" + DEFAULT_THREADS + "), --ops milliseconds each variant runs ("
                + DEFAULT_MILLIS + "), --size busy-work steps inside and outside the lock (" + DEFAULT_WORK + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        boolean tracing = settings.tracing();
        int threads = settings.threads(tracing ? 2 : DEFAULT_THREADS);
        int millis = settings.ops(DEFAULT_MILLIS);
        int work = settings.size(tracing ? TRACE_WORK : DEFAULT_WORK);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        long limit = tracing ? TRACE_ACQUISITIONS : Long.MAX_VALUE;
        Duration threshold = monitorThreshold(millis);

        ReentrantLock unfair = new ReentrantLock(false);
        ReentrantLock jdkFair = new ReentrantLock(true);
        FairLock fair = new FairLock("starvation");
        List<Variant> variants = new ArrayList<>();
        Run unfairRun = measure(new Contender("unfair ReentrantLock (broken)", "ReentrantLock", unfair,
                unfair::hasQueuedThreads, false, "unlock: frees it, wakes a waiter (anyone may take it)", null), threads, millis, work, limit, timeBox, threshold, tracer);
        Run jdkFairRun = measure(new Contender("ReentrantLock(true)", "FairReentrantLock", jdkFair,
                jdkFair::hasQueuedThreads, true, "unlock: frees it, wakes the first waiter (its turn)", null), threads, millis, work, limit, timeBox, threshold, tracer);
        Run fairRun = measure(new Contender("FairLock", "FairLock", fair, fair::hasQueuedThreads, true,
                "unlock: hands it to the longest waiter", fair), threads, millis, work, limit, timeBox, threshold, tracer);
        variants.add(unfairRun.variant().verdict(unfairRun.verdict()));
        variants.add(jdkFairRun.variant().verdict(jdkFairRun.verdict()));
        WaitStats.Snapshot own = fair.waitStats().snapshot();
        variants.add(StarvationWatch.addMetrics(fairRun.variant()
                .metric("own p99 us", own.p99Nanos() / 1_000.0)
                .metric("own max ms", own.maxNanos() / 1_000_000.0), List.of(fairRun.watch()), false)
                .verdict(fairRun.verdict()));
        long unfairMaxMs = TimeUnit.NANOSECONDS.toMillis(unfairRun.maxWaitNanos());

        String cost = tracing ? "not measured (tracing)" : unfairRun.throughput() > 0
                ? String.format(Locale.ROOT, "%.0f%%", 100.0 * fairRun.throughput() / unfairRun.throughput())
                : "n/a";
        String length = tracing ? TRACE_ACQUISITIONS + " acquisitions per thread (tracing)"
                : millis + " ms per variant";
        return new Report(name(), "threads=" + threads + " on " + Runtime.getRuntime().availableProcessors()
                + " cores, " + length + ", work=" + work + " steps inside and outside the lock",
                variants, List.of(
                "Unfair: unlock() frees the lock and wakes one waiter; the releasing thread, back after a short",
                "pause, takes the lock again before the woken thread runs. Running threads keep it; a parked one",
                "may wait while the others acquire it thousands of times (a bypassed wait). Shares can still look",
                "even over a whole run, and p50/p99 look perfect: the starvation is in the max wait and the bypasses.",
                "FairLock hands the lock to the longest waiter at unlock (no barging, not even by tryLock): a",
                "queued waiter is overtaken at most by the threads ahead of it (a larger 'max overtakes' means the",
                "OS descheduled a thread inside lock() before it joined the queue). The cost is the lock convoy: every",
                "hand-off waits for a parked thread to run; here FairLock's throughput was " + cost + " of the",
                "unfair lock's. STARVED: a thread under " + (int) (SHARE_FLOOR * 100) + "% of the fair share, or "
                        + BYPASSED_WAITS_BOUND + "+ waits each overtaken " + BYPASS + "+ times.",
                "An unfair lock that starves no one in a run is INCONCLUSIVE, not CORRECT.",
                "Waits are nanoTime around lock() for every variant; FairLock's 'own' figures are its WaitStats.",
                "Live: a StarvationMonitor (threshold " + threshold.toMillis() + " ms, a twentieth of the run; a check every "
                        + StarvationWatch.period(threshold).toMillis() + " ms) watches",
                "FairLock during its run and flags each wait past the threshold while it lasts: 'flagged' counts",
                "them, 'flagged max ms' is how long the longest had lasted when flagged (not its full length: that",
                "is 'own max ms', from WaitStats, once the wait is over). A FairLock waiter is flagged only when",
                "the threads ahead of it, or a holder kept off a core, take that long. The ReentrantLock rows show",
                "'-': the monitor sees only Interlock locks (TrackedLock), so they cannot be watched. Here the unfair",
                "lock's longest wait was " + unfairMaxMs + " ms, " + (unfairMaxMs >= threshold.toMillis()
                        ? "past the threshold, and no monitor could see it while it lasted." : "under the threshold.")));
    }

    /**
     * A lock under test and how to describe it.
     *
     * @param handOff what its unlock does when threads are queued, for the trace
     * @param tracked the lock as the starvation monitor sees it, or null if it cannot be watched
     */
    private record Contender(String name, String target, Lock lock, BooleanSupplier queued, boolean fair,
                             String handOff, TrackedLock tracked) {
    }

    /** A measured run, before its verdict. */
    private record Run(Variant.Builder variant, Verdict verdict, double throughput, long maxWaitNanos,
                       StarvationWatch watch) {
    }

    /** Per-thread results, written by that thread only, read after the run. */
    private static final class ThreadStats {
        long acquisitions;
        long maxWaitNanos;
        long maxOvertakes;
        long bypassedWaits;
        long sink; // defeats dead-code elimination of the busy work
    }

    /** The shared state the lock guards. */
    private static final class Shared {
        volatile long sequence; // written under the lock; read racily before lock() for overtakes
        long sink;              // guarded by the lock
    }

    private Run measure(Contender c, int threads, int millis, int work, long limit, Duration timeBox,
                        Duration threshold, Tracer tracer) throws InterruptedException {
        tracer.phase(c.name());
        Lock lock = c.lock();
        Shared shared = new Shared();
        WaitStats waits = new WaitStats();
        ThreadStats[] stats = new ThreadStats[threads];
        for (int i = 0; i < threads; i++) {
            stats[i] = new ThreadStats();
        }
        long runNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        boolean tracing = tracer.enabled();
        AtomicInteger arrived = new AtomicInteger();
        StarvationWatch watch = c.tracked() == null ? null : new StarvationWatch(c.tracked(), threshold, tracer);
        Workers.Result result;
        try {
            result = Workers.run("T", threads, timeBox, index -> {
                ThreadStats mine = stats[index];
                long deadline = System.nanoTime() + runNanos;
                if (tracing) {
                    // Tiny traced runs: spin at a start line so that the threads really contend (waking
                    // from the lab's start latch can take longer than a thread's whole run).
                    arrived.incrementAndGet();
                    while (arrived.get() < threads && System.nanoTime() - deadline < 0) {
                        Thread.onSpinWait();
                    }
                }
                while (mine.acquisitions < limit && System.nanoTime() - deadline < 0) {
                    long start = System.nanoTime();
                    long seenBefore = shared.sequence;
                    if (tracing) {
                        acquireTraced(c, tracer);
                    } else {
                        lock.lock();
                    }
                    long waited = System.nanoTime() - start;
                    long mySequence;
                    try {
                        mySequence = shared.sequence + 1;
                        shared.sequence = mySequence;
                        shared.sink += busy(work, mySequence);
                        if (tracing) {
                            long others = mySequence - seenBefore - 1;
                            tracer.reply(c.target(), "acquired, " + others + (others == 1 ? " other" : " others")
                                    + " first");
                            // Sent before the unlock, so that it precedes the next holder's "acquired".
                            tracer.send(c.target(), c.queued().getAsBoolean() ? c.handOff() : "unlock");
                        }
                    } finally {
                        lock.unlock();
                    }
                    waits.recordWait(waited);
                    long overtakes = Math.max(0, mySequence - seenBefore - 1);
                    mine.acquisitions++;
                    mine.maxWaitNanos = Math.max(mine.maxWaitNanos, waited);
                    mine.maxOvertakes = Math.max(mine.maxOvertakes, overtakes);
                    if (overtakes >= BYPASS) {
                        mine.bypassedWaits++;
                    }
                    mine.sink += busy(work, mine.acquisitions);
                }
            });
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
        if (watch != null) {
            watched.accept(watch);
        }
        return summarize(c, stats, waits, result, watch);
    }

    /** Trace-mode acquisition: shows whether the thread had to wait. */
    private static void acquireTraced(Contender c, Tracer tracer) throws InterruptedException {
        tracer.send(c.target(), "lock");
        // tryLock(0, unit) honours each lock's fairness (the untimed tryLock of ReentrantLock(true) barges).
        if (!c.lock().tryLock(0, TimeUnit.NANOSECONDS)) {
            tracer.note("blocked" + (c.queued().getAsBoolean() ? ", others queued" : ""));
            c.lock().lock();
        }
    }

    /** A few arithmetic steps the JIT cannot remove. */
    private static long busy(int steps, long seed) {
        long x = seed;
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    private static Run summarize(Contender c, ThreadStats[] stats, WaitStats waits, Workers.Result result,
                                 StarvationWatch watch) {
        int n = stats.length;
        long total = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        double squares = 0;
        long maxWait = 0;
        long maxOvertakes = 0;
        long bypassed = 0;
        long bypassedOfLeastServed = 0; // the bypassed waits of the thread with the fewest acquisitions
        for (ThreadStats s : stats) {
            total += s.acquisitions;
            if (s.acquisitions < min) {
                bypassedOfLeastServed = s.bypassedWaits;
            }
            min = Math.min(min, s.acquisitions);
            max = Math.max(max, s.acquisitions);
            squares += (double) s.acquisitions * s.acquisitions;
            maxWait = Math.max(maxWait, s.maxWaitNanos);
            maxOvertakes = Math.max(maxOvertakes, s.maxOvertakes);
            bypassed += s.bypassedWaits;
        }
        double mean = (double) total / n;
        double minShare = mean == 0 ? 0 : min / mean;
        double jain = squares == 0 ? 0 : (double) total * total / (n * squares);
        WaitStats.Snapshot w = waits.snapshot();
        double elapsedMs = result.elapsedNanos() / 1_000_000.0;
        double throughput = elapsedMs == 0 ? 0 : total / elapsedMs;

        Variant.Builder v = Variant.named(c.name())
                .metric("acquisitions", total)
                .metric("per thread min", min)
                .metric("per thread max", max)
                .metric("min share %", Math.round(minShare * 1000) / 10.0)
                .metric("Jain index", Math.round(jain * 1000) / 1000.0)
                .metric("wait p50 us", w.p50Nanos() / 1_000.0)
                .metric("wait p99 us", w.p99Nanos() / 1_000.0)
                .metric("max wait ms", Math.round(maxWait / 10_000.0) / 100.0)
                .metric("max overtakes", maxOvertakes)
                .metric("bypassed waits", bypassed)
                .metric("ops/ms", Math.round(throughput * 10) / 10.0)
                .metric("ms", result.elapsedMillis());

        // A small share alone can be the OS keeping a thread off a core (on any lock): it counts as
        // starvation only when the lock also bypassed that thread's waits.
        boolean starved = bypassed >= BYPASSED_WAITS_BOUND || (minShare < SHARE_FLOOR && bypassedOfLeastServed > 0);
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null || total == 0) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (starved) {
            verdict = Verdict.STARVED;
        } else {
            verdict = c.fair() ? Verdict.CORRECT : Verdict.INCONCLUSIVE;
        }
        return new Run(v, verdict, throughput, maxWait, watch);
    }
}

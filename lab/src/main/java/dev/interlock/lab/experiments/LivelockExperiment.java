package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.ImmediateRetryPoliteWorker;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.Backoff;
import dev.interlock.liveness.ProgressMonitor;
import dev.interlock.lock.FairLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's livelock: two polite workers each need resources A and B, one takes A first, the
 * other B; each holds its first while it prepares, then, finding the other resource taken, politely
 * puts its own back and retries. Retrying at once ({@link ImmediateRetryPoliteWorker}, broken), they
 * collide on nearly every attempt: busy, never blocked, no progress. Retrying after a
 * {@link Backoff} pause (full jitter), they soon try at different times and finish their tasks.
 * A {@link ProgressMonitor} watches both runs and reports the stall live.
 *
 * <p>Lockstep, the worst case made certain: both workers spin at a start line, and in every attempt
 * the workers that are attempting look at their second resource together, once each holds its
 * first, and give way together, once both have looked (a {@link java.util.concurrent.Phaser}, with a
 * timeout at the end of the time box). So immediate retries collide every time, whatever the OS
 * scheduler does; without the lockstep, on a loaded two-core machine, the collision depends on both
 * workers running at once, and a worker descheduled at the wrong instant lets the other through
 * (measured: 2% to 56% of attempts completing). A backing-off worker leaves the lockstep while it
 * pauses: the other, alone in the corridor, finds both resources free.
 *
 * <p>Verdict: LIVELOCKED when the tasks were not all done within the time box and under
 * {@link #LIVELOCK_PERCENT}% of at least {@link #MIN_ATTEMPTS} attempts completed a task; CORRECT
 * for the backoff variant when it made progress and was not livelocked (every task done, or the time
 * box ended a run that kept completing tasks: a loaded machine; a backing-off worker that has done
 * no task when the window ends goes on until its first, within the run's 5 s grace); a broken run that finished is
 * INCONCLUSIVE (a livelock that did not happen proves nothing).
 */
public final class LivelockExperiment implements Experiment {

    /** Tasks each worker must complete. */
    private static final int DEFAULT_TASKS = 200;
    /** Arithmetic steps a worker prepares while holding its first resource (about 5 us). */
    private static final int DEFAULT_PREPARE = 20_000;
    /** How long each variant may run. */
    private static final Duration DEFAULT_TIME_BOX = Duration.ofMillis(1_000);
    /** Tasks per worker and attempts traced per worker when tracing. */
    private static final int TRACE_TASKS = 2;
    private static final int TRACED_ATTEMPTS = 4;

    /** A run with fewer completed tasks per hundred attempts than this is livelocked. */
    static final double LIVELOCK_PERCENT = 1.0;
    /** Fewer attempts than this in a run is too few to call it livelocked. */
    static final long MIN_ATTEMPTS = 1_000;
    /** The backoff of the fixed variant: ceiling from 50 us, doubling to 5 ms. */
    static final Backoff BACKOFF = Backoff.exponential(Duration.ofNanos(50_000), Duration.ofMillis(5));
    /** The progress monitor's threshold: busy this long without a completed task is a stall. */
    private static final Duration STALL_AFTER = Duration.ofMillis(100);
    /** How often the progress monitor checks. */
    private static final Duration CHECK_PERIOD = Duration.ofMillis(20);

    @Override
    public String name() {
        return "livelock";
    }

    @Override
    public String summary() {
        return "two polite workers that retry at once collide forever; Backoff (full jitter) lets them finish";
    }

    @Override
    public String optionsHelp() {
        return "--ops tasks per worker (" + DEFAULT_TASKS + "), --size preparation steps held with the first "
                + "resource (" + DEFAULT_PREPARE + "), --time-box per variant (" + DEFAULT_TIME_BOX.toMillis()
                + " ms); always 2 workers";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        boolean tracing = settings.tracing();
        int tasks = settings.ops(tracing ? TRACE_TASKS : DEFAULT_TASKS);
        int prepare = settings.size(DEFAULT_PREPARE);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<String> notes = new ArrayList<>();
        List<Variant> variants = new ArrayList<>();
        Run broken = measure("immediate retry (broken)", false, tasks, prepare, timeBox, tracer);
        Run fixed = measure("Backoff", true, tasks, prepare, timeBox, tracer);
        variants.add(broken.variant());
        variants.add(fixed.variant());

        notes.add("Polite workers: take your first resource, prepare, and if the other resource is taken, put");
        notes.add("yours back and retry. Nobody ever waits while holding, so there is no deadlock; but retrying at");
        notes.add("once, in step, each sees the other's resource taken on nearly every attempt: busy, no progress.");
        notes.add("Here the two look at their second resource at the same instant (a lockstep), the worst case made");
        notes.add("certain; a backing-off worker leaves the lockstep while it pauses.");
        notes.add(String.format(Locale.ROOT, "Measured (immediate retry): %d of %d attempts completed a task (%s%%) in %d ms; "
                        + "the progress monitor reported %d stall(s) of %d+ ms.", broken.completions(), broken.attempts(),
                percent(broken.completions(), broken.attempts()), broken.millis(), broken.stalls(), STALL_AFTER.toMillis()));
        notes.add("Backoff: before each retry, pause a random time in [0, min(5 ms, 50 us * 2^n)] (full jitter); two");
        notes.add("workers that failed together draw different pauses, so one finds both resources free.");
        notes.add(String.format(Locale.ROOT, "Measured (Backoff): %d of %d attempts completed a task (%s%%) in %d ms; "
                        + "%d stall(s) reported.", fixed.completions(), fixed.attempts(),
                percent(fixed.completions(), fixed.attempts()), fixed.millis(), fixed.stalls()));
        notes.add("LIVELOCKED: tasks unfinished in the time box with under " + LIVELOCK_PERCENT + "% of "
                + MIN_ATTEMPTS + "+ attempts completing. One run, not a benchmark.");
        return new Report(name(), "2 workers on " + Runtime.getRuntime().availableProcessors() + " cores, " + tasks
                + " tasks each, " + prepare + " preparation steps, time box " + timeBox.toMillis() + " ms", variants, notes);
    }

    /** A measured variant. */
    private record Run(Variant variant, long attempts, long completions, long stalls, long millis) {
    }

    private Run measure(String name, boolean backoff, int tasks, int prepare, Duration timeBox, Tracer tracer)
            throws InterruptedException {
        tracer.phase(name);
        FairLock a = new FairLock("A");
        FairLock b = new FairLock("B");
        long[] guarded = new long[1];       // guarded by a and b together
        AtomicLong stalls = new AtomicLong();
        AtomicLong firstStallNanos = new AtomicLong(-1);
        ImmediateRetryPoliteWorker[] workers = new ImmediateRetryPoliteWorker[2];
        boolean tracing = tracer.enabled();
        AtomicLong released = new AtomicLong();   // when both workers passed the start line
        AtomicLong registeredAt = new AtomicLong();
        try (ProgressMonitor monitor = ProgressMonitor.builder()
                .stallAfter(STALL_AFTER)
                .period(CHECK_PERIOD)
                .threadName("livelock-progress-monitor")
                .onStall(stall -> {
                    stalls.incrementAndGet();
                    firstStallNanos.compareAndSet(-1, System.nanoTime() - registeredAt.get());
                    tracer.note("progress monitor: no task done for " + stall.stalledFor().toMillis()
                            + " ms, attempts so far: " + stall.busyCount());
                })
                .start()) {
            ProgressMonitor.Point point = monitor.register("tasks");
            registeredAt.set(System.nanoTime());
            AtomicInteger arrived = new AtomicInteger();
            // The lockstep: the workers that are attempting (registered) look at their second
            // resource together, once each holds its first, and give way together, once both looked.
            // A backing-off worker leaves the lockstep while it pauses.
            Phaser corridor = new Phaser(2) {
                @Override
                protected boolean onAdvance(int phase, int parties) {
                    return false;   // never terminate, not even while both workers pause
                }
            };
            long windowNanos = timeBox.toNanos();
            Workers.Result result = Workers.run(i -> i == 0 ? "W1" : "W2", 2, timeBox.plusSeconds(5),
                    Thread.ofPlatform().factory(), index -> {
                        FairLock first = index == 0 ? a : b;
                        FairLock second = index == 0 ? b : a;
                        String firstName = index == 0 ? "A" : "B";
                        String secondName = index == 0 ? "B" : "A";
                        int[] traced = {0};
                        // The listener hears every attempt: the progress point counts them (busy) and
                        // the completed tasks (progress); the first few go to the trace.
                        ImmediateRetryPoliteWorker.Listener listener = new ImmediateRetryPoliteWorker.Listener() {
                            @Override
                            public void attempting() {
                                if (tracing && traced[0] < TRACED_ATTEMPTS) {
                                    tracer.send(firstName, "lock");
                                }
                            }

                            @Override
                            public void tookFirst() {
                                point.busy();   // counted while holding, not between release and retry
                                if (tracing && traced[0] < TRACED_ATTEMPTS) {
                                    tracer.reply(firstName, "locked");
                                }
                            }

                            @Override
                            public void looking() {
                                together(corridor, released.get() + windowNanos);
                            }

                            @Override
                            public void looked(boolean got) {
                                if (got) {
                                    corridor.arrive();   // holds both: waiting here could block the other
                                } else {
                                    together(corridor, released.get() + windowNanos);
                                }
                            }

                            @Override
                            public void gaveWay() {
                                if (tracing && traced[0]++ < TRACED_ATTEMPTS) {
                                    tracer.send(secondName, "tryLock: taken");
                                    tracer.note("gives way: releases " + firstName
                                            + (backoff ? ", backs off" : ", retries at once"));
                                }
                            }

                            @Override
                            public void completed() {
                                point.progress();
                                if (tracing) {
                                    tracer.send(secondName, "tryLock: free");
                                    tracer.note("holds " + firstName + " and " + secondName + ": task done");
                                }
                            }
                        };
                        int steps = prepare;
                        ImmediateRetryPoliteWorker worker = new ImmediateRetryPoliteWorker(first, second, steps,
                                () -> guarded[0]++, listener);
                        workers[index] = worker;
                        Backoff.Attempts pauses = BACKOFF.attempts();
                        arrived.incrementAndGet();
                        while (arrived.get() < 2) {
                            Thread.onSpinWait();   // start line: neither works alone at first
                        }
                        released.compareAndSet(0, System.nanoTime());
                        long deadline = released.get() + windowNanos;
                        try {
                            // A backing-off worker goes on past the window until its first task: a
                            // worker the OS held off a core for the whole window must still show that
                            // backoff makes progress (the Workers time box, 5 s later, bounds it).
                            while (worker.completions() < tasks && (System.nanoTime() - deadline < 0
                                    || backoff && worker.completions() == 0)) {
                                if (!backoff) {
                                    worker.completeOne(deadline);   // the broken loop: retries at once
                                } else if (worker.tryOnce()) {
                                    pauses.reset();
                                } else {
                                    corridor.arriveAndDeregister();   // out of the corridor while pausing
                                    try {
                                        pauses.pause();
                                    } finally {
                                        corridor.register();
                                    }
                                }
                            }
                        } finally {
                            corridor.arriveAndDeregister();   // done: the other goes on alone
                        }
                    });
            long attempts = 0;
            long completions = 0;
            long minCompletions = Long.MAX_VALUE;
            for (ImmediateRetryPoliteWorker w : workers) {
                long done = w == null ? 0 : w.completions();
                attempts += w == null ? 0 : w.attempts();
                completions += done;
                minCompletions = Math.min(minCompletions, done);
            }
            long millis = result.elapsedMillis();
            boolean allDone = minCompletions >= tasks;
            boolean livelocked = !allDone && attempts >= MIN_ATTEMPTS
                    && completions * 100.0 < LIVELOCK_PERCENT * attempts;
            Verdict verdict;
            if (result.firstFailure() != null || !result.finished()) {
                verdict = Verdict.INCONCLUSIVE;
            } else if (guarded[0] != completions) {
                verdict = Verdict.BROKEN;   // the two locks did not exclude each other: must never happen
            } else if (livelocked) {
                verdict = Verdict.LIVELOCKED;
            } else if (backoff && completions > 0) {
                verdict = Verdict.CORRECT;  // progress, at a healthy rate (not livelocked); on a loaded
                                            // machine the time box may end it before the last task
            } else {
                verdict = Verdict.INCONCLUSIVE;
            }
            long firstStall = firstStallNanos.get();
            Variant v = Variant.named(name)
                    .metric("tasks", 2L * tasks)
                    .metric("completed", completions)
                    .metric("attempts", attempts)
                    .metric("completed %", attempts == 0 ? 0.0 : Math.round(100_000.0 * completions / attempts) / 1000.0)
                    .metric("stalls reported", stalls.get())
                    .metric("first stall ms", firstStall < 0 ? "-"
                            : Long.toString(TimeUnit.NANOSECONDS.toMillis(firstStall)))
                    .metric("ms", millis)
                    .verdict(verdict);
            return new Run(v, attempts, completions, stalls.get(), millis);
        }
    }

    /** Waits, at most until {@code deadline}, for the other registered worker to arrive too. */
    private static void together(Phaser corridor, long deadline) {
        try {
            corridor.awaitAdvanceInterruptibly(corridor.arrive(), Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            // the time box is over: the worker stops at its next deadline check
        }
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "0.0" : String.format(Locale.ROOT, "%.3f", 100.0 * part / whole);
    }
}

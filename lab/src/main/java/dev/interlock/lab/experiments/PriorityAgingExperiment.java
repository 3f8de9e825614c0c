package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.AgingPriorityQueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's priority aging (chapter 10, starvation): one worker serves a queue that a producer
 * keeps topped up with urgent jobs (priority 10), while a few background jobs (priority 0) wait. A
 * plain priority queue serves the urgent stream for as long as it lasts and the background jobs
 * starve; an {@link AgingPriorityQueue} raises a job's effective priority by one level per aging step
 * it has waited, so each background job is served within about ten steps.
 *
 * <p>Verdict. A background job is <em>passed over</em> when the queue serves, ahead of it, an urgent
 * job offered more than {@link #OVERTAKE_WINDOW} (ten aging steps: the priority gap) after it: a job
 * that, by aging, should have outranked that newcomer. STARVED when that happened; AgingPriorityQueue
 * guarantees it never does. The rule looks at which job was served, not at the clock: a worker the
 * OS deschedules serves fewer jobs, but passes over none. So that every run can be judged, the stream
 * lasts its time box and, if need be, on until each background job has been served or passed over
 * (at most {@link #GRACE} longer).
 */
public final class PriorityAgingExperiment implements Experiment {

    private static final int URGENT = 10;
    private static final int BACKGROUND = 0;
    private static final int DEFAULT_BACKGROUND_JOBS = 3;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofMillis(800);
    private static final Duration AGING_STEP = Duration.ofMillis(5);
    private static final int TOP_UP = 4; // the producer keeps at least this many urgent jobs queued
    /** An urgent job offered this long after a background job must not be served before it. */
    static final Duration OVERTAKE_WINDOW = AGING_STEP.multipliedBy(URGENT - BACKGROUND);
    /** The longest the stream goes on past its time box for a background job to be served or passed over. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    /** A job: its priority and when it was queued. */
    private record Job(int priority, long seq, long queuedNanos) {
    }

    /** What the experiment needs of a priority queue. */
    private interface Queue {
        void offer(Job job);

        Job poll(long timeoutNanos) throws InterruptedException;

        int size();
    }

    @Override
    public String name() {
        return "priority-aging";
    }

    @Override
    public String summary() {
        return "a stream of urgent jobs starves background jobs in a priority queue; aging serves them within ten steps";
    }

    @Override
    public String optionsHelp() {
        return "--ops background jobs (" + DEFAULT_BACKGROUND_JOBS + "), --time-box how long the urgent stream lasts ("
                + DEFAULT_TIME_BOX.toMillis() + " ms)";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int background = settings.ops(settings.tracing() ? 1 : DEFAULT_BACKGROUND_JOBS);
        Duration stream = settings.timeBox(settings.tracing() ? Duration.ofMillis(100) : DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        PriorityBlockingQueue<Job> plain = new PriorityBlockingQueue<>(16,
                Comparator.comparingInt(Job::priority).reversed().thenComparingLong(Job::seq));
        variants.add(measure("PriorityBlockingQueue (broken)", "PriorityBlockingQueue", new Queue() {
            public void offer(Job job) {
                plain.offer(job);
            }

            public Job poll(long timeoutNanos) throws InterruptedException {
                return plain.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            }

            public int size() {
                return plain.size();
            }
        }, background, stream, tracer));
        AgingPriorityQueue<Job> aging = new AgingPriorityQueue<>(AGING_STEP);
        variants.add(measure("AgingPriorityQueue", "AgingPriorityQueue", new Queue() {
            public void offer(Job job) {
                aging.offer(job, job.priority());
            }

            public Job poll(long timeoutNanos) throws InterruptedException {
                return aging.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            }

            public int size() {
                return aging.size();
            }
        }, background, stream, tracer));

        return new Report(name(), "urgent stream for " + stream.toMillis() + " ms (priority " + URGENT
                + "), background jobs=" + background + " (priority " + BACKGROUND + "), aging step="
                + AGING_STEP.toMillis() + " ms", variants, List.of(
                "A priority queue always serves the most urgent job: while urgent jobs keep coming, a",
                "background job waits for the whole stream (starvation: its wait grows with the run).",
                "AgingPriorityQueue ranks by priority + waited / step, so a background job overtakes",
                "urgent jobs queued more than (10 - 0) steps after it: it waits about 10 steps, however",
                "long the stream. STARVED: an urgent job offered more than " + OVERTAKE_WINDOW.toMillis() + " ms after a waiting",
                "background job was served before it (passed over). The stream runs for its time box and, if",
                "need be, until each background job has been served or passed over."));
    }

    private Variant measure(String name, String target, Queue queue, int background, Duration stream,
                            Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        AtomicLong seq = new AtomicLong();
        long start = System.nanoTime();
        long streamEnd = start + stream.toNanos();
        long hardEnd = streamEnd + GRACE.toNanos();
        // offeredBy[b]: read after background job b's offer returned, so never before the queue's own
        // clock read for it; an urgent job's queuedNanos is read before its offer, so never after.
        long[] offeredBy = new long[background];
        boolean[] served = new boolean[background];
        for (int b = 0; b < background; b++) {
            queue.offer(new Job(BACKGROUND, seq.getAndIncrement(), System.nanoTime()));
            offeredBy[b] = System.nanoTime();
            tracer.send(target, "offer background job");
        }
        long window = OVERTAKE_WINDOW.toNanos();
        long urgentServed = 0;
        long backgroundServedInStream = 0;
        long passedOver = 0;
        long maxBackgroundWaitNanos = 0;
        // The worker: this thread serves one job at a time and tops the urgent stream up before each.
        // After the time box it goes on while a background job waits that was neither served nor
        // passed over: each run then shows one or the other, however the OS scheduled the worker.
        while (System.nanoTime() - streamEnd < 0
                || backgroundServedInStream < background && passedOver == 0 && System.nanoTime() - hardEnd < 0) {
            while (queue.size() < TOP_UP + background) {
                queue.offer(new Job(URGENT, seq.getAndIncrement(), System.nanoTime()));
            }
            Job job = queue.poll(TimeUnit.MILLISECONDS.toNanos(100));
            if (job == null) {
                continue;
            }
            long waited = System.nanoTime() - job.queuedNanos();
            if (job.priority() == BACKGROUND) {
                served[(int) job.seq()] = true;
                backgroundServedInStream++;
                maxBackgroundWaitNanos = Math.max(maxBackgroundWaitNanos, waited);
                tracer.reply(target, "background job served after " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            } else {
                urgentServed++;
                for (int b = 0; b < background; b++) {
                    if (!served[b] && job.queuedNanos() - offeredBy[b] > window) {
                        passedOver++;   // served ahead of a background job that had outranked it
                        if (passedOver == 1) {
                            tracer.note("urgent job served ahead of a background job offered "
                                    + TimeUnit.NANOSECONDS.toMillis(job.queuedNanos() - offeredBy[b]) + " ms before it");
                        }
                        break;
                    }
                }
                if (urgentServed <= 3) {
                    tracer.reply(target, "urgent job served");
                }
            }
            work();
        }
        // After the stream: whatever background jobs are left are served now; their wait is the run.
        long backgroundLeft = 0;
        for (Job job; (job = queue.poll(0)) != null; ) {
            if (job.priority() == BACKGROUND) {
                backgroundLeft++;
                maxBackgroundWaitNanos = Math.max(maxBackgroundWaitNanos, System.nanoTime() - job.queuedNanos());
                tracer.reply(target, "background job served only after the stream");
            }
        }
        long elapsed = System.nanoTime() - start;
        Verdict verdict;
        if (passedOver > 0) {
            verdict = Verdict.STARVED;
        } else if (backgroundLeft > 0 || name.contains("(broken)")) {
            // neither served nor passed over within the grace (a worker stalled for seconds), or a plain
            // priority queue that passed nothing over: proves nothing
            verdict = Verdict.INCONCLUSIVE;
        } else {
            verdict = Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("urgent served", urgentServed)
                .metric("background served in stream", backgroundServedInStream)
                .metric("background left at end", backgroundLeft)
                .metric("passed over", passedOver)
                .metric("max background wait ms", TimeUnit.NANOSECONDS.toMicros(maxBackgroundWaitNanos) / 1000.0)
                .metric("ms", TimeUnit.NANOSECONDS.toMillis(elapsed))
                .verdict(verdict);
    }

    /** A job's work: a few microseconds of arithmetic. */
    private static long sink;

    private static void work() {
        long x = sink + 1;
        for (int i = 0; i < 2_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
    }
}

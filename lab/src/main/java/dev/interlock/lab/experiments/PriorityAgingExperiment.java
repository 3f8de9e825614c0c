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
 */
public final class PriorityAgingExperiment implements Experiment {

    private static final int URGENT = 10;
    private static final int BACKGROUND = 0;
    private static final int DEFAULT_BACKGROUND_JOBS = 3;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofMillis(800);
    private static final Duration AGING_STEP = Duration.ofMillis(5);
    private static final int TOP_UP = 4; // the producer keeps at least this many urgent jobs queued

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
                "long the stream. STARVED: a background job not served while the stream ran."));
    }

    private Variant measure(String name, String target, Queue queue, int background, Duration stream,
                            Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        AtomicLong seq = new AtomicLong();
        long start = System.nanoTime();
        long streamEnd = start + stream.toNanos();
        for (int b = 0; b < background; b++) {
            queue.offer(new Job(BACKGROUND, seq.getAndIncrement(), System.nanoTime()));
            tracer.send(target, "offer background job");
        }
        long urgentServed = 0;
        long backgroundServedInStream = 0;
        long maxBackgroundWaitNanos = 0;
        // The worker: this thread serves one job at a time and tops the urgent stream up before each.
        while (System.nanoTime() - streamEnd < 0) {
            while (queue.size() < TOP_UP + background) {
                queue.offer(new Job(URGENT, seq.getAndIncrement(), System.nanoTime()));
            }
            Job job = queue.poll(TimeUnit.MILLISECONDS.toNanos(100));
            if (job == null) {
                continue;
            }
            long waited = System.nanoTime() - job.queuedNanos();
            if (job.priority() == BACKGROUND) {
                backgroundServedInStream++;
                maxBackgroundWaitNanos = Math.max(maxBackgroundWaitNanos, waited);
                tracer.reply(target, "background job served after " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
            } else {
                urgentServed++;
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
        if (backgroundLeft > 0) {
            verdict = Verdict.STARVED;
        } else if (name.contains("(broken)")) {
            verdict = Verdict.INCONCLUSIVE; // a plain priority queue that served them proves nothing
        } else {
            verdict = Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("urgent served", urgentServed)
                .metric("background served in stream", backgroundServedInStream)
                .metric("background left at end", backgroundLeft)
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

package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thread-pool experiment's verdicts with small settings. Every correct variant runs every task
 * exactly once (or, after shutdownNow, returns the rest); the dying-worker pool is caught every time,
 * because its failure is deterministic, not a race: one in 50 tasks throws, in id order, so with 3
 * workers and 600 tasks the third failure (task 149) leaves no worker and at least 450 tasks unrun.
 */
class ThreadPoolExperimentTest {

    private static final int THREADS = 3;
    private static final int TASKS = 600;
    private static final long FAILURES = TASKS / 50;

    private static Map<String, Variant> run(Settings settings) throws InterruptedException {
        Report report = new ThreadPoolExperiment().run(settings, Tracer.OFF);
        assertThat(report.experiment()).isEqualTo("thread-pool");
        return report.variants().stream().collect(Collectors.toMap(Variant::name, Function.identity()));
    }

    private static Settings small() {
        return new Settings(THREADS, TASKS, null, null, 42L, false);
    }

    @Test
    void everyCorrectVariantRunsEveryTaskExactlyOnce() throws InterruptedException {
        Map<String, Variant> variants = run(small());
        for (String name : new String[] {"thread-per-task", "FixedThreadPool", "ThreadPoolExecutor",
                "virtual-thread-per-task"}) {
            Variant v = variants.get(name);
            assertThat(v.verdict()).as(name + ": " + v.metrics()).isEqualTo(Verdict.CORRECT);
            assertThat(v.metrics()).containsEntry("tasks", (long) TASKS).containsEntry("ran", (long) TASKS)
                    .containsEntry("failed", FAILURES).containsEntry("lost", 0L).containsEntry("doubled", 0L)
                    .containsEntry("checksum", "ok");
        }
    }

    @Test
    void threadsCreatedShowPerTaskThreadsAPoolThatKeepsItsWorkersAndOneThatReplacesThem()
            throws InterruptedException {
        Map<String, Variant> variants = run(small());
        assertThat(variants.get("thread-per-task").metrics()).containsEntry("threads", (long) TASKS);
        assertThat(variants.get("virtual-thread-per-task").metrics()).containsEntry("threads", (long) TASKS);
        assertThat(variants.get("FixedThreadPool").metrics()).containsEntry("threads", (long) THREADS)
                .containsEntry("pool at end", (long) THREADS);
        // ThreadPoolExecutor: a worker killed by a task's exception is replaced by a new thread.
        assertThat(variants.get("ThreadPoolExecutor").metrics()).containsEntry("threads", THREADS + FAILURES)
                .containsEntry("pool at end", (long) THREADS);
    }

    @Test
    void dyingWorkerPoolShrinksToNothingAndLosesTheRestOfTheBatch() throws InterruptedException {
        Variant v = run(small()).get("dying workers (broken)");
        assertThat(v.verdict()).as(v.metrics().toString()).isEqualTo(Verdict.BROKEN);
        assertThat(v.metrics()).containsEntry("pool at end", 0L).containsEntry("failed", (long) THREADS)
                .containsEntry("threads", (long) THREADS).containsEntry("ran", 150L).containsEntry("lost", 450L);
    }

    @Test
    void shutdownNowAccountsForEveryTaskAsRunOrReturned() throws InterruptedException {
        Variant v = run(small()).get("FixedThreadPool, shutdownNow");
        assertThat(v.verdict()).as(v.metrics().toString()).isEqualTo(Verdict.CORRECT);
        long ran = (long) v.metrics().get("ran");
        long returned = (long) v.metrics().get("returned");
        assertThat(ran + returned).isEqualTo(TASKS);
        assertThat(v.metrics()).containsEntry("lost", 0L).containsEntry("doubled", 0L)
                .containsEntry("threads", (long) THREADS);
    }

    @Test
    void aBoundedQueueWithCallerRunsStillRunsEveryTaskOnce() throws InterruptedException {
        Map<String, Variant> variants = run(new Settings(2, TASKS, 2, null, 42L, false));
        for (String name : new String[] {"FixedThreadPool", "ThreadPoolExecutor"}) {
            Variant v = variants.get(name);
            assertThat(v.verdict()).as(name + ": " + v.metrics()).isEqualTo(Verdict.CORRECT);
            assertThat(v.metrics()).containsEntry("ran", (long) TASKS).containsEntry("lost", 0L);
        }
        assertThat(variants.get("FixedThreadPool").metrics()).containsEntry("threads", 2L);
    }

    @Test
    void traceShowsTheDyingWorkersAndTheShutdownNowOnTinySettings() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(1_000, 60);
        Report report = new ThreadPoolExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(report.setup()).contains("tasks=8", "pool threads=2");
        assertThat(report.variants().stream().filter(v -> !v.name().contains("(broken)")))
                .allSatisfy(v -> assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT));
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .contains("thread-per-task", "dying workers (broken)", "FixedThreadPool", "FixedThreadPool, shutdownNow",
                        "ThreadPoolExecutor", "virtual-thread-per-task",
                        "execute task-0", "task-2 throws", "uncaught: task-2 failed: this worker dies",
                        "uncaught: task-2 failed: this worker goes on", "shutdownNow");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::actor).contains("submitter", "worker-1");
    }
}

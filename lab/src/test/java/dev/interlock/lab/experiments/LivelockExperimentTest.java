package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.interlock.lab.experiments.BankTransferExperimentTest.variant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The livelock experiment: Backoff always finishes (CORRECT, no stall reported); the immediate retry
 * is never CORRECT, and its verdict follows the documented rule, with the progress monitor's report
 * whenever it is LIVELOCKED for longer than the stall threshold.
 */
class LivelockExperimentTest {

    private static final List<String> METRICS = List.of("tasks", "completed", "attempts", "completed %",
            "stalls reported", "first stall ms", "ms");

    private final LivelockExperiment experiment = new LivelockExperiment();
    private final Settings settings = new Settings(null, null, null, Duration.ofMillis(600), 42L, false);

    @Test
    void backoffMakesProgressAtAHealthyRate() throws InterruptedException {
        Report report = experiment.run(settings, Tracer.OFF);
        assertThat(report.variants()).extracting(Variant::name).containsExactly("immediate retry (broken)", "Backoff");
        Variant v = variant(report, "Backoff");
        assertThat(v.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(v.metrics()).containsKeys(METRICS.toArray(String[]::new));
        long completed = (Long) v.metrics().get("completed");
        long attempts = (Long) v.metrics().get("attempts");
        assertThat(attempts).isGreaterThanOrEqualTo(completed);
        // Every task, or (time box cut short on a loaded machine) a completion rate no livelock has.
        assertThat(completed).isPositive();
        assertThat(completed == (Long) v.metrics().get("tasks")
                || completed * 100.0 >= LivelockExperiment.LIVELOCK_PERCENT * attempts).isTrue();
    }

    /**
     * A window too short for any task stands for a worker the OS held off a core for the whole time
     * box (a CI failure: Backoff INCONCLUSIVE with nothing done): each backing-off worker still goes on
     * to its first task, so Backoff shows progress whatever the scheduling.
     */
    @Test
    void backoffShowsProgressEvenWhenItsWindowEndsBeforeAnyTask() throws InterruptedException {
        Report report = experiment.run(new Settings(2, 200, 4, Duration.ofNanos(1), 7L, false), Tracer.OFF);
        Variant v = variant(report, "Backoff");
        assertThat(v.verdict()).as(v.metrics().toString()).isEqualTo(Verdict.CORRECT);
        assertThat((Long) v.metrics().get("completed")).isGreaterThanOrEqualTo(2L); // one per worker at least
    }

    @Test
    void immediateRetryIsNeverCorrectAndItsVerdictFollowsTheRule() throws InterruptedException {
        Report report = experiment.run(settings, Tracer.OFF);
        Variant v = variant(report, "immediate retry (broken)");
        assertThat(v.metrics()).containsKeys(METRICS.toArray(String[]::new));
        assertThat(v.verdict()).isIn(Verdict.LIVELOCKED, Verdict.INCONCLUSIVE);
        long attempts = (Long) v.metrics().get("attempts");
        long completed = (Long) v.metrics().get("completed");
        boolean livelocked = completed < (Long) v.metrics().get("tasks")
                && attempts >= LivelockExperiment.MIN_ATTEMPTS
                && completed * 100.0 < LivelockExperiment.LIVELOCK_PERCENT * attempts;
        assertThat(v.verdict() == Verdict.LIVELOCKED).isEqualTo(livelocked);
    }

    @Test
    void traceHasAPhasePerVariantAndShowsWorkersGivingWay() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(400, 60);
        Report report = experiment.run(settings.withTracing(true), recorder);
        assertThat(variant(report, "Backoff").verdict()).isEqualTo(Verdict.CORRECT);
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence("immediate retry (broken)", "Backoff")
                .contains("->>A: lock", "A-->>W1: locked", "tryLock: free", "task done");
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PriorityAgingExperimentTest {

    @Test
    void aPlainPriorityQueueStarvesBackgroundJobsAndAgingServesThemDuringTheStream() throws Exception {
        Report r = new PriorityAgingExperiment().run(new Settings(null, 3, null, Duration.ofMillis(600), 1L, false),
                Tracer.OFF);
        Variant plain = r.variants().get(0);
        Variant aging = r.variants().get(1);
        // The worker always finds urgent jobs queued, so the plain queue cannot reach priority 0; the
        // stream goes on until it has served an urgent job ahead of one it should not have.
        assertThat(plain.verdict()).isEqualTo(Verdict.STARVED);
        assertThat((long) plain.metrics().get("passed over")).isPositive();
        assertThat(plain.metrics().get("background served in stream")).isEqualTo(0L);
        assertThat(plain.metrics().get("background left at end")).isEqualTo(3L);
        // Aging never passes a background job over, however the worker is scheduled, and the stream
        // goes on until each is served.
        assertThat(aging.verdict()).as(aging.metrics().toString()).isEqualTo(Verdict.CORRECT);
        assertThat(aging.metrics()).containsEntry("passed over", 0L).containsEntry("background left at end", 0L);
        assertThat(aging.metrics().get("background served in stream")).isEqualTo(3L);
        assertThat((long) aging.metrics().get("urgent served")).isPositive();
    }

    @Test
    void traceShowsTheBackgroundJobsFate() throws Exception {
        TraceRecorder recorder = new TraceRecorder(2_000, 200); // per phase, as the lab does
        new PriorityAgingExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .contains("offer background job", "background job served only after the stream")
                .anySatisfy(t -> assertThat(t).startsWith("background job served after"));
    }
}

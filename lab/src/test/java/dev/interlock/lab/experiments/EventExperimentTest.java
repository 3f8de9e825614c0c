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

class EventExperimentTest {

    @Test
    void correctEventsMissNoWakeUpAndTheBrokenOneIsCalledBrokenOnlyWhenItMissed() throws Exception {
        Report r = new EventExperiment().run(new Settings(2, 500, null, Duration.ofSeconds(20), 1L, false), Tracer.OFF);
        assertThat(r.variants()).extracting(Variant::name)
                .containsExactly("check-then-park (broken)", "Event", "CountDownLatch");
        for (Variant v : r.variants()) {
            long missed = (long) v.metrics().get("missed wake-ups");
            if (v.name().contains("(broken)")) {
                assertThat(v.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
                assertThat(v.verdict() == Verdict.BROKEN).isEqualTo(missed > 0);
            } else {
                assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT);
                assertThat(missed).as(v.name()).isZero();
                assertThat(v.metrics().get("rounds")).isEqualTo(500L);
                assertThat(v.metrics().get("awaits")).isEqualTo(1_000L);
            }
        }
    }

    @Test
    void traceShowsAwaitsAndSetsPerVariant() throws Exception {
        TraceRecorder recorder = new TraceRecorder(2_000, 200); // per phase, as the lab does
        Report r = new EventExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(r.setup()).contains("rounds=2");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text).contains("await", "set", "released");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::other).contains("Event", "CountDownLatch");
        assertThat(r.variants()).filteredOn(v -> !v.name().contains("broken"))
                .extracting(Variant::verdict).containsOnly(Verdict.CORRECT);
    }
}

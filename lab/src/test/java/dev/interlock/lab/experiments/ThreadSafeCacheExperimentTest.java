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

class ThreadSafeCacheExperimentTest {

    @Test
    void readMostlyCacheLoadsEveryKeyOnceOnEveryLockAndTheNaiveCacheIsNeverCalledCorrect() throws Exception {
        Report r = new ThreadSafeCacheExperiment().run(new Settings(4, 2, 500, Duration.ofSeconds(30), 1L, false), Tracer.OFF);
        assertThat(r.variants()).hasSize(5);
        for (Variant v : r.variants()) {
            long extra = (long) v.metrics().get("extra loads");
            if (v.name().contains("(broken)")) {
                assertThat(v.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
                assertThat(v.verdict() == Verdict.BROKEN).isEqualTo(extra > 0);
            } else {
                assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT);
                assertThat(extra).as(v.name()).isZero();
                assertThat(v.metrics().get("loads")).as(v.name()).isEqualTo(500L);
                assertThat(v.metrics().get("lookups")).as(v.name()).isEqualTo(4_000L);
            }
        }
    }

    @Test
    void traceShowsLookupsAndLoadsPerVariant() throws Exception {
        TraceRecorder recorder = new TraceRecorder(2_000, 200); // per phase, as the lab does
        Report r = new ThreadSafeCacheExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(r.setup()).contains("keys=3");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .contains("computeIfAbsent(0)", "loads 0");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::other).contains("ReadMostlyCache");
        assertThat(r.variants()).filteredOn(v -> !v.name().contains("broken"))
                .extracting(Variant::verdict).containsOnly(Verdict.CORRECT);
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StripedMapExperimentTest {

    @Test
    void everyMergeVariantCountsExactlyAndGetThenPutIsNeverCalledCorrect() throws Exception {
        Report r = new StripedMapExperiment().run(new Settings(4, 20_000, 50, null, 1L, false), Tracer.OFF);
        assertThat(r.variants().stream().map(Variant::name).toList()).containsExactly(
                "get-then-put (broken)", "synchronizedMap(HashMap)", "StripedHashMap(1)", "StripedHashMap(4)",
                "StripedHashMap(16)", "StripedHashMap(64)", "ConcurrentHashMap");
        for (Variant v : r.variants()) {
            long increments = (long) v.metrics().get("increments");
            // half of 80,000 operations, drawn at random: far from 0 and from 80,000
            assertThat(increments).as(v.name()).isBetween(30_000L, 50_000L);
            if (v.name().contains("(broken)")) {
                // It loses counts on almost every run; when it does not, the lab says so.
                assertThat(v.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
                assertThat(v.verdict() == Verdict.BROKEN).isEqualTo((long) v.metrics().get("wrong keys") != 0);
            } else {
                assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT);
                assertThat(v.metrics()).containsEntry("counted", increments).containsEntry("lost", 0L)
                        .containsEntry("wrong keys", 0L).containsEntry("size right", true);
            }
        }
    }

    @Test
    void theSameSeedDrawsTheSameOperations() throws Exception {
        Settings settings = new Settings(2, 1_000, 10, null, 5L, false);
        List<Object> first = increments(new StripedMapExperiment().run(settings, Tracer.OFF));
        List<Object> second = increments(new StripedMapExperiment().run(settings, Tracer.OFF));
        assertThat(second).isEqualTo(first);
        assertThat(first).containsOnly(first.get(0)); // every variant ran the same operations
    }

    private static List<Object> increments(Report r) {
        return r.variants().stream().map(v -> v.metrics().get("increments")).toList();
    }
}

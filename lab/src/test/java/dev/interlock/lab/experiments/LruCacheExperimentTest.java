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
 * The lru-cache experiment's verdicts with small settings: both caches stay within their capacity,
 * LruCache's statistics add up, and both see the same access sequence.
 */
class LruCacheExperimentTest {

    private static Map<String, Variant> run(Settings settings) throws InterruptedException {
        Report report = new LruCacheExperiment().run(settings, Tracer.OFF);
        assertThat(report.experiment()).isEqualTo("lru-cache");
        return report.variants().stream().collect(Collectors.toMap(Variant::name, Function.identity()));
    }

    @Test
    void bothCachesStayWithinCapacityAndAreCorrect() throws InterruptedException {
        Map<String, Variant> variants = run(new Settings(2, 20_000, 50, null, 42L, false));
        assertThat(variants).containsOnlyKeys("global-lock LinkedHashMap", "LruCache");
        for (Variant v : variants.values()) {
            assertThat(v.verdict()).as(v.name() + ": " + v.metrics()).isEqualTo(Verdict.CORRECT);
            assertThat(v.metrics()).containsEntry("reads", 40_000L).containsEntry("max size", 50L);
            assertThat((double) v.metrics().get("hit %")).isBetween(1.0, 99.0);
            assertThat((long) v.metrics().get("evictions")).isPositive();
        }
        assertThat(variants.get("LruCache").metrics()).containsEntry("stats", "ok");
        assertThat(variants.get("global-lock LinkedHashMap").metrics()).containsEntry("dropped", 0L);
    }

    @Test
    void oneThreadGivesBothCachesTheSameHitsAndEvictions() throws InterruptedException {
        // From one thread LruCache's order is exact LRU: the same sequence gives the same counts.
        Map<String, Variant> variants = run(new Settings(1, 20_000, 50, null, 7L, false));
        Variant lhm = variants.get("global-lock LinkedHashMap");
        Variant ours = variants.get("LruCache");
        assertThat(ours.metrics().get("hit %")).isEqualTo(lhm.metrics().get("hit %"));
        assertThat(ours.metrics().get("evictions")).isEqualTo(lhm.metrics().get("evictions"));
        assertThat(ours.metrics()).containsEntry("dropped", 0L);
    }

    @Test
    void traceShowsGetsMissesPutsAndEvictionsOfBothCaches() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(1_000, 60);
        Report report = new LruCacheExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(report.setup()).contains("capacity=2");
        assertThat(report.variants()).allSatisfy(v -> assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT));
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .contains("global-lock LinkedHashMap", "LruCache", "miss");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .anySatisfy(t -> assertThat(t).startsWith("get "))
                .anySatisfy(t -> assertThat(t).startsWith("put "));
        assertThat(recorder.events()).extracting(TraceRecorder.Event::actor).contains("R1", "R2");
    }
}

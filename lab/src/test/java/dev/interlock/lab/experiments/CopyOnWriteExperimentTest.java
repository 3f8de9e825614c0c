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
 * The copy-on-write experiment with small settings: the snapshot lists never fail an iteration and
 * end in the right state; the lists without snapshots are never called correct, and when they fail
 * the failures are counted.
 */
class CopyOnWriteExperimentTest {

    private static Map<String, Variant> run(Settings settings) throws InterruptedException {
        Report report = new CopyOnWriteExperiment().run(settings, Tracer.OFF);
        assertThat(report.experiment()).isEqualTo("copy-on-write");
        return report.variants().stream().collect(Collectors.toMap(Variant::name, Function.identity()));
    }

    private static Settings small() {
        return new Settings(2, 3_000, 8, null, 42L, false);
    }

    @Test
    void snapshotListsIterateOnlyRealStatesAndEndRight() throws InterruptedException {
        Map<String, Variant> variants = run(small());
        for (String name : new String[] {"CopyOnWriteList", "CopyOnWriteArrayList"}) {
            Variant v = variants.get(name);
            assertThat(v.verdict()).as(name + ": " + v.metrics()).isEqualTo(Verdict.CORRECT);
            assertThat(v.metrics()).containsEntry("cme", 0L).containsEntry("torn", 0L)
                    .containsEntry("other exceptions", 0L).containsEntry("end state", "ok");
            assertThat((long) v.metrics().get("clean")).isEqualTo((long) v.metrics().get("iterations")).isPositive();
        }
    }

    @Test
    void listsWithoutSnapshotsAreNeverCalledCorrectAndTheirFailuresAreCounted() throws InterruptedException {
        Map<String, Variant> variants = run(small());
        for (String name : new String[] {"ArrayList (broken)", "synchronizedList, unlocked iteration (broken)"}) {
            Variant v = variants.get(name);
            assertThat(v.verdict()).as(name + ": " + v.metrics()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
            long failures = (long) v.metrics().get("cme") + (long) v.metrics().get("torn")
                    + (long) v.metrics().get("other exceptions");
            assertThat(v.verdict() == Verdict.BROKEN).as(name + ": " + v.metrics()).isEqualTo(failures > 0);
            // One writer: it never races itself, so the list ends right even when iterations failed.
            assertThat(v.metrics()).containsEntry("end state", "ok");
        }
    }

    @Test
    void traceShowsTheWritesAndTheIterationsOfEveryVariant() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(1_000, 60);
        Report report = new CopyOnWriteExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(report.setup()).isEqualTo("readers=1, writes=6, window=3");
        assertThat(report.variants().stream().filter(v -> !v.name().contains("(broken)")))
                .allSatisfy(v -> assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT));
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text)
                .contains("ArrayList (broken)", "CopyOnWriteList", "CopyOnWriteArrayList", "add 1", "add 6",
                        "remove oldest", "iterate");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::actor).contains("writer", "reader-1");
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImmutableConfigExperimentTest {

    @Test
    void theSnapshotIsNeverTornAndNotifiesEveryChangeInOrderAndTheMutableOneIsNeverCalledCorrect() throws Exception {
        Report r = new ImmutableConfigExperiment().run(new Settings(2, 50_000, null, null, 1L, false), Tracer.OFF);
        Variant broken = r.variants().get(0);
        Variant snapshot = r.variants().get(1);
        assertThat(broken.name()).contains("(broken)");
        assertThat(broken.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
        assertThat(broken.verdict() == Verdict.BROKEN).isEqualTo((long) broken.metrics().get("torn") != 0);
        assertThat(snapshot.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(snapshot.metrics())
                .containsEntry("torn", 0L)
                .containsEntry("min>max", 0L)
                .containsEntry("notified", 50_000L)
                .containsEntry("in order", true);
        assertThat((long) snapshot.metrics().get("reads")).isPositive();
    }
}

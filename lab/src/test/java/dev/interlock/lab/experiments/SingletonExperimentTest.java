package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SingletonExperimentTest {

    @Test
    void fixesBuildOneInstancePerTrialOrJvmAndTheNaiveOneIsNeverCalledCorrect() throws Exception {
        Report r = new SingletonExperiment().run(new Settings(4, 300, null, null, 1L, false), Tracer.OFF);
        assertThat(r.variants()).extracting(Variant::name).containsExactly(
                "check-then-create (broken)", "holder idiom", "enum", "Lazy", "SingletonRegistry");
        for (Variant v : r.variants()) {
            long extra = (long) v.metrics().get("extra instances");
            long split = (long) v.metrics().get("split trials");
            if (v.name().contains("(broken)")) {
                // It builds extra instances on most runs; when it does not, the lab says so.
                assertThat(v.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
                assertThat(v.verdict() == Verdict.BROKEN).isEqualTo(extra != 0 || split != 0);
            } else {
                assertThat(v.verdict()).as(v.name()).isEqualTo(Verdict.CORRECT);
                assertThat(extra).as(v.name()).isZero();
                assertThat(split).as(v.name()).isZero();
            }
        }
        assertThat(r.variants().get(3).metrics().get("created")).isEqualTo(300L);
        assertThat(r.variants().get(4).metrics().get("created")).isEqualTo(300L);
        assertThat(r.variants().get(1).metrics().get("JVM total")).isEqualTo(1L);
    }
}

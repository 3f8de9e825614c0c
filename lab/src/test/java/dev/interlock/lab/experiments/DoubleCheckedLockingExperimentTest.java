package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DoubleCheckedLockingExperimentTest {

    @Test
    void lazyIsAlwaysFullyBuiltAndTheNonVolatileOneIsNeverCalledCorrect() throws Exception {
        Report r = new DoubleCheckedLockingExperiment().run(new Settings(2, 2_000, null, null, 1L, false), Tracer.OFF);
        Variant broken = r.variants().get(0);
        Variant lazy = r.variants().get(1);
        assertThat(broken.name()).contains("(broken)");
        // On x86 it is almost always INCONCLUSIVE (nothing observed); BROKEN only with a partial object.
        assertThat(broken.verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
        assertThat(broken.verdict() == Verdict.BROKEN).isEqualTo((long) broken.metrics().get("partial") != 0);
        assertThat(broken.metrics().get("created")).as("the lock still makes one per trial").isEqualTo(2_000L);
        assertThat(lazy.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(lazy.metrics()).containsEntry("partial", 0L).containsEntry("created", 2_000L);
    }

    @Test
    void notesSayWhichJcstressTestShowsTheAllowedOutcomesAndHowToRunIt() throws Exception {
        Report r = new DoubleCheckedLockingExperiment().run(new Settings(2, 10, null, null, 1L, false), Tracer.OFF);
        assertThat(String.join("\n", r.notes()))
                .contains("java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t DoubleCheckedLockingStress");
        assertThat(r.variants().get(0).metrics().get("jcstress")).isEqualTo("DoubleCheckedLockingStress.NonVolatile");
    }
}

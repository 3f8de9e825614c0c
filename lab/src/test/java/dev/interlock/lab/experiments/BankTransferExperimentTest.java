package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bank-transfer experiment's verdicts, with small settings. */
class BankTransferExperimentTest {

    private final BankTransferExperiment experiment = new BankTransferExperiment();

    @Test
    void tracedRunDeadlocksTheNaiveOrderAndShowsTheCycle() throws InterruptedException {
        // Tracing makes the naive threads meet once each holds its first lock: the deadlock is certain.
        TraceRecorder recorder = new TraceRecorder(500);
        Report report = experiment.run(new Settings(2, 2, 2, null, 42L, true), recorder);

        Variant naive = variant(report, "naive lock order (broken)");
        assertThat(naive.verdict()).isEqualTo(Verdict.DEADLOCKED);
        assertThat(naive.metrics().get("deadlock")).isEqualTo("T1 holds A, waits for B; T2 holds B, waits for A");
        assertThat(naive.metrics().get("created")).isEqualTo(0L);

        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence(
                "A-->>T1: locked", "T1->>B: lock", "Note over T1: blocked on B", "watchdog->>T1: interrupt",
                "Note over T1: interrupted: gives up, releases A");
        assertThat(diagram).containsSubsequence(
                "B-->>T2: locked", "T2->>A: lock", "Note over T2: blocked on A", "watchdog->>T2: interrupt");
        assertThat(diagram).contains("Note over watchdog: deadlock found: T1 holds A, waits for B");

        assertThat(variant(report, "Bank (ordered by id)").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(variant(report, "Bank, opposite directions").verdict()).isEqualTo(Verdict.CORRECT);
    }

    @Test
    void orderedBankConservesMoneyAndNeverDeadlocks() throws InterruptedException {
        Report report = experiment.run(new Settings(4, 5_000, 4, null, 7L, false), Tracer.OFF);
        for (String name : new String[] {"Bank (ordered by id)", "Bank, opposite directions"}) {
            Variant v = variant(report, name);
            assertThat(v.verdict()).as(name).isEqualTo(Verdict.CORRECT);
            assertThat(v.metrics().get("created")).as(name).isEqualTo(0L);
            assertThat(v.metrics().get("total after")).as(name).isEqualTo(v.metrics().get("total before"));
            assertThat(v.metrics().get("deadlock")).as(name).isEqualTo("none found");
        }
        assertThat(variant(report, "Bank (ordered by id)").metrics().get("overdrawn")).isEqualTo(0L);
    }

    @Test
    void naiveOrderLeftToTheRaceDeadlocksOrSaysItCannotTell() throws InterruptedException {
        Report report = experiment.run(new Settings(2, 20_000, 2, null, 42L, false), Tracer.OFF);
        Variant naive = variant(report, "naive lock order (broken)");
        assertThat(naive.verdict()).isIn(Verdict.DEADLOCKED, Verdict.INCONCLUSIVE);
        // Interrupted transfers change nothing: the naive bank loses no money, it only stops.
        assertThat(naive.metrics().get("created")).isEqualTo(0L);
        if (naive.verdict() == Verdict.DEADLOCKED) {
            assertThat((String) naive.metrics().get("deadlock")).contains("T1 holds", "T2 holds");
        }
    }

    @Test
    void unsynchronisedVerdictFollowsItsBooks() throws InterruptedException {
        // The race usually hits, but need not: the verdict must say BROKEN exactly when the books are wrong.
        Report report = experiment.run(new Settings(4, 50_000, 3, null, 42L, false), Tracer.OFF);
        Variant racy = variant(report, "unsynchronised (broken)");
        boolean booksWrong = (long) racy.metrics().get("created") != 0 || (long) racy.metrics().get("overdrawn") > 0;
        assertThat(racy.verdict()).isEqualTo(booksWrong ? Verdict.BROKEN : Verdict.INCONCLUSIVE);
    }

    @Test
    void rejectsABankOfOneAccount() {
        assertThatThrownBy(() -> experiment.run(new Settings(null, null, 1, null, 42L, false), Tracer.OFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--size");
    }

    static Variant variant(Report report, String name) {
        return report.variants().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no variant " + name + " in " + report.variants()));
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import static dev.interlock.lab.experiments.BankTransferExperimentTest.variant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadlock experiment's verdicts. Its deadlocks are certain (the threads meet once each holds its
 * first lock), so every verdict is asserted exactly.
 */
class DeadlockExperimentTest {

    private final DeadlockExperiment experiment = new DeadlockExperiment();

    @Test
    void theInversionDeadlocksOnPlatformThreadsAndTheWatchdogFindsAndBreaksIt() throws InterruptedException {
        Report report = experiment.run(new Settings(null, 2_000, null, null, 42L, false), Tracer.OFF);
        Variant v = variant(report, "inverted order (broken)");
        assertThat(v.verdict()).isEqualTo(Verdict.DEADLOCKED);
        assertThat(v.metrics().get("deadlock")).isEqualTo("T1 holds A, waits for B; T2 holds B, waits for A");
        assertThat(v.metrics().get("found through")).isEqualTo("Interlock's wait-for graph");
        assertThat(v.metrics().get("ThreadMXBean saw it")).isEqualTo(true);
        assertThat(v.metrics().get("victim")).isEqualTo("T2 (gave up)");
        assertThat(v.metrics().get("finished")).isEqualTo("T1");

        Variant virtual = variant(report, "inverted order, virtual threads (broken)");
        assertThat(virtual.verdict()).isEqualTo(Verdict.DEADLOCKED);
        assertThat(virtual.metrics().get("deadlock")).isEqualTo("T1 holds A, waits for B; T2 holds B, waits for A");
        assertThat(virtual.metrics().get("ThreadMXBean saw it")).as("the JDK does not see virtual threads")
                .isEqualTo(false);
        assertThat(virtual.metrics().get("finished")).isEqualTo("T1");

        Variant apart = variant(report, "inverted order, no overlap (broken)");
        assertThat(apart.verdict()).isEqualTo(Verdict.BROKEN);
        assertThat(apart.metrics().get("deadlock")).isEqualTo("none: the two orders never overlapped");
        assertThat(apart.metrics().get("flagged")).isEqualTo("A -> B -> A");
        assertThat(apart.metrics().get("edges")).isEqualTo("A -> B by T1; B -> A by T2");

        for (String fixed : new String[] {"one order (A, then B)", "Locks.lockAll"}) {
            Variant f = variant(report, fixed);
            assertThat(f.verdict()).as(fixed).isEqualTo(Verdict.CORRECT);
            assertThat(f.metrics().get("rounds")).as(fixed).isEqualTo("4000 of 4000");
            assertThat(f.metrics().get("deadlock")).as(fixed).isEqualTo("none found");
            assertThat(f.metrics().get("flagged")).as(fixed).isEqualTo("nothing");
        }
        assertThat(variant(report, "Locks.lockAll").metrics().get("lockAll timeouts")).isEqualTo(0L);
    }

    @Test
    void theTraceShowsTheCycleTheReportAndTheVictim() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(2_000, 200); // per phase, as the lab does
        Report report = experiment.run(new Settings(null, null, null, null, 42L, true), recorder);
        assertThat(variant(report, "inverted order (broken)").verdict()).isEqualTo(Verdict.DEADLOCKED);
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence(
                "A-->>T1: locked", "T1->>B: lock", "Note over watchdog: deadlock found: T1 holds A, waits for B",
                "watchdog->>T2: interrupt", "Note over T2: interrupted: gives up, releases B", "B-->>T1: locked");
        assertThat(diagram).contains("Note over T2: flagged: A -> B -> A");
    }
}

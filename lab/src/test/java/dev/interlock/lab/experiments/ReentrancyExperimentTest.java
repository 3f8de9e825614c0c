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

/** The reentrancy experiment's verdicts: both are deterministic. */
class ReentrancyExperimentTest {

    private final ReentrancyExperiment experiment = new ReentrancyExperiment();

    @Test
    void reentrantLockNestsAndEveryWriteIsLogged() throws InterruptedException {
        Report report = experiment.run(new Settings(2, 1_000, null, null, 42L, false), Tracer.OFF);
        Variant v = variant(report, "ReentrantLock");
        assertThat(v.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(v.metrics()).containsEntry("writes", 2_000L).containsEntry("log lines", 2_000L)
                .containsEntry("max hold count", 2L).containsEntry("self-deadlocks", 0L);
    }

    @Test
    void nonReentrantLockSelfDeadlocksEveryThreadAndTheRunEnds() throws InterruptedException {
        Report report = experiment.run(new Settings(2, 1_000, null, null, 42L, false), Tracer.OFF);
        Variant v = variant(report, "non-reentrant lock (broken)");
        assertThat(v.verdict()).isEqualTo(Verdict.DEADLOCKED);
        assertThat(v.metrics()).containsEntry("writes", 0L).containsEntry("self-deadlocks", 2L)
                // The lock records no owner, so ThreadMXBean sees no cycle: only the bounded wait does.
                .containsEntry("ThreadMXBean cycle", false);
        assertThat(v.metrics()).containsKey("inner wait ms");
    }

    @Test
    void traceShowsTheHoldCountAndTheThreadBlockedOnItself() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(200);
        experiment.run(Settings.defaults().withTracing(true), recorder);
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence(
                "ReentrantLock-->>T1: locked, hold count 1",
                "T1->>ReentrantLock: lock again (log)",
                "ReentrantLock-->>T1: locked again, hold count 2",
                "T1->>ReentrantLock: unlock (log), hold count 1",
                "NonReentrantLock-->>T1: locked",
                "T1->>NonReentrantLock: lock again (log)",
                "Note over T1: blocked on itself",
                "self-deadlock, gives up",
                "T1->>NonReentrantLock: unlock (write)");
    }
}

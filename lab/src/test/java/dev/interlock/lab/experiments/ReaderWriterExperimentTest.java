package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.interlock.lab.experiments.BankTransferExperimentTest.variant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader-writer experiment with its default stream lengths: the reader-preferring lock starves
 * its writer, the writer-preferring and phase-fair locks do not. The verdict rule is relative (the
 * writer's longest wait against its own time in the stream), so these hold on a slow, loaded machine:
 * the reader-preferring writer waits for the whole stream whatever the speed, while readers pass it; a
 * bounded writer's wait, however long the OS makes it, lets no reader come back in.
 */
class ReaderWriterExperimentTest {

    private static final String BROKEN = "ReaderPreferringReadWriteLock (broken)";
    private static final List<String> FIXES = List.of("WriterPreferringReadWriteLock", "PhaseFairReadWriteLock");
    private static final List<String> METRICS = List.of("max wait ms (short)", "max wait ms (long)",
            "writes in stream", "writes", "lock's max ms", "reads past the writer", "reads/ms", "ms");

    private final ReaderWriterExperiment experiment = new ReaderWriterExperiment();

    private Report runDefaults() throws InterruptedException {
        Report report = experiment.run(Settings.defaults(), Tracer.OFF);
        assertThat(report.experiment()).isEqualTo("reader-writer");
        assertThat(report.variants()).extracting(Variant::name)
                .containsExactly(BROKEN, FIXES.get(0), FIXES.get(1));
        report.variants().forEach(v -> assertThat(v.metrics()).as(v.name()).containsKeys(METRICS.toArray(String[]::new)));
        return report;
    }

    @Test
    void aStreamOfReadersStarvesTheReaderPreferringWriterAndNotTheOthers() throws InterruptedException {
        Report report = runDefaults();
        Variant broken = variant(report, BROKEN);
        assertThat(broken.verdict()).as(broken.metrics().toString()).isEqualTo(Verdict.STARVED);
        assertThat((Long) broken.metrics().get("reads past the writer")).as("readers went past the writer")
                .isGreaterThan(400L);
        for (String fix : FIXES) {
            Variant v = variant(report, fix);
            assertThat(v.verdict()).as(fix + ": " + v.metrics()).isEqualTo(Verdict.CORRECT);
            assertThat((Long) v.metrics().get("writes")).as("the writer wrote").isPositive();
        }
    }

    @Test
    void theStarvationRuleIsHalfTheWritersTimeInTheStream() {
        assertThat(ReaderWriterExperiment.starved(50, 100)).isTrue();
        assertThat(ReaderWriterExperiment.starved(100, 100)).isTrue();
        assertThat(ReaderWriterExperiment.starved(49, 100)).isFalse();
    }

    @Test
    void readersPassedTheWriterOnlyWhenMoreThanAHundredReadsPerReaderBeganDuringItsWait() {
        // A bounded lock lets in a handful (readers already on their way, and while the writer spins
        // before it registers); a reader-preferring one lets in the whole stream.
        assertThat(ReaderWriterExperiment.readersPassed(400, 4)).isFalse();
        assertThat(ReaderWriterExperiment.readersPassed(401, 4)).isTrue();
        assertThat(ReaderWriterExperiment.readersPassed(0, 1)).isFalse();
    }

    @Test
    void traceHasAPhasePerVariantWithTheWritersAttemptsAndTheReadersEntries() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(400, 60);
        Report report = experiment.run(Settings.defaults().withTracing(true), recorder);
        for (String fix : FIXES) {
            assertThat(variant(report, fix).verdict()).as(fix).isEqualTo(Verdict.CORRECT);
        }
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence(BROKEN, FIXES.get(0), FIXES.get(1))
                .contains("writer->>ReaderPreferring: write lock (attempt 1)",
                        "ReaderPreferring-->>writer: locked after",
                        "->>WriterPreferring: read lock: in (entry 1)",
                        "writer->>PhaseFair: write lock (attempt 1)");
    }
}

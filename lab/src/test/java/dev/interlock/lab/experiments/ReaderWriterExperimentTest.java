package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.StarvationMonitor;
import dev.interlock.liveness.TrackedLock;
import dev.interlock.liveness.WaitStats;
import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.lock.ReaderPreferringReadWriteLock;
import dev.interlock.lock.WriterPreferringReadWriteLock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static dev.interlock.lab.experiments.BankTransferExperimentTest.variant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The reader-writer experiment with its default stream lengths: the reader-preferring lock starves
 * its writer, the writer-preferring and phase-fair locks do not. The verdict rule is relative (the
 * writer's longest wait against its own time in the stream), so these hold on a slow, loaded machine:
 * the reader-preferring writer waits for the whole stream whatever the speed, while readers pass it; a
 * bounded writer's wait, however long the OS makes it, lets no reader come back in.
 *
 * <p>The starvation monitor's tests check what it flagged against what the locks' own WaitStats
 * recorded once the waits were over: relations that hold whatever the scheduling, except one that
 * needs the monitor's thread to get a core once in 225 ms (see
 * {@link #theMonitorFlagsOnlyWaitsPastItsThresholdAndALongWriterWaitWhileItLasts}).
 */
class ReaderWriterExperimentTest {

    private static final String BROKEN = "ReaderPreferringReadWriteLock (broken)";
    private static final List<String> FIXES = List.of("WriterPreferringReadWriteLock", "PhaseFairReadWriteLock");
    private static final List<String> METRICS = List.of("max wait ms (short)", "max wait ms (long)",
            "writes in stream", "writes", "lock's max ms", "reads past the writer", "reads/ms", "ms");

    /** The monitor's threshold with the default streams (600 and 300 ms): a quarter of the short one. */
    private static final Duration THRESHOLD = Duration.ofMillis(75);
    /** The trace recorder's budget of events per phase. */
    private static final int PER_PHASE = 60;
    /** A write wait this long is flagged (see the test that uses it). */
    private static final Duration LONG_WAIT = THRESHOLD.multipliedBy(4);
    /** Each lock's name in the experiment, and its variant. */
    private static final Map<String, String> VARIANT_OF_LOCK = Map.of("reader-preferring", BROKEN,
            "writer-preferring", FIXES.get(0), "phase-fair", FIXES.get(1));

    /** The starvation monitors of the streams run so far, closed, in run order. */
    private final List<StarvationWatch> watches = new ArrayList<>();
    private final ReaderWriterExperiment experiment = new ReaderWriterExperiment(watches::add);

    /** Runs with the defaults; checks the report's shape and that it accounts for every flagged wait. */
    private Report runDefaults() throws InterruptedException {
        Report report = experiment.run(Settings.defaults(), Tracer.OFF);
        assertThat(report.experiment()).isEqualTo("reader-writer");
        assertThat(report.variants()).extracting(Variant::name)
                .containsExactly(BROKEN, FIXES.get(0), FIXES.get(1));
        report.variants().forEach(v -> assertThat(v.metrics()).as(v.name()).containsKeys(METRICS.toArray(String[]::new)));
        assertThat(watches).as("one monitor per stream, two streams per variant").hasSize(6);
        report.variants().forEach(this::assertReportsWhatItsMonitorFlagged);
        return report;
    }

    /** The variant's monitor metrics are the count, longest and mode of what its two monitors flagged. */
    private void assertReportsWhatItsMonitorFlagged(Variant v) {
        assertThat(v.metrics()).as(v.name()).containsKeys(StarvationWatch.METRICS.toArray(String[]::new));
        List<StarvationMonitor.Starving> flagged = watches.stream()
                .filter(w -> VARIANT_OF_LOCK.get(w.lock().name()).equals(v.name()))
                .flatMap(w -> w.flagged().stream()).toList();
        long count = (Long) v.metrics().get("flagged");
        double maxMs = (Double) v.metrics().get("flagged max ms");
        String mode = (String) v.metrics().get("flagged mode");
        assertThat(count).as(v.name()).isNotNegative().isEqualTo(flagged.size());
        if (count == 0) {
            assertThat(maxMs).as(v.name()).isZero();
            assertThat(mode).as(v.name()).isEqualTo("none");
        } else {
            StarvationMonitor.Starving longest = flagged.stream()
                    .max(Comparator.comparingLong(StarvationMonitor.Starving::waitedNanos)).orElseThrow();
            assertThat(maxMs).as(v.name()).isCloseTo(longest.waitedNanos() / 1e6, within(0.051))
                    .isGreaterThanOrEqualTo(THRESHOLD.toMillis());
            assertThat(mode).as(v.name()).isEqualTo(longest.mode());
        }
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
    void theMonitorsThresholdIsAQuarterOfTheShortStream() {
        assertThat(ReaderWriterExperiment.monitorThreshold(Duration.ofMillis(600))).isEqualTo(THRESHOLD);
        assertThat(StarvationWatch.period(THRESHOLD)).isEqualTo(Duration.ofMillis(5));
        assertThat(ReaderWriterExperiment.monitorThreshold(Duration.ofMillis(4))).isEqualTo(StarvationWatch.MIN_PERIOD);
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
    void traceHasAPhasePerVariantWithTheWritersAttemptsTheReadersEntriesAndTheMonitorsFlags()
            throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(400, PER_PHASE);
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
        assertEachFlagIsANoteOfTheMonitorThread(recorder);
    }

    /**
     * Each flag of the monitor is a note of its thread in the trace. Checked in the broken variant's
     * phase when the recorder kept all of it (fewer events than its per-phase budget), which the
     * starved writer's few attempts leave room for.
     */
    private void assertEachFlagIsANoteOfTheMonitorThread(TraceRecorder recorder) {
        List<StarvationMonitor.Starving> brokenFlags = watches.stream()
                .filter(w -> w.lock().name().equals("reader-preferring"))
                .flatMap(w -> w.flagged().stream()).toList();
        List<TraceRecorder.Event> brokenPhase = phase(recorder.events(), BROKEN);
        if (brokenPhase.size() < PER_PHASE) {
            List<String> notes = brokenPhase.stream()
                    .filter(e -> e.kind() == TraceRecorder.Kind.NOTE && e.actor().equals(StarvationWatch.THREAD))
                    .map(TraceRecorder.Event::text).toList();
            assertThat(notes).containsExactlyElementsOf(
                    brokenFlags.stream().map(s -> "flagged: " + s.describe()).toList());
        }
        if (!brokenFlags.isEmpty() && brokenPhase.size() < PER_PHASE) {
            assertThat(Mermaid.sequenceDiagram(recorder.events(), recorder.dropped()))
                    .contains("Note over starvation_monitor: flagged: writer has waited ");
        }
    }

    /** The events of the phase titled {@code title}, without its title. */
    private static List<TraceRecorder.Event> phase(List<TraceRecorder.Event> events, String title) {
        List<TraceRecorder.Event> out = new ArrayList<>();
        boolean in = false;
        for (TraceRecorder.Event e : events) {
            if (e.kind() == TraceRecorder.Kind.PHASE) {
                in = e.text().equals(title);
            } else if (in) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Every flagged wait is of the watched lock, at least the threshold old, and no longer than the
     * longest wait the lock itself recorded once it was over (a wait is recorded when it ends, from
     * before it registered to after it left the registry, and the monitor saw it registered); so a
     * lock whose waits all stayed under the threshold flagged nothing. These hold whatever the
     * scheduling. Conversely, a write wait of {@link #LONG_WAIT} (four thresholds: the starved
     * writer's wait of a whole stream) was flagged as a write: that needs the monitor's thread to
     * run a check in the 225 ms the wait spends past the threshold (checks are 5 ms apart), less any
     * time the writer lost before registering its wait. A margin of twice the threshold was not
     * enough in the starvation experiment under load (see StarvationExperimentTest).
     */
    @Test
    void theMonitorFlagsOnlyWaitsPastItsThresholdAndALongWriterWaitWhileItLasts() throws InterruptedException {
        Report report = runDefaults();
        Duration threshold = THRESHOLD;
        assertThat(watches).allSatisfy(w -> assertThat(w.threshold()).isEqualTo(threshold));
        for (StarvationWatch w : watches) {
            String variant = VARIANT_OF_LOCK.get(w.lock().name());
            // A wait cut short by the time box's interrupt is not recorded: then the run is INCONCLUSIVE.
            boolean everyWaitRecorded = variant(report, variant).verdict() != Verdict.INCONCLUSIVE;
            long lockMax = w.lock().waitStats().snapshot().maxNanos();
            long writeMax = writeStats(w.lock()).snapshot().maxNanos();
            for (StarvationMonitor.Starving s : w.flagged()) {
                assertThat(s.lock()).as(variant).isSameAs(w.lock());
                assertThat(s.mode()).as(variant).isIn("read", "write");
                assertThat(s.waited()).as(variant).isGreaterThanOrEqualTo(threshold);
                if (everyWaitRecorded) {
                    assertThat(s.waitedNanos()).as(variant + ": flagged wait vs the lock's longest").isLessThanOrEqualTo(lockMax);
                }
            }
            if (everyWaitRecorded && lockMax < threshold.toNanos()) {
                assertThat(w.flagged()).as(variant + ": no wait reached the threshold").isEmpty();
            }
            if (writeMax >= LONG_WAIT.toNanos()) {
                assertThat(w.flagged()).as(variant + ": a write wait of " + writeMax / 1_000_000 + " ms")
                        .anySatisfy(s -> assertThat(s.mode()).isEqualTo("write"));
            }
        }
    }

    private static WaitStats writeStats(TrackedLock lock) {
        return switch (lock) {
            case ReaderPreferringReadWriteLock l -> l.writeWaitStats();
            case WriterPreferringReadWriteLock l -> l.writeWaitStats();
            case PhaseFairReadWriteLock l -> l.writeWaitStats();
            default -> throw new AssertionError("not a lock of this experiment: " + lock);
        };
    }
}

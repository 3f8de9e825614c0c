package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.StarvationMonitor;
import dev.interlock.lock.FairLock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.interlock.lab.experiments.BankTransferExperimentTest.variant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starvation experiment: FairLock is never starved and reports the full set of metrics; the unfair
 * lock is never called CORRECT, and its verdict follows the documented rule. The starvation monitor
 * watches FairLock only, and what it flagged agrees with FairLock's own WaitStats.
 */
class StarvationExperimentTest {

    private static final List<String> METRICS = List.of("acquisitions", "per thread min", "per thread max",
            "min share %", "Jain index", "wait p50 us", "wait p99 us", "max wait ms", "max overtakes",
            "bypassed waits", "ops/ms", "ms");

    private final StarvationExperiment experiment = new StarvationExperiment();

    @Test
    void fairLockIsCorrectWithEveryThreadServedAndItsOwnStatsBesideTheMeasurement() throws InterruptedException {
        Report report = experiment.run(new Settings(4, 300, null, null, 42L, false), Tracer.OFF);
        assertThat(report.variants()).extracting(Variant::name)
                .containsExactly("unfair ReentrantLock (broken)", "ReentrantLock(true)", "FairLock");
        Variant v = variant(report, "FairLock");
        assertThat(v.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(v.metrics()).containsKeys(METRICS.toArray(String[]::new)).containsKeys("own p99 us", "own max ms");
        long min = (Long) v.metrics().get("per thread min");
        long max = (Long) v.metrics().get("per thread max");
        long total = (Long) v.metrics().get("acquisitions");
        assertThat(min).as("every thread acquired the lock").isPositive();
        assertThat(min).isLessThanOrEqualTo(max);
        assertThat(total).isGreaterThanOrEqualTo(4 * min);
        // No share floor here: a thread the OS keeps off a core gets a small share on any lock (seen in CI).
        assertThat((Long) v.metrics().get("bypassed waits")).isLessThan(StarvationExperiment.BYPASSED_WAITS_BOUND);
        assertThat((Double) v.metrics().get("Jain index")).isBetween(0.25, 1.0);
        assertThat((Double) v.metrics().get("wait p50 us"))
                .isLessThanOrEqualTo((Double) v.metrics().get("wait p99 us"));
    }

    @Test
    void theUnfairLockIsNeverCorrectAndItsVerdictFollowsTheRule() throws InterruptedException {
        Report report = experiment.run(new Settings(4, 300, null, null, 42L, false), Tracer.OFF);
        Variant v = variant(report, "unfair ReentrantLock (broken)");
        assertThat(v.metrics()).containsKeys(METRICS.toArray(String[]::new)).doesNotContainKey("own p99 us");
        assertThat(v.verdict()).isIn(Verdict.STARVED, Verdict.INCONCLUSIVE);
        long bypassed = (Long) v.metrics().get("bypassed waits");
        boolean lowShare = (Double) v.metrics().get("min share %") < StarvationExperiment.SHARE_FLOOR * 100;
        // The rule: many bypassed waits, or a low share whose thread had a bypassed wait.
        if (bypassed >= StarvationExperiment.BYPASSED_WAITS_BOUND) {
            assertThat(v.verdict()).isEqualTo(Verdict.STARVED);
        }
        if (v.verdict() == Verdict.STARVED) {
            assertThat(bypassed >= StarvationExperiment.BYPASSED_WAITS_BOUND || (lowShare && bypassed > 0)).isTrue();
        }
    }

    @Test
    void traceHasAPhasePerVariantAndShowsAcquisitions() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(400, 60);
        Report report = experiment.run(Settings.defaults().withTracing(true), recorder);
        assertThat(variant(report, "FairLock").verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(variant(report, "FairLock").metrics().get("acquisitions")).isEqualTo(6L);
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).containsSubsequence("unfair ReentrantLock (broken)", "ReentrantLock(true)", "FairLock")
                .contains("->>FairLock: lock", "FairLock-->>T", " first", "->>FairLock: unlock");
    }

    /**
     * The monitor watches the FairLock run only (a ReentrantLock cannot be watched: those rows have no
     * monitor figures); every flagged wait is FairLock's, at least the threshold old and no longer than
     * the longest wait FairLock recorded, so a run whose waits all stayed under the threshold flagged
     * nothing. The row reports what the monitor flagged. Not asserted: that a long FairLock wait was
     * flagged. Its waits here come from scheduling alone (tens of ms under load, against a 15 ms
     * threshold), and whether a check lands in one depends on the monitor's thread getting a core in
     * time: a FairLock wait of 33 ms (twice the threshold) went unflagged once in ten runs under load.
     * The reader-writer test asserts it on the starved writer, whose wait is a whole stream.
     */
    @Test
    void theMonitorWatchesFairLockOnlyAndFlagsOnlyWaitsPastItsThreshold() throws InterruptedException {
        List<StarvationWatch> watches = new ArrayList<>();
        Report report = new StarvationExperiment(watches::add).run(new Settings(4, 300, null, null, 42L, false),
                Tracer.OFF);
        Duration threshold = StarvationExperiment.monitorThreshold(300);
        assertThat(threshold).isEqualTo(Duration.ofMillis(15));
        assertThat(watches).singleElement().satisfies(w -> {
            assertThat(w.lock()).isInstanceOf(FairLock.class);
            assertThat(w.threshold()).isEqualTo(threshold);
        });
        StarvationWatch watch = watches.getFirst();
        Variant fair = variant(report, "FairLock");
        // A wait cut short by the time box's interrupt is not recorded: then the run is INCONCLUSIVE.
        boolean everyWaitRecorded = fair.verdict() != Verdict.INCONCLUSIVE;
        long lockMax = watch.lock().waitStats().snapshot().maxNanos();
        for (StarvationMonitor.Starving s : watch.flagged()) {
            assertThat(s.lock()).isSameAs(watch.lock());
            assertThat(s.mode()).isEqualTo("lock");
            assertThat(s.waited()).isGreaterThanOrEqualTo(threshold);
            if (everyWaitRecorded) {
                assertThat(s.waitedNanos()).as("flagged wait vs FairLock's longest").isLessThanOrEqualTo(lockMax);
            }
        }
        if (everyWaitRecorded && lockMax < threshold.toNanos()) {
            assertThat(watch.flagged()).as("no wait reached the threshold").isEmpty();
        }

        long flagged = (Long) fair.metrics().get("flagged");
        assertThat(flagged).isNotNegative().isEqualTo(watch.flagged().size());
        double maxMs = (Double) fair.metrics().get("flagged max ms");
        if (flagged == 0) {
            assertThat(maxMs).isZero();
        } else {
            assertThat(maxMs).isGreaterThanOrEqualTo(threshold.toMillis());
        }
        assertThat(fair.metrics()).doesNotContainKey("flagged mode");
        for (String unwatched : List.of("unfair ReentrantLock (broken)", "ReentrantLock(true)")) {
            assertThat(variant(report, unwatched).metrics()).as(unwatched)
                    .doesNotContainKeys("flagged", "flagged max ms");
        }
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("cannot be watched"));
    }

    @Test
    void theMonitorsThresholdIsATwentiethOfTheRun() {
        assertThat(StarvationExperiment.monitorThreshold(700)).isEqualTo(Duration.ofMillis(35));
        assertThat(StarvationWatch.period(Duration.ofMillis(35))).isEqualTo(Duration.ofNanos(35_000_000 / 15));
        assertThat(StarvationExperiment.monitorThreshold(10)).isEqualTo(StarvationWatch.MIN_PERIOD);
    }
}

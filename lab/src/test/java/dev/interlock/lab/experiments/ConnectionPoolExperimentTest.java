package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection-pool experiment's verdicts: ObjectPool keeps the bound and reports the leaked lease's
 * holder. The broken pool's verdict is only bounded (BROKEN or, if the race did not hit, INCONCLUSIVE):
 * a test must not depend on a race hitting.
 */
class ConnectionPoolExperimentTest {

    private final ConnectionPoolExperiment experiment = new ConnectionPoolExperiment();

    private static Variant variant(Report report, String name) {
        return report.variants().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void objectPoolKeepsTheBoundAndNamesTheLeaksHolder() throws Exception {
        Settings settings = new Settings(4, 50, 2, Duration.ofSeconds(20), 42L, false);
        Report report = experiment.run(settings, Tracer.OFF);

        Variant pool = variant(report, "ObjectPool");
        assertThat(pool.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat((Long) pool.metrics().get("max holders")).isBetween(1L, 2L);
        assertThat((Long) pool.metrics().get("opened")).isBetween(1L, 2L);

        Variant leak = variant(report, "ObjectPool, leaked lease");
        assertThat(leak.verdict()).isEqualTo(Verdict.CORRECT);
        assertThat(leak.metrics()).containsEntry("timed out", true).containsEntry("holder", "worker-1");
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("worker-1 (id "));

        assertThat(variant(report, "check-then-act (broken)").verdict()).isIn(Verdict.BROKEN, Verdict.INCONCLUSIVE);
    }

    @Test
    void traceShowsAcquireBlockAndRelease() throws Exception {
        TraceRecorder recorder = new TraceRecorder(500);
        Report report = experiment.run(Settings.defaults().withTracing(true), recorder);
        assertThat(variant(report, "ObjectPool").verdict()).isEqualTo(Verdict.CORRECT);
        String diagram = Mermaid.sequenceDiagram(recorder.events(), recorder.dropped());
        assertThat(diagram).contains("->>ObjectPool: acquire", "-->>worker_", "->>ObjectPool: release conn-1",
                "TimeoutException, held by worker-1");
    }
}

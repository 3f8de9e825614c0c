package dev.interlock.stress.liveness;

import dev.interlock.liveness.ProgressMonitor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link ProgressMonitor} under the memory model, with a fake clock already past the threshold so
 * that every check that does not see progress reports the busy point: a progress racing a check is
 * never lost, and two checks racing report one stall exactly once.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t ProgressMonitorStress -m quick}
 */
public final class ProgressMonitorStress {

    private static final Duration T = Duration.ofNanos(100);

    private ProgressMonitorStress() {
    }

    /** A monitor whose clock reads {@code T} after a busy point was registered at 0. */
    public abstract static class Stalled {
        final AtomicLong clock = new AtomicLong();
        final ProgressMonitor monitor = ProgressMonitor.builder().stallAfter(T).onStall(s -> { })
                .clock(clock::get).build();
        final ProgressMonitor.Point point = monitor.register("p");

        protected Stalled() {
            point.busy();
            clock.set(T.toNanos());
        }
    }

    @JCStressTest
    @Outcome(id = "1, 0", expect = ACCEPTABLE,
            desc = "The check ran before the progress: stall reported, then ended by the progress the arbiter saw.")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The check saw the progress: no stall.")
    @Outcome(id = {"0, 1", "1, 1"}, expect = FORBIDDEN,
            desc = "The arbiter's check, after the progress, reported a stall: the progress was lost.")
    @State
    public static class ProgressRacingCheckIsNeverLost extends Stalled {
        @Actor
        public void worker() {
            point.progress();
        }

        @Actor
        public void checker(II_Result r) {
            r.r1 = monitor.check().size();
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = monitor.check().size();
        }
    }

    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "One of the two checks reported the stall.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "The stall was reported twice: checks not serialised.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "The stall was never reported.")
    @State
    public static class RacingChecksReportAStallOnce extends Stalled {
        @Actor
        public void checker1(II_Result r) {
            r.r1 = monitor.check().size();
        }

        @Actor
        public void checker2(II_Result r) {
            r.r2 = monitor.check().size();
        }
    }
}

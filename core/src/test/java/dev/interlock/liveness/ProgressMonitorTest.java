package dev.interlock.liveness;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ProgressMonitor, driven by a fake clock and direct {@code check()} calls: which points are stalled,
 * once per stall, and the lifecycle of the monitor's own thread.
 */
class ProgressMonitorTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final long T_NANOS = T.toNanos();

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<ProgressMonitor.Stall> heard = new CopyOnWriteArrayList<>();
    private final ProgressMonitor monitor = ProgressMonitor.builder()
            .stallAfter(T).onStall(heard::add).clock(now::get).build();

    private void advance(long nanos) {
        now.addAndGet(nanos);
    }

    @Test
    void sampleUsage() {
        try (ProgressMonitor m = ProgressMonitor.builder()
                .stallAfter(Duration.ofSeconds(5))
                .onStall(stall -> heard.add(stall))
                .start();
             ProgressMonitor.Point transfers = m.register("transfers")) {
            for (int i = 0; i < 3; i++) {
                transfers.busy();
                if (i == 2) {       // stands for tryTransfer()
                    transfers.progress();
                }
            }
            assertThat(transfers.progressCount()).isEqualTo(1);
            assertThat(transfers.busyCount()).isEqualTo(4);
        }
    }

    @Test
    void aBusyPointWithoutProgressForTheThresholdIsReported() {
        ProgressMonitor.Point p = monitor.register("transfers");
        p.busy();
        advance(T_NANOS - 1);
        assertThat(monitor.check()).as("not yet: one nanosecond short").isEmpty();
        p.busy();
        advance(1);
        List<ProgressMonitor.Stall> stalls = monitor.check();
        assertThat(stalls).singleElement().satisfies(s -> {
            assertThat(s.point()).isEqualTo("transfers");
            assertThat(s.stalledNanos()).isEqualTo(T_NANOS);
            assertThat(s.stalledFor()).isEqualTo(T);
            assertThat(s.busyCount()).isEqualTo(2);
            assertThat(s.progressCount()).isZero();
        });
        assertThat(heard).isEqualTo(stalls);
    }

    @Test
    void aStallIsReportedOnceWhileItLasts() {
        ProgressMonitor.Point p = monitor.register("p");
        p.busy();
        advance(T_NANOS);
        assertThat(monitor.check()).hasSize(1);
        for (int i = 0; i < 3; i++) {
            p.busy();
            advance(T_NANOS);
            assertThat(monitor.check()).isEmpty();
        }
        assertThat(heard).hasSize(1);
    }

    @Test
    void progressEndsAStallAndTheNextStallIsReportedAgain() {
        ProgressMonitor.Point p = monitor.register("p");
        p.busy();
        advance(T_NANOS);
        assertThat(monitor.check()).hasSize(1);
        p.progress();
        assertThat(monitor.check()).as("progress seen").isEmpty();
        p.busy();
        advance(T_NANOS - 1);
        assertThat(monitor.check()).as("timed from the check that saw the progress").isEmpty();
        p.busy();
        advance(1);
        assertThat(monitor.check()).singleElement()
                .satisfies(s -> assertThat(s.progressCount()).isEqualTo(1));
        assertThat(heard).hasSize(2);
    }

    @Test
    void steadyProgressIsNeverReported() {
        ProgressMonitor.Point p = monitor.register("p");
        for (int i = 0; i < 10; i++) {
            p.busy();
            p.progress();
            advance(T_NANOS * 2);
            assertThat(monitor.check()).isEmpty();
        }
    }

    @Test
    void anIdlePointIsNotStalled() {
        ProgressMonitor.Point p = monitor.register("idle");
        p.busy();
        assertThat(monitor.check()).isEmpty();
        advance(T_NANOS * 5);
        assertThat(monitor.check()).as("no busy() since the previous check").isEmpty();
    }

    @Test
    void aHeartbeatIsStalledWithoutProgressBusyOrNot() {
        ProgressMonitor.Point heartbeat = monitor.registerHeartbeat("heartbeat");
        assertThat(heartbeat.isHeartbeat()).isTrue();
        advance(T_NANOS);
        assertThat(monitor.check()).singleElement().satisfies(s -> assertThat(s.point()).isEqualTo("heartbeat"));
        heartbeat.progress();
        advance(T_NANOS);
        assertThat(monitor.check()).as("progress seen at this check").isEmpty();
        advance(T_NANOS);
        assertThat(monitor.check()).hasSize(1);
    }

    @Test
    void aPointThatNeverCallsBusyIsNeverStalled() {
        ProgressMonitor.Point p = monitor.register("p");
        assertThat(p.isHeartbeat()).isFalse();
        for (int i = 0; i < 3; i++) {
            advance(T_NANOS);
            assertThat(monitor.check()).isEmpty();
        }
    }

    @Test
    void onlyTheStalledPointsAreReportedInRegistrationOrder() {
        ProgressMonitor.Point a = monitor.register("a");
        ProgressMonitor.Point b = monitor.register("b");
        ProgressMonitor.Point c = monitor.register("c");
        ProgressMonitor.Point d = monitor.registerHeartbeat("d");
        ProgressMonitor.Point e = monitor.register("e");
        advance(T_NANOS);
        a.busy();
        b.progress();
        c.busy();
        assertThat(monitor.check()).extracting(ProgressMonitor.Stall::point).containsExactly("a", "c", "d");
        assertThat(e.busyCount()).isZero();
    }

    @Test
    void aClosedPointIsNoLongerJudged() {
        ProgressMonitor.Point p = monitor.register("p");
        p.close();
        p.close();
        p.busy();
        advance(T_NANOS);
        assertThat(monitor.check()).isEmpty();
        assertThat(monitor.points()).isEmpty();
    }

    @Test
    void progressFromManyThreadsIsNeverLost() throws Exception {
        ProgressMonitor.Point p = monitor.register("p");
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 4; i++) {
                threads.startVirtual("w" + i, () -> {
                    for (int n = 0; n < 10_000; n++) {
                        p.busy();
                        p.progress();
                    }
                });
            }
            for (int i = 0; i < 100; i++) {
                monitor.check();
            }
            threads.joinAll();
        }
        assertThat(p.progressCount()).isEqualTo(40_000);
        assertThat(p.busyCount()).isEqualTo(80_000);
    }

    @Test
    void aThrowingCallbackPropagatesFromCheckAfterEveryStallWasReported() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ProgressMonitor m = ProgressMonitor.builder().stallAfter(T).clock(now::get)
                .onStall(s -> {
                    seen.add(s.point());
                    throw new IllegalStateException(s.point());
                }).build();
        m.registerHeartbeat("a");
        m.registerHeartbeat("b");
        advance(T_NANOS);
        assertThatThrownBy(m::check).isInstanceOf(IllegalStateException.class).hasMessage("a")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(seen).containsExactly("a", "b");
        advance(T_NANOS);
        assertThat(m.check()).as("reported even though the callback threw").isEmpty();
    }

    @Test
    void theStartedMonitorReportsAStallOnItsOwnThread() throws InterruptedException {
        CountDownLatch reported = new CountDownLatch(1);
        List<String> threadNames = new CopyOnWriteArrayList<>();
        ProgressMonitor m = ProgressMonitor.builder().stallAfter(Duration.ofNanos(1)).period(Duration.ofMillis(1))
                .threadName("progress-test").onStall(s -> {
                    threadNames.add(Thread.currentThread().getName());
                    reported.countDown();
                }).start();
        try {
            m.registerHeartbeat("heartbeat");
            assertThat(reported.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            assertThat(m.close(TestThreads.BOUND)).as("its thread ended").isTrue();
        }
        assertThat(threadNames).containsOnly("progress-test");
    }

    @Test
    void startTwiceOrAfterCloseIsRejectedAndCloseIsIdempotent() throws InterruptedException {
        ProgressMonitor m = ProgressMonitor.builder().stallAfter(T).onStall(s -> { }).build();
        m.start();
        assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
        assertThat(m.close(TestThreads.BOUND)).isTrue();
        m.close();
        assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badConfigurationIsRejected() {
        ProgressMonitor.Builder b = ProgressMonitor.builder();
        assertThatThrownBy(() -> b.stallAfter(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.stallAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.period(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.onStall(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threadName(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ProgressMonitor.builder().stallAfter(T).build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> monitor.register(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> monitor.registerHeartbeat(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> monitor.close(null)).isInstanceOf(NullPointerException.class);
    }
}

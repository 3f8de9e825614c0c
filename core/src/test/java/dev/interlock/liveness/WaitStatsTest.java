package dev.interlock.liveness;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaitStatsTest {

    @Test
    void emptyStatsAreAllZero() {
        assertThat(new WaitStats().snapshot()).isEqualTo(new WaitStats.Snapshot(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void immediateAcquisitionsCountWithZeroWait() {
        WaitStats s = new WaitStats();
        for (int i = 0; i < 99; i++) {
            s.recordImmediate();
        }
        s.recordWait(1_000_000);
        WaitStats.Snapshot snap = s.snapshot();
        assertThat(snap.acquisitions()).isEqualTo(100);
        assertThat(snap.waits()).isEqualTo(1);
        assertThat(snap.p50Nanos()).isZero();
        assertThat(snap.p99Nanos()).isZero();
        assertThat(snap.p999Nanos()).isEqualTo(1_000_000);
        assertThat(snap.maxNanos()).isEqualTo(1_000_000);
        assertThat(snap.totalNanos()).isEqualTo(1_000_000);
    }

    @Test
    void percentilesAreNeverBelowTheTrueValueAndWithinOneBucket() {
        WaitStats s = new WaitStats();
        for (long w = 1; w <= 10_000; w++) {
            s.recordWait(w * 1_000);
        }
        WaitStats.Snapshot snap = s.snapshot();
        assertThat(snap.p50Nanos()).isBetween(5_000_000L, (long) (5_000_000 * 1.25));
        assertThat(snap.p99Nanos()).isBetween(9_900_000L, 10_000_000L);
        assertThat(snap.maxNanos()).isEqualTo(10_000_000);
    }

    @Test
    void bucketsCoverEveryLongAndBoundTheirValues() {
        long[] samples = {0, 1, 3, 4, 5, 7, 8, 1000, 1023, 1024, 1L << 40, Long.MAX_VALUE};
        for (long v : samples) {
            int b = WaitStats.bucket(v);
            assertThat(b).isBetween(0, 255);
            assertThat(WaitStats.upperBound(b)).as("upper bound of " + v).isGreaterThanOrEqualTo(v);
            if (b > 0) {
                assertThat(WaitStats.upperBound(b - 1)).as("previous bucket of " + v).isLessThan(v);
            }
        }
    }

    @Test
    void negativeWaitsCountAsZero() {
        WaitStats s = new WaitStats();
        s.recordWait(-5);
        assertThat(s.snapshot().maxNanos()).isZero();
        assertThat(s.snapshot().waits()).isEqualTo(1);
    }

    @Test
    void concurrentRecordingLosesNothingAndKeepsTheMaximum() throws Exception {
        WaitStats s = new WaitStats();
        CyclicBarrier start = new CyclicBarrier(4);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 4; t++) {
                long base = t;
                group.start("recorder-" + t, () -> {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        s.recordWait(i * 4 + base);
                        s.recordImmediate();
                    }
                });
            }
        }
        WaitStats.Snapshot snap = s.snapshot();
        assertThat(snap.acquisitions()).isEqualTo(80_000);
        assertThat(snap.waits()).isEqualTo(40_000);
        assertThat(snap.maxNanos()).isEqualTo(9_999 * 4 + 3);
    }

    @Test
    void resetForgetsEverything() {
        WaitStats s = new WaitStats();
        s.recordWait(100);
        s.recordImmediate();
        s.reset();
        assertThat(s.snapshot()).isEqualTo(new WaitStats.Snapshot(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void aSumAddsItsPartsAndMergesTheirHistograms() {
        WaitStats reads = new WaitStats();
        WaitStats writes = new WaitStats();
        WaitStats both = WaitStats.sumOf(reads, writes);
        WaitStats expected = new WaitStats(); // the same acquisitions recorded in one accounting
        for (int i = 0; i < 90; i++) {
            reads.recordImmediate();
            expected.recordImmediate();
        }
        for (long w : new long[] {1_000, 5_000, 70_000}) {
            reads.recordWait(w);
            expected.recordWait(w);
        }
        for (long w : new long[] {2_000, 9_000_000, 40, 300, 12_000, 8}) {
            writes.recordWait(w);
            expected.recordWait(w);
        }
        writes.recordImmediate();
        expected.recordImmediate();
        assertThat(both.snapshot()).isEqualTo(expected.snapshot());
        assertThat(both.snapshot().acquisitions()).isEqualTo(100);
        assertThat(both.snapshot().maxNanos()).isEqualTo(9_000_000);

        both.reset();
        assertThat(reads.snapshot().acquisitions()).isZero();
        assertThat(writes.snapshot().acquisitions()).isZero();
    }

    @Test
    void aSumIsReadOnlyAndRejectsNullParts() {
        WaitStats part = new WaitStats();
        WaitStats sum = WaitStats.sumOf(part);
        assertThatThrownBy(sum::recordImmediate).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sum.recordWait(5)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(part.snapshot().acquisitions()).isZero();
        assertThatThrownBy(() -> WaitStats.sumOf(part, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("parts[1]");
        assertThatThrownBy(() -> WaitStats.sumOf((WaitStats[]) null)).isInstanceOf(NullPointerException.class);
    }
}

package dev.interlock.liveness;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backoff: the ceiling's growth and cap, full-jitter draws, interruptible pauses, bad input. */
class BackoffTest {

    private static final Duration BASE = Duration.ofNanos(100);
    private static final Duration CAP = Duration.ofNanos(10_000);

    @Test
    void sampleUsage() throws InterruptedException {
        int[] failuresLeft = {3};
        BooleanSupplier tryTheWork = () -> failuresLeft[0]-- == 0;
        Backoff backoff = Backoff.exponential(Duration.ofNanos(1_000), Duration.ofNanos(100_000));
        Backoff.Attempts attempts = backoff.attempts();
        while (!tryTheWork.getAsBoolean()) {
            attempts.pause();
        }
        assertThat(attempts.count()).isEqualTo(3);
    }

    @Test
    void ceilingStartsAtBaseAndDoublesUpToTheCap() {
        Backoff b = Backoff.exponential(BASE, CAP);
        assertThat(b.ceilingNanos(0)).isEqualTo(100);
        assertThat(b.ceilingNanos(1)).isEqualTo(200);
        assertThat(b.ceilingNanos(6)).isEqualTo(6_400);
        assertThat(b.ceilingNanos(7)).isEqualTo(10_000);
        assertThat(b.ceilingNanos(8)).isEqualTo(10_000);
    }

    @Test
    void ceilingFollowsTheMultiplier() {
        Backoff b = Backoff.builder().base(BASE).cap(CAP).multiplier(3).build();
        assertThat(b.ceilingNanos(2)).isEqualTo(900);
        Backoff flat = Backoff.builder().base(BASE).cap(CAP).multiplier(1).build();
        assertThat(flat.ceilingNanos(50)).isEqualTo(100);
    }

    @Test
    void hugeAttemptNumbersSaturateAtTheCapWithoutOverflow() {
        Backoff b = Backoff.exponential(BASE, CAP);
        assertThat(b.ceilingNanos(63)).isEqualTo(10_000);
        assertThat(b.ceilingNanos(64)).isEqualTo(10_000);
        assertThat(b.ceilingNanos(Integer.MAX_VALUE)).isEqualTo(10_000);
        assertThat(b.delayNanos(Integer.MAX_VALUE)).isBetween(0L, 10_000L);
        Backoff longest = Backoff.exponential(Duration.ofNanos(1), Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(longest.ceilingNanos(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(longest.delayNanos(Integer.MAX_VALUE)).isNotNegative();
    }

    @Test
    void delaysAreDrawnFromTheWholeRangeZeroToCeiling() {
        Backoff b = Backoff.builder().base(Duration.ofNanos(7)).cap(CAP).seed(1).build();
        boolean[] seen = new boolean[8];
        for (int i = 0; i < 10_000; i++) {
            long d = b.delayNanos(0);
            assertThat(d).isBetween(0L, 7L);
            seen[(int) d] = true;
        }
        // Full jitter: every value of [0, 7] comes up, both ends included (the chance that one of
        // them is missing in 10,000 uniform draws is below 10^-500).
        for (int v = 0; v <= 7; v++) {
            assertThat(seen[v]).as("delay %d drawn", v).isTrue();
        }
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        List<Long> first = draws(Backoff.builder().base(BASE).cap(CAP).seed(42).build());
        List<Long> second = draws(Backoff.builder().base(BASE).cap(CAP).seed(42).build());
        List<Long> other = draws(Backoff.builder().base(BASE).cap(CAP).seed(43).build());
        assertThat(first).isEqualTo(second).isNotEqualTo(other);
    }

    private static List<Long> draws(Backoff b) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(b.delayNanos(i));
        }
        return out;
    }

    @Test
    void attemptsCountPausesAndResetStartsOverAtTheBase() throws InterruptedException {
        Backoff b = Backoff.builder().base(Duration.ofNanos(1)).cap(Duration.ofNanos(64)).seed(7).build();
        Backoff.Attempts attempts = b.attempts();
        for (int i = 0; i < 5; i++) {
            assertThat(attempts.pause()).isBetween(0L, b.ceilingNanos(i));
        }
        assertThat(attempts.count()).isEqualTo(5);
        attempts.reset();
        assertThat(attempts.count()).isZero();
        assertThat(attempts.pause()).isBetween(0L, 1L);
    }

    @Test
    void pauseThrowsWhenInterruptedOnEntryEvenForAZeroDelay() {
        Backoff zero = Backoff.builder().base(Duration.ofNanos(1)).cap(Duration.ofNanos(1)).seed(3).build();
        Backoff.Attempts attempts = zero.attempts();
        Thread.currentThread().interrupt();
        assertThatThrownBy(attempts::pause).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("interrupt status cleared").isFalse();
        assertThat(attempts.count()).as("an interrupted pause is not counted").isZero();
    }

    @Test
    void pauseIsInterruptibleWhileSleeping() throws Exception {
        Backoff hour = Backoff.builder().base(Duration.ofHours(1)).cap(Duration.ofHours(1)).multiplier(1)
                .build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            // Attempt 0 of a 1 h base draws at most 1 h; a delay under the time the test takes to
            // interrupt would end the pause early: retry with a fresh draw until one really sleeps.
            Thread t = threads.start("pauser", () -> {
                try {
                    while (true) {
                        hour.pause(0);
                    }
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            TestThreads.awaitBlocked(t);
            t.interrupt();
            threads.joinAll();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void pauseIsInterruptibleOnAVirtualThread() throws Exception {
        Backoff hour = Backoff.builder().base(Duration.ofHours(1)).cap(Duration.ofHours(1)).multiplier(1)
                .build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread t = threads.startVirtual("virtual-pauser", () -> {
                try {
                    while (true) {
                        hour.pause(0);
                    }
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            TestThreads.awaitBlocked(t);
            t.interrupt();
            threads.joinAll();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void badValuesAreRejectedAtOnceAndLeaveTheBuilderIntact() {
        Backoff.Builder b = Backoff.builder().base(BASE).cap(CAP);
        assertThatThrownBy(() -> b.base(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.base(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.base(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.cap(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.cap(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.multiplier(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.multiplier(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.multiplier(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        Backoff built = b.build();
        assertThat(built.base()).isEqualTo(BASE);
        assertThat(built.cap()).isEqualTo(CAP);
        assertThat(built.multiplier()).isEqualTo(2.0);
    }

    @Test
    void capBelowBaseAndMissingValuesAreRejected() {
        assertThatThrownBy(() -> Backoff.exponential(CAP, BASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(null, CAP)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Backoff.builder().base(BASE).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Backoff.builder().cap(CAP).build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeAttemptsAreRejected() {
        Backoff b = Backoff.exponential(BASE, CAP);
        assertThatThrownBy(() -> b.ceilingNanos(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.delayNanos(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.pause(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneBackoffIsSharedSafelyByManyThreads() throws Exception {
        Backoff b = Backoff.builder().base(Duration.ofNanos(1)).cap(Duration.ofNanos(1_000)).build();
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 4; i++) {
                threads.startVirtual("v" + i, () -> {
                    for (int n = 0; n < 10_000; n++) {
                        int attempt = n % 20;
                        assertThat(b.delayNanos(attempt)).isBetween(0L, b.ceilingNanos(attempt));
                    }
                });
            }
            threads.joinAll();
        }
    }
}

package dev.interlock.counter;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StripedCounterTest extends CounterContract {
    @Override
    Counter newCounter() {
        return new StripedCounter();
    }

    @Test
    void uncontendedUpdatesCreateNoCells() {
        StripedCounter c = new StripedCounter();
        for (int i = 0; i < 1_000; i++) {
            c.increment();
        }
        assertThat(c.cellCount()).isZero();
        assertThat(c.get()).isEqualTo(1_000);
    }

    @Test
    void cellBoundIsTwiceTheProcessorCountRoundedUpToAPowerOfTwo() {
        int processors = Runtime.getRuntime().availableProcessors();
        int power = 1;
        while (power < processors) {
            power *= 2;
        }
        assertThat(StripedCounter.MAX_CELLS).isEqualTo(2 * power);
    }

    @Test
    void contentionCreatesCells() throws Exception {
        // Threads hammer one counter until it has cells: a collision on the base creates them. On two
        // or more cores two hammering threads collide within microseconds; the bound is only there so
        // that a counter that never stripes fails instead of hanging.
        StripedCounter c = new StripedCounter();
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        AtomicLong added = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("hammer-" + t, () -> {
                    start.await();
                    long n = 0;
                    long deadline = System.nanoTime() + TestThreads.BOUND.toNanos();
                    while (c.cellCount() == 0 && System.nanoTime() - deadline < 0) {
                        for (int i = 0; i < 1_000; i++) {
                            c.increment();
                        }
                        n += 1_000;
                    }
                    added.addAndGet(n);
                });
            }
        }
        assertThat(c.cellCount()).as("cells after contention").isPositive();
        assertThat(c.get()).isEqualTo(added.get());
    }

    @Test
    void cellsStayWithinTheirBoundUnderManyThreads() throws Exception {
        StripedCounter c = new StripedCounter();
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("striper-" + t, () -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        c.increment();
                    }
                });
            }
        }
        assertThat(c.cellCount()).isBetween(0, StripedCounter.MAX_CELLS);
        assertThat(c.get()).isEqualTo(16L * 20_000);
    }
}

package dev.interlock.counter;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;

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
        int bound = Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2 - 1) * 2;
        assertThat(c.cellCount()).isBetween(0, bound);
        assertThat(c.get()).isEqualTo(16L * 20_000);
    }
}

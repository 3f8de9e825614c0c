package dev.interlock.counter;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link Counter} contract, run on every implementation by a small subclass.
 */
abstract class CounterContract {

    /** A fresh counter at zero. */
    abstract Counter newCounter();

    @Test
    void startsAtZero() {
        assertThat(newCounter().get()).isZero();
    }

    @Test
    void incrementAddsOne() {
        Counter c = newCounter();
        c.increment();
        c.increment();
        assertThat(c.get()).isEqualTo(2);
    }

    @Test
    void addTakesNegativeAndZeroDeltas() {
        Counter c = newCounter();
        c.add(10);
        c.add(-3);
        c.add(0);
        assertThat(c.get()).isEqualTo(7);
    }

    @Test
    void addWrapsOnOverflowAsLongArithmeticDoes() {
        Counter c = newCounter();
        c.add(Long.MAX_VALUE);
        c.increment();
        assertThat(c.get()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        Counter c = newCounter();
        int threads = 4;
        int perThread = 50_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("incrementer-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        c.increment();
                    }
                });
            }
        }
        assertThat(c.get()).isEqualTo((long) threads * perThread);
    }

    @Test
    void concurrentMixedAddsSumExactly() throws Exception {
        Counter c = newCounter();
        int threads = 4;
        int perThread = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                long delta = t % 2 == 0 ? 3 : -1;
                group.start("adder-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        c.add(delta);
                    }
                });
            }
        }
        assertThat(c.get()).isEqualTo(2L * perThread * 3 + 2L * perThread * -1);
    }

    @Test
    void readsSeeUpdatesOfAFinishedThread() throws Exception {
        Counter c = newCounter();
        Thread t = Thread.ofPlatform().start(() -> c.add(41));
        t.join();
        c.increment();
        assertThat(c.get()).isEqualTo(42);
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        Counter c = newCounter();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 100; t++) {
                group.startVirtual("v-" + t, () -> {
                    for (int i = 0; i < 100; i++) {
                        c.increment();
                    }
                });
            }
        }
        assertThat(c.get()).isEqualTo(10_000);
    }
}

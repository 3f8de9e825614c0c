package dev.interlock.bench.counter;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.counter.AtomicCounter;
import dev.interlock.counter.Counter;
import dev.interlock.counter.LockedCounter;
import dev.interlock.counter.StripedCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters under write contention: one shared counter incremented by 1 and by 2 threads.
 * Peers: {@code AtomicLong}, {@code LongAdder} and a {@code synchronized} counter.
 *
 * <p>Run: {@code ./interlock bench CounterBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"StripedCounter", "AtomicCounter", "LockedCounter"},
        peers = {"LongAdder", "AtomicLong", "synchronized"})
@RatioTarget(benchmark = "increment2", ours = "StripedCounter", peer = "LongAdder", atLeast = 0.9)
public class CounterBench {

    @Param({"StripedCounter", "AtomicCounter", "LockedCounter", "LongAdder", "AtomicLong", "synchronized"})
    public String impl;

    private Counter counter;

    @Setup
    public void setUp() {
        counter = switch (impl) {
            case "StripedCounter" -> new StripedCounter();
            case "AtomicCounter" -> new AtomicCounter();
            case "LockedCounter" -> new LockedCounter();
            case "LongAdder" -> new LongAdderCounter();
            case "AtomicLong" -> new AtomicLongCounter();
            case "synchronized" -> new SynchronizedCounter();
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(1)
    public void increment1() {
        counter.increment();
    }

    @Benchmark
    @Threads(2)
    public void increment2() {
        counter.increment();
    }

    /** Peer: the JDK's striped adder. */
    static final class LongAdderCounter implements Counter {
        private final LongAdder adder = new LongAdder();

        @Override
        public void increment() {
            adder.increment();
        }

        @Override
        public void add(long delta) {
            adder.add(delta);
        }

        @Override
        public long get() {
            return adder.sum();
        }
    }

    /** Peer: the JDK's atomic. */
    static final class AtomicLongCounter implements Counter {
        private final AtomicLong value = new AtomicLong();

        @Override
        public void increment() {
            value.incrementAndGet();
        }

        @Override
        public void add(long delta) {
            value.addAndGet(delta);
        }

        @Override
        public long get() {
            return value.get();
        }
    }

    /** Peer: the textbook monitor (bench only; core never uses {@code synchronized}). */
    static final class SynchronizedCounter implements Counter {
        private long value;

        @Override
        public synchronized void increment() {
            value++;
        }

        @Override
        public synchronized void add(long delta) {
            value += delta;
        }

        @Override
        public synchronized long get() {
            return value;
        }
    }
}

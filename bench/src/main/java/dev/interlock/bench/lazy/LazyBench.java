package dev.interlock.bench.lazy;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.lazy.Lazy;
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
import java.util.function.Supplier;

/**
 * A lazily created value read after its creation, by 1 and by 2 threads: the cost of the fast path.
 * {@link Lazy} (a volatile read and a null check) against the holder idiom (a static final read the
 * JIT folds into a constant: the floor), a plain volatile field already set (what Lazy's fast path
 * should cost), and a lazy getter that is {@code synchronized} on every call (the naive fix for the
 * naive singleton). Targets: Lazy close to a volatile read, and faster than the synchronized getter.
 *
 * <p>Run: {@code ./interlock bench LazyBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"Lazy"}, peers = {"holder", "volatile", "synchronized"})
@RatioTarget(benchmark = "get2", ours = "Lazy", peer = "volatile", atLeast = 0.8)
@RatioTarget(benchmark = "get2", ours = "Lazy", peer = "synchronized", atLeast = 1.0)
public class LazyBench {

    @Param({"Lazy", "holder", "volatile", "synchronized"})
    public String impl;

    private Supplier<Object> supplier;

    /** The holder idiom: the JVM initialises {@code Holder} on first use. */
    private static final class Holder {
        static final Object INSTANCE = new Object();
    }

    /** Peer: an already-set volatile field. */
    private static final class VolatileField implements Supplier<Object> {
        private volatile Object value = new Object();

        @Override
        public Object get() {
            return value;
        }
    }

    /** Peer: a lazy getter synchronized on every call (bench only; core never uses {@code synchronized}). */
    private static final class SynchronizedLazy implements Supplier<Object> {
        private Object value;

        @Override
        public synchronized Object get() {
            if (value == null) {
                value = new Object();
            }
            return value;
        }
    }

    @Setup
    public void setUp() {
        supplier = switch (impl) {
            case "Lazy" -> Lazy.of(Object::new);
            case "holder" -> () -> Holder.INSTANCE;
            case "volatile" -> new VolatileField();
            case "synchronized" -> new SynchronizedLazy();
            default -> throw new IllegalArgumentException(impl);
        };
        supplier.get(); // measured: reads after creation
    }

    @Benchmark
    @Threads(1)
    public Object get1() {
        return supplier.get();
    }

    @Benchmark
    @Threads(2)
    public Object get2() {
        return supplier.get();
    }
}

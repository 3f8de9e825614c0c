package dev.interlock.bench.immutable;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.immutable.AtomicSnapshot;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * {@link AtomicSnapshot} against {@link AtomicReference}, with no listener: {@code get} by 2 threads
 * (both one volatile read, ours plus one field load), and {@code update} (a CAS loop) by 1 and 2
 * threads. Ours pays for ordered listener delivery on every change even with no listener: a small
 * allocation, a link write and a compare-and-set of the delivery flag; the update target allows for
 * that. Targets are first estimates, to be calibrated on a quiet machine.
 *
 * <p>Run: {@code ./interlock bench AtomicSnapshotBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"AtomicSnapshot"}, peers = {"AtomicReference"})
@RatioTarget(benchmark = "get2", ours = "AtomicSnapshot", peer = "AtomicReference", atLeast = 0.9)
@RatioTarget(benchmark = "update1", ours = "AtomicSnapshot", peer = "AtomicReference", atLeast = 0.4)
public class AtomicSnapshotBench {

    @Param({"AtomicSnapshot", "AtomicReference"})
    public String impl;

    /** The two holders behind one interface. */
    interface Holder {
        Integer get();

        Integer update(UnaryOperator<Integer> f);
    }

    private static final UnaryOperator<Integer> NEXT = x -> (x + 1) & 1023; // stays in a small range

    private Holder holder;

    @Setup
    public void setUp() {
        holder = switch (impl) {
            case "AtomicSnapshot" -> {
                AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
                yield new Holder() {
                    @Override
                    public Integer get() {
                        return s.get();
                    }

                    @Override
                    public Integer update(UnaryOperator<Integer> f) {
                        return s.update(f);
                    }
                };
            }
            case "AtomicReference" -> {
                AtomicReference<Integer> r = new AtomicReference<>(0);
                yield new Holder() {
                    @Override
                    public Integer get() {
                        return r.get();
                    }

                    @Override
                    public Integer update(UnaryOperator<Integer> f) {
                        return r.updateAndGet(f);
                    }
                };
            }
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(2)
    public Integer get2() {
        return holder.get();
    }

    @Benchmark
    @Threads(1)
    public Integer update1() {
        return holder.update(NEXT);
    }

    @Benchmark
    @Threads(2)
    public Integer update2() {
        return holder.update(NEXT);
    }
}

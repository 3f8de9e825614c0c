package dev.interlock.bench.sync;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.sync.BoundedBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Producer-consumer hand-off through one bounded queue of capacity {@value #CAPACITY}: one producer
 * and one consumer ({@code p1c1}), two and two ({@code p2c2}). Peers: the JDK's
 * {@code ArrayBlockingQueue} (the same design: one lock, two conditions, an array) and
 * {@code LinkedBlockingQueue} (two locks, linked nodes).
 *
 * <p>Score: operations per microsecond summed over the group's threads, where one put and one take
 * are each an operation, so one transferred element counts twice. Each impl is measured in the same
 * run; read the ours/peer ratios, not the absolute numbers.
 *
 * <p>Why the benchmark methods use timed {@code offer}/{@code poll} in a loop, not {@code put}/
 * {@code take}: when an iteration ends, JMH stops the group's threads one by one; a consumer blocked
 * in {@code take()} after its producer has stopped would wait for ever, and the run would hang until
 * JMH's own timeout. Here every wait lasts at most {@link #WAIT_NANOS}, after which the loop checks
 * {@link Control#stopMeasurement}, which JMH sets as soon as the first thread of the iteration has
 * finished measuring. So once an iteration is over, each thread returns within one wait, whatever the
 * others are doing: every iteration terminates. While it lasts, a thread only ever waits for its
 * peers, as {@code put}/{@code take} would; the timed and untimed waits are the same code in all
 * three queues (a condition wait with or without a deadline). A call that returns because measurement
 * stopped transfers nothing; at most one per thread per iteration can still be counted (the one in
 * progress when the iteration ended), which is noise next to the millions that are.
 *
 * <p>The element is one shared boxed {@code Integer}: the benchmark measures the queue, not
 * allocation. Run: {@code ./interlock bench BoundedBufferBench}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"BoundedBuffer"}, peers = {"ArrayBlockingQueue", "LinkedBlockingQueue"})
@RatioTarget(benchmark = "p1c1", ours = "BoundedBuffer", peer = "ArrayBlockingQueue", atLeast = 1.0)
@RatioTarget(benchmark = "p2c2", ours = "BoundedBuffer", peer = "ArrayBlockingQueue", atLeast = 1.0)
public class BoundedBufferBench {

    /** Capacity of every queue, in elements. */
    static final int CAPACITY = 1024;
    /** Longest single wait of a producer or consumer, in nanoseconds (1 ms): the stop latency. */
    static final long WAIT_NANOS = 1_000_000L;
    /** The element every producer puts. */
    private static final Integer ITEM = 42;

    @Param({"BoundedBuffer", "ArrayBlockingQueue", "LinkedBlockingQueue"})
    public String impl;

    private BlockingQueue<Integer> queue;

    @Setup(Level.Trial)
    public void setUp() {
        queue = switch (impl) {
            case "BoundedBuffer" -> new BoundedBuffer<>(CAPACITY);
            case "ArrayBlockingQueue" -> new ArrayBlockingQueue<>(CAPACITY);
            case "LinkedBlockingQueue" -> new LinkedBlockingQueue<>(CAPACITY);
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public boolean p1c1Put(Control control) throws InterruptedException {
        return put(control);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Integer p1c1Take(Control control) throws InterruptedException {
        return take(control);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public boolean p2c2Put(Control control) throws InterruptedException {
        return put(control);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public Integer p2c2Take(Control control) throws InterruptedException {
        return take(control);
    }

    /** Inserts one element, waiting while full, unless measurement stops first. */
    private boolean put(Control control) throws InterruptedException {
        while (!control.stopMeasurement) {
            if (queue.offer(ITEM, WAIT_NANOS, TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Removes one element, waiting while empty, unless measurement stops first. */
    private Integer take(Control control) throws InterruptedException {
        while (!control.stopMeasurement) {
            Integer e = queue.poll(WAIT_NANOS, TimeUnit.NANOSECONDS);
            if (e != null) {
                return e;
            }
        }
        return null;
    }
}

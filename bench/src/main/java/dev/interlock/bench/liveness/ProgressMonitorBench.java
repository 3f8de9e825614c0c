package dev.interlock.bench.liveness;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.liveness.ProgressMonitor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a worker pays to report progress to a {@link ProgressMonitor}: one
 * {@link ProgressMonitor.Point#progress()} per completed task, on one point shared by 1 and by 2
 * threads, against the cheapest shared count the JDK offers, {@code LongAdder.increment()}. The
 * monitor is built but not started: its checks run once per period on their own thread and are not
 * on the worker's path.
 *
 * <p>Ratio {@code Point/LongAdder}: above 1, reporting progress costs less than counting in a
 * {@code LongAdder}. Target, 1 thread: at least 0.5 ({@code progress()} makes two atomic increments,
 * the busy and the progress counts, where the peer makes one). No target with 2 threads: the point's
 * counts are single {@code AtomicLong}s, which contend where {@code LongAdder} stripes; the ratio
 * shows what striping them would buy.
 *
 * <p>Run: {@code ./interlock bench ProgressMonitorBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"Point"}, peers = {"LongAdder"})
@RatioTarget(benchmark = "progress1", ours = "Point", peer = "LongAdder", atLeast = 0.5)
public class ProgressMonitorBench {

    @Param({"Point", "LongAdder"})
    public String impl;

    private ProgressMonitor monitor;
    private ProgressMonitor.Point point;
    private LongAdder adder;

    @Setup
    public void setUp() {
        switch (impl) {
            case "Point" -> {
                monitor = ProgressMonitor.builder().stallAfter(Duration.ofSeconds(1)).onStall(s -> { }).build();
                point = monitor.register("bench");
            }
            case "LongAdder" -> adder = new LongAdder();
            default -> throw new IllegalArgumentException(impl);
        }
    }

    @TearDown
    public void tearDown() {
        if (monitor != null) {
            monitor.close();
        }
    }

    private void progress() {
        if (point != null) {
            point.progress();
        } else {
            adder.increment();
        }
    }

    @Benchmark
    @Threads(1)
    public void progress1() {
        progress();
    }

    @Benchmark
    @Threads(2)
    public void progress2() {
        progress();
    }
}

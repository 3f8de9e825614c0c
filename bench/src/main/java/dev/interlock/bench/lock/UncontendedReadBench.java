package dev.interlock.bench.lock;

import dev.interlock.bench.Compare;
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

/**
 * The uncontended cost of a read: one thread takes the read lock, sums the pair of longs of
 * {@link ReadWriteLockBench} and releases it. What a read-mostly structure pays per read when it
 * has its lock to itself: our locks' per-thread hold lookup and wait accounting against
 * {@code ReentrantReadWriteLock}'s first-reader cache and {@code StampedLock}'s bare state word.
 * No target: the ratio is reported for information.
 *
 * <p>Run: {@code ./interlock bench UncontendedReadBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock"},
        peers = {"ReentrantReadWriteLock", "StampedLock"})
public class UncontendedReadBench {

    @Param({"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock",
            "ReentrantReadWriteLock", "StampedLock"})
    public String impl;

    private ReadWriteLockBench.Guarded guarded;

    @Setup
    public void setUp() {
        guarded = ReadWriteLockBench.guarded(impl);
    }

    @Benchmark
    @Threads(1)
    public long read1() {
        return guarded.read();
    }
}

package dev.interlock.bench.lock;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.lock.FairLock;
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
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * lock/unlock around a tiny critical section (one increment of a shared field), by 1 and by 2 threads:
 * {@link FairLock} against the JDK's {@code ReentrantLock}, fair and unfair.
 *
 * <p>What to expect: uncontended (1 thread) all three are a compare-and-set to lock and one to
 * unlock, plus, for {@code FairLock}, the wait-statistics counter it keeps for the starvation tools.
 * Contended (2 threads), both fair locks pay for strict ordering: the lock alternates between the
 * threads, so every acquisition moves the lock's cache lines between cores and may park; the unfair
 * lock lets a running thread re-acquire at once, many times in a row, and is expected to be several
 * times faster. Target: {@code FairLock} at least as fast as {@code ReentrantLock(true)}, contended
 * and not.
 *
 * <p>Run: {@code ./interlock bench FairLockBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"FairLock"}, peers = {"ReentrantLock(true)", "ReentrantLock(false)"})
@RatioTarget(benchmark = "lockUnlock2", ours = "FairLock", peer = "ReentrantLock(true)", atLeast = 1.0)
@RatioTarget(benchmark = "lockUnlock1", ours = "FairLock", peer = "ReentrantLock(true)", atLeast = 1.0)
public class FairLockBench {

    @Param({"FairLock", "ReentrantLock(true)", "ReentrantLock(false)"})
    public String impl;

    private Lock lock;
    private long counter; // guarded by lock

    @Setup
    public void setUp() {
        lock = switch (impl) {
            case "FairLock" -> new FairLock("bench");
            case "ReentrantLock(true)" -> new ReentrantLock(true);
            case "ReentrantLock(false)" -> new ReentrantLock(false);
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(1)
    public long lockUnlock1() {
        return criticalSection();
    }

    @Benchmark
    @Threads(2)
    public long lockUnlock2() {
        return criticalSection();
    }

    private long criticalSection() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }
}

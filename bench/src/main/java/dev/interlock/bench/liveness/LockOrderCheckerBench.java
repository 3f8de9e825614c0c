package dev.interlock.bench.liveness;

import dev.interlock.bench.Compare;
import dev.interlock.liveness.LockOrderChecker;
import dev.interlock.liveness.LockOrderChecker.Policy;
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
 * What a {@link LockOrderChecker}'s lock costs per acquisition against a plain {@code ReentrantLock}:
 * lock/unlock of one lock, and a nested acquisition of two (A, then B: the checked path whose edge
 * is already known, the steady state of a program that keeps one order), by 1 and by 2 threads
 * sharing the locks. {@code checked} is a THROW checker's lock, {@code disabled} a DISABLED
 * checker's (tracking only). The issue sets no target: this measures the price of the check.
 * Measured: see docs/benchmarks.md.
 *
 * <p>Run: {@code ./interlock bench LockOrderCheckerBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"checked", "disabled"}, peers = {"ReentrantLock"})
public class LockOrderCheckerBench {

    @Param({"checked", "disabled", "ReentrantLock"})
    public String impl;

    private Lock a;
    private Lock b;

    @Setup
    public void setUp() {
        switch (impl) {
            case "checked", "disabled" -> {
                LockOrderChecker checker = new LockOrderChecker(impl.equals("checked") ? Policy.THROW : Policy.DISABLED);
                a = checker.newLock("A");
                b = checker.newLock("B");
            }
            case "ReentrantLock" -> {
                a = new ReentrantLock();
                b = new ReentrantLock();
            }
            default -> throw new IllegalArgumentException(impl);
        }
        nested(); // records A -> B: the benchmarks measure the known-edge path
    }

    private void nested() {
        a.lock();
        try {
            b.lock();
            b.unlock();
        } finally {
            a.unlock();
        }
    }

    @Benchmark
    @Threads(1)
    public void lockUnlock1() {
        a.lock();
        a.unlock();
    }

    @Benchmark
    @Threads(2)
    public void lockUnlock2() {
        a.lock();
        a.unlock();
    }

    @Benchmark
    @Threads(1)
    public void nested1() {
        nested();
    }

    @Benchmark
    @Threads(2)
    public void nested2() {
        nested();
    }
}

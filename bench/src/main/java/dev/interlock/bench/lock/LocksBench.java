package dev.interlock.bench.lock;

import dev.interlock.bench.Compare;
import dev.interlock.lock.Locks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Taking two locks, A and B, and releasing them, by 1 and by 2 threads: {@link Locks#lockAll} (all or
 * nothing, in its global order, whatever order the caller names them in; the second thread names
 * them B, A) against the hand-written fix, {@code a.lock(); b.lock()} in one fixed order that every
 * caller must know. The issue sets no target: this is the price of not having to know the order.
 *
 * <p>Run: {@code ./interlock bench LocksBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"lockAll"}, peers = {"fixed order"})
public class LocksBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Param({"lockAll", "fixed order"})
    public String impl;

    private final Lock a = new ReentrantLock();
    private final Lock b = new ReentrantLock();

    /** Each thread's own argument order for lockAll: the second thread names the locks the other way. */
    @State(Scope.Thread)
    public static class Order {
        Lock[] locks;

        @Setup
        public void setUp(LocksBench bench) {
            locks = Thread.currentThread().threadId() % 2 == 0
                    ? new Lock[] {bench.a, bench.b} : new Lock[] {bench.b, bench.a};
        }
    }

    private boolean both(Order order) throws InterruptedException {
        if (impl.equals("lockAll")) {
            if (!Locks.lockAll(TIMEOUT, order.locks)) {
                throw new IllegalStateException("lockAll timed out: the benchmark is broken");
            }
            Locks.unlockAll(order.locks);
        } else {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
        }
        return true;
    }

    @Benchmark
    @Threads(1)
    public boolean both1(Order order) throws InterruptedException {
        return both(order);
    }

    @Benchmark
    @Threads(2)
    public boolean both2(Order order) throws InterruptedException {
        return both(order);
    }
}

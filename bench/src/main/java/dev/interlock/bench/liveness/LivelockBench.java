package dev.interlock.bench.liveness;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.liveness.Backoff;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guide's livelock, measured: two workers, each completing tasks that need two
 * {@code ReentrantLock}s, in tasks completed per microsecond (both workers together).
 * <ul>
 *   <li>{@code immediate}: the polite workers. Each takes its locks in the opposite order to the
 *       other with {@code tryLock()} and, when the second is held by the other, releases the first and retries at
 *       once: no deadlock, but the two can keep colliding in step (livelock); their throughput
 *       measures how much.</li>
 *   <li>{@code backoff}: the same, but a worker pauses before each retry for a
 *       {@link Backoff} delay (full jitter, 1 us base, 100 us cap), which breaks the lockstep.</li>
 *   <li>{@code ordered}, the reference: both workers take the locks in one fixed order with
 *       {@code lock()}: no collision to retry, the fix that removes the cause.</li>
 * </ul>
 * Ratios: {@code backoff/immediate} is what backoff buys against retrying at once (target at least
 * 1.0: the cure must not cost throughput); {@code backoff/ordered} is how far the cure is from
 * removing the cause (no target; expected below 1). A pause sleeps, and on Linux a sleep lasts at
 * least some tens of microseconds however short its delay, so with two workers on two free cores,
 * where immediate retry often succeeds soon, the first target may be missed: the measurement says.
 *
 * <p>A worker whose group partner has stopped could retry forever: the retry loops end when JMH
 * ends the measurement ({@link Control#stopMeasurement}), so an iteration always ends.
 *
 * <p>Run: {@code ./interlock bench LivelockBench}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"backoff"}, peers = {"immediate", "ordered"})
@RatioTarget(benchmark = "twoWorkers", ours = "backoff", peer = "immediate", atLeast = 1.0)
public class LivelockBench {

    /** The work of one task, done holding both locks, in {@link Blackhole#consumeCPU} tokens. */
    private static final long WORK_TOKENS = 50;

    /** The backoff of the {@code backoff} workers: full jitter from 1 us, capped at 100 us. */
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofNanos(1_000), Duration.ofNanos(100_000));

    @Param({"immediate", "backoff", "ordered"})
    public String impl;

    private final Lock a = new ReentrantLock();
    private final Lock b = new ReentrantLock();
    private boolean ordered;
    private Backoff backoff; // null: retry at once
    private long tasks;      // guarded by a and b

    @Setup
    public void setUp() {
        switch (impl) {
            case "immediate" -> backoff = null;
            case "backoff" -> backoff = BACKOFF;
            case "ordered" -> ordered = true;
            default -> throw new IllegalArgumentException(impl);
        }
    }

    @Benchmark
    @Group("twoWorkers")
    @GroupThreads(1)
    public long aThenB(Control control) throws InterruptedException {
        return task(a, b, control);
    }

    @Benchmark
    @Group("twoWorkers")
    @GroupThreads(1)
    public long bThenA(Control control) throws InterruptedException {
        return ordered ? task(a, b, control) : task(b, a, control);
    }

    /** One task: both locks, the work, both released; -1 if the measurement ended first. */
    private long task(Lock first, Lock second, Control control) throws InterruptedException {
        if (ordered) {
            first.lock();
            try {
                second.lock();
                try {
                    return work();
                } finally {
                    second.unlock();
                }
            } finally {
                first.unlock();
            }
        }
        Backoff.Attempts attempts = backoff == null ? null : backoff.attempts();
        while (!control.stopMeasurement) {
            if (first.tryLock()) {
                try {
                    if (second.tryLock()) {
                        try {
                            return work();
                        } finally {
                            second.unlock();
                        }
                    }
                } finally {
                    first.unlock();
                }
            }
            if (attempts != null) {
                attempts.pause();
            }
        }
        return -1;
    }

    /** Call holding both locks. */
    private long work() {
        Blackhole.consumeCPU(WORK_TOKENS);
        return ++tasks;
    }
}

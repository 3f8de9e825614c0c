package dev.interlock.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Test-thread coordination without sleeps: start named threads that report their failures, wait
 * (with a bound) until a thread is blocked, and join every thread or fail.
 *
 * <p>Not thread-safe: one instance per test, used from the test's thread. Use in try-with-resources:
 * {@link #close()} joins every started thread and rethrows the first failure.
 */
public final class TestThreads implements AutoCloseable {

    /** How long a test waits for anything before it fails instead of hanging. */
    public static final Duration BOUND = Duration.ofSeconds(20);

    /** A body that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Starts a platform thread called {@code name} running {@code body}. */
    public Thread start(String name, Body body) {
        Thread t = Thread.ofPlatform().name(name).unstarted(wrap(body));
        threads.add(t);
        t.start();
        return t;
    }

    /** Starts a virtual thread called {@code name} running {@code body}. */
    public Thread startVirtual(String name, Body body) {
        Thread t = Thread.ofVirtual().name(name).unstarted(wrap(body));
        threads.add(t);
        t.start();
        return t;
    }

    private Runnable wrap(Body body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
    }

    /** Waits until {@code t} is parked or waiting (blocked in a lock, condition or park). */
    public static void awaitBlocked(Thread t) {
        pollUntil(() -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
        }, "thread " + t.getName() + " to block (state " + t.getState() + ")");
    }

    /** Polls {@code condition} until it holds, yielding in between; fails after {@link #BOUND}. */
    public static void pollUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + BOUND + " waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Joins every thread within {@link #BOUND}; fails if one is still alive or one threw. */
    public void joinAll() throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (t.isAlive()) {
                threads.forEach(Thread::interrupt);
                throw new TimeoutException("thread " + t.getName() + " still running after " + BOUND);
            }
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new AssertionError("a test thread failed: " + f, f);
        }
    }

    /** {@link #joinAll()}, with an interrupt of the test thread restored and reported as a failure. */
    @Override
    public void close() throws TimeoutException {
        try {
            joinAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
            throw new AssertionError("interrupted while joining test threads", e);
        }
    }
}

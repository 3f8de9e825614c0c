package dev.interlock.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Test-thread coordination without sleeps: start named threads that report their failures, wait
 * (with a bound) until a thread is blocked, and join every thread or fail.
 *
 * <p>Two ways to wait for a blocked thread. {@link #awaitBlocked(Thread)} checks the thread state
 * only: it cannot tell "parked in the operation under test" from "parked somewhere else" (class
 * loading, a lock inside the test's own code). {@link #awaitBlockedOn(Thread, Object)} also checks
 * the object the thread parks on ({@link LockSupport#getBlocker(Thread)}), so it confirms the very
 * wait under test: use it whenever the component lets a test name that object.
 *
 * <p>Not thread-safe: one instance per test, used from the test's thread. Use in try-with-resources:
 * {@link #close()} joins every started thread and rethrows the first failure.
 */
public final class TestThreads implements AutoCloseable {

    /** How long a test waits for anything before it fails instead of hanging. */
    public static final Duration BOUND = Duration.ofSeconds(20);

    /** How long {@link #joinAll()} gives interrupted stragglers to end before it reports them. */
    private static final Duration STRAGGLER_GRACE = Duration.ofSeconds(1);

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

    /**
     * Waits until {@code t} is parked or waiting (blocked in a lock, condition or park): by thread
     * state only. Prefer {@link #awaitBlockedOn(Thread, Object)} where the blocker is known.
     */
    public static void awaitBlocked(Thread t) {
        pollUntil(() -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
        }, () -> "thread " + t.getName() + " to block (state " + t.getState() + ")");
    }

    /**
     * Waits until {@code t} is parked ({@code WAITING} or {@code TIMED_WAITING}) on {@code blocker}:
     * {@code LockSupport.getBlocker(t) == blocker}. For {@code java.util.concurrent} waits the blocker
     * is the synchronizer itself (an AQS subclass) or, for {@code Condition.await}, the condition, so
     * this confirms that {@code t} waits in that very synchronizer or condition.
     */
    public static void awaitBlockedOn(Thread t, Object blocker) {
        Objects.requireNonNull(blocker, "blocker");
        awaitBlockedOn(t, b -> b == blocker, "on " + blocker);
    }

    /**
     * Waits until {@code t} is parked ({@code WAITING} or {@code TIMED_WAITING}) with a blocker that
     * {@code blocker} accepts; {@code what} describes the expected blocker for the failure message.
     */
    public static void awaitBlockedOn(Thread t, Predicate<Object> blocker, String what) {
        pollUntil(() -> {
            Thread.State s = t.getState();
            if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
                return false;
            }
            Object b = LockSupport.getBlocker(t);
            return b != null && blocker.test(b);
        }, () -> "thread " + t.getName() + " to park " + what + " (state " + t.getState() + ", blocker "
                + LockSupport.getBlocker(t) + ")");
    }

    /** Polls {@code condition} until it holds, yielding in between; fails after {@link #BOUND}. */
    public static void pollUntil(BooleanSupplier condition, String what) {
        pollUntil(condition, () -> what);
    }

    /**
     * Polls {@code condition} until it holds, yielding in between; fails after {@link #BOUND} with
     * {@code what}, evaluated then (so it can describe the state at the time of failure).
     */
    public static void pollUntil(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + BOUND + " waiting for " + what.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Joins every thread within {@link #BOUND}. Fails if a thread threw (with that failure as the
     * cause) or if one is still running; in both cases the threads still running are interrupted
     * first, named in the message with their state, and their stacks (taken before the interrupt)
     * attached as suppressed exceptions. A recorded failure ends the wait early: the other threads
     * are often stuck only because the failed one stopped.
     */
    public void joinAll() throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (Thread t : threads) {
            while (t.isAlive() && failure.get() == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                t.join(Duration.ofNanos(Math.min(left, Duration.ofMillis(50).toNanos())));
            }
        }
        List<Thread> alive = threads.stream().filter(Thread::isAlive).toList();
        List<Throwable> stacks = new ArrayList<>();
        for (Thread t : alive) {
            Throwable where = new Throwable("stack of " + t.getName() + " (" + t.getState() + ") when it was interrupted");
            where.setStackTrace(t.getStackTrace());
            stacks.add(where);
        }
        String names = alive.stream().map(t -> t.getName() + " (" + t.getState() + ")")
                .collect(Collectors.joining(", "));
        alive.forEach(Thread::interrupt);
        for (Thread t : alive) {
            t.join(STRAGGLER_GRACE);
        }
        Throwable f = failure.get();
        if (f != null) {
            AssertionError e = new AssertionError("a test thread failed: " + f
                    + (alive.isEmpty() ? "" : "; still running then, now interrupted: " + names), f);
            stacks.forEach(e::addSuppressed);
            throw e;
        }
        if (!alive.isEmpty()) {
            TimeoutException e = new TimeoutException("still running after " + BOUND + ", now interrupted: " + names);
            stacks.forEach(e::addSuppressed);
            throw e;
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

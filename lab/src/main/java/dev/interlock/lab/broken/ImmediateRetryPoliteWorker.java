package dev.interlock.lab.broken;

import java.util.Objects;
import java.util.concurrent.locks.Lock;

/**
 * BROKEN on purpose: the guide's polite worker, which needs two resources, takes its own first, and
 * if the other resource is taken, politely puts its own back and tries again <em>at once</em>. Two
 * such workers that take the resources in opposite orders never deadlock (nobody waits while
 * holding), but in step they collide forever: each holds one resource, sees the other's taken,
 * releases, and retries in the same instant as the other. Busy, polite, and no progress: a
 * livelock. {@code dev.interlock.liveness.Backoff}, a random pause before each retry, fixes it;
 * the lab's {@code livelock} experiment runs this class both ways through {@link #tryOnce()}.
 *
 * <p>Each attempt holds the first resource while it prepares ({@code prepareSteps} arithmetic
 * steps: tens of microseconds) before it looks at the second: the time in which the other worker
 * takes its own first resource. Not thread-safe: one instance per worker thread (its counters are
 * plain fields).
 */
public final class ImmediateRetryPoliteWorker {

    /** Hears the steps of an attempt, on the worker's thread (for the lab's trace). */
    public interface Listener {

        /** Hears nothing. */
        Listener NONE = new Listener() {
        };

        /** About to take its first resource: an attempt begins. Keep it short: it delays the retry. */
        default void attempting() {
        }

        /** Holds its first resource. */
        default void tookFirst() {
        }

        /** About to look at the second resource (may wait, e.g. for the other worker: a lockstep). */
        default void looking() {
        }

        /** Has looked at the second resource and got it or not (may wait, as {@link #looking()}). */
        default void looked(boolean got) {
        }

        /** The second resource was taken: released the first, will retry. */
        default void gaveWay() {
        }

        /** Held both and did the task. */
        default void completed() {
        }
    }

    private final Lock first;
    private final Lock second;
    private final int prepareSteps;
    private final Runnable task;
    private final Listener listener;
    private long sink; // defeats dead-code elimination of the preparation
    private long attempts;
    private long completions;

    /**
     * A worker taking {@code first}, then {@code second}, running {@code task} while it holds both.
     *
     * @throws IllegalArgumentException if {@code prepareSteps} is negative
     */
    public ImmediateRetryPoliteWorker(Lock first, Lock second, int prepareSteps, Runnable task, Listener listener) {
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        if (prepareSteps < 0) {
            throw new IllegalArgumentException("prepareSteps must not be negative: " + prepareSteps);
        }
        this.prepareSteps = prepareSteps;
        this.task = Objects.requireNonNull(task, "task");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * One polite attempt: take the first resource, prepare, take the second if it is free and run the
     * task; otherwise give the first back.
     *
     * @return true if the task ran
     */
    public boolean tryOnce() {
        attempts++;
        listener.attempting();
        first.lock();
        try {
            listener.tookFirst();
            sink += prepare(prepareSteps, sink);
            listener.looking();
            boolean got = second.tryLock();
            listener.looked(got);
            if (!got) {
                listener.gaveWay();
                return false;
            }
            try {
                task.run();
                completions++;
                listener.completed();
                return true;
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    /**
     * The broken loop: retries at once until the task ran or {@code deadlineNanos}
     * ({@link System#nanoTime()}) has passed.
     *
     * @return true if the task ran, false if the deadline passed first
     */
    public boolean completeOne(long deadlineNanos) {
        for (long n = 1; ; n++) {
            if (tryOnce()) {
                return true;
            }
            // No pause: the bug. (The clock is read every 64 attempts only, to keep it out of the
            // instant between giving the resource back and taking it again.)
            if ((n & 63) == 0 && System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
        }
    }

    /** Attempts so far; read by the worker's thread, or by another after joining it. */
    public long attempts() {
        return attempts;
    }

    /** Tasks run so far; read by the worker's thread, or by another after joining it. */
    public long completions() {
        return completions;
    }

    /** A few arithmetic steps the JIT cannot remove. */
    private static long prepare(int steps, long seed) {
        long x = seed;
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    @Override
    public String toString() {
        return "ImmediateRetryPoliteWorker[attempts=" + attempts + ", completions=" + completions + "]";
    }
}

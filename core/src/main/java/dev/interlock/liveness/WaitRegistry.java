package dev.interlock.liveness;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is blocked on which Interlock lock, right now: the edges "thread waits for lock" of the wait-for
 * graph that {@code DeadlockWatchdog} completes with each lock's {@link TrackedLock#holders()}, and the
 * waits the starvation monitor times.
 *
 * <p>A service for lock implementations: a {@link TrackedLock} calls {@link #begin} just before its
 * thread parks and {@link #end} when the wait ends, however it ends (acquired, timed out,
 * interrupted), in a {@code finally}. Readers ({@link #current()}) get a weakly consistent snapshot.
 *
 * <p>Thread-safe. Cost: one map insertion and one removal per blocking wait; nothing on an
 * acquisition that does not block. A thread has at most one entry (a thread blocks on one lock at a
 * time), so the registry holds at most one entry per blocked thread and nothing once they all run.
 */
public final class WaitRegistry {

    /**
     * One blocked thread.
     *
     * @param thread     the waiting thread
     * @param lock       what it waits for
     * @param mode       how it waits, for reports: e.g. {@code "write"}, {@code "read"}, {@code "lock"}
     * @param sinceNanos when the wait began, in {@link System#nanoTime()} units
     */
    public record Wait(Thread thread, TrackedLock lock, String mode, long sinceNanos) {
        public Wait {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(mode, "mode");
        }

        /** How long this wait has lasted at {@code nowNanos}. */
        public long waitedNanos(long nowNanos) {
            return nowNanos - sinceNanos;
        }
    }

    private static final ConcurrentHashMap<Thread, Wait> WAITS = new ConcurrentHashMap<>();

    private WaitRegistry() {
    }

    /** Records that the calling thread is about to block on {@code lock}; pass the result to {@link #end}. */
    public static Wait begin(TrackedLock lock, String mode) {
        Wait wait = new Wait(Thread.currentThread(), lock, mode, System.nanoTime());
        WAITS.put(wait.thread(), wait);
        return wait;
    }

    /** Records that the wait {@code begin} returned is over. */
    public static void end(Wait wait) {
        WAITS.remove(wait.thread(), wait);
    }

    /** The waits in progress, a weakly consistent snapshot. */
    public static List<Wait> current() {
        return new ArrayList<>(WAITS.values());
    }

    /** The wait of {@code thread}, or null if it is not blocked on an Interlock lock. */
    public static Wait of(Thread thread) {
        return WAITS.get(thread);
    }
}

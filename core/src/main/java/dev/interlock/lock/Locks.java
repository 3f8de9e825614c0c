package dev.interlock.lock;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * Taking several locks at once without deadlock: all or nothing, in one global order, with
 * randomized backoff. The guide's chapter 10 cure for deadlock (a global lock order) and for the
 * livelock that naive retrying invites (randomized, growing pauses) as one call.
 *
 * <p>Sample usage:
 * <pre>{@code
 * if (Locks.lockAll(Duration.ofSeconds(1), from, to)) {
 *     try {
 *         move(from, to);
 *     } finally {
 *         Locks.unlockAll(from, to);
 *     }
 * } else {
 *     // timed out: this thread holds none of them
 * }
 * }</pre>
 *
 * <p><b>Acquisition order.</b> {@link #lockAll} takes its locks in one order that every call in the
 * JVM agrees on, whatever the order of its arguments: ascending <i>rank</i>, a number given to each
 * lock the first time any call sees it, unique and fixed for the lock's life. So two calls that
 * want the same locks, in any argument orders, cannot each hold one and wait for the other. Ranks
 * are not identity hash codes (two locks can share one of those, and ordering by them would need a
 * tie-breaking lock, as in <i>Java Concurrency in Practice</i>); a rank is never shared.
 *
 * <p><b>All or nothing.</b> {@code lockAll} returns true holding every lock, or false, throws or is
 * interrupted holding none of them (locks the caller held before the call, which are re-entered by
 * the call, are held as before). An attempt that fails to get a lock releases those it took, pauses
 * for a random time and tries again: it does not hold some locks while waiting long for others,
 * which other code (taking these locks in its own order, without {@code lockAll}) could be waiting
 * for.
 *
 * <p>The first attempt waits for nothing (it succeeds when every lock is free); the backoff and the
 * timeout below apply from the second attempt, which follows a failed first at once.
 *
 * <p><b>Backoff.</b> "Full jitter": the pause after the n-th failed attempt is uniform in
 * {@code [0, min(cap, base * 2^n)]} ({@value #BASE_BACKOFF_NANOS} ns base, {@value #MAX_BACKOFF_NANOS} ns
 * cap), and never past the deadline. Random pauses keep two callers from retrying in lockstep
 * forever (livelock); growing ones keep many callers from swamping the locks.
 *
 * <p><b>Timeouts and interruption.</b> The first lock of an attempt is waited for as long as the
 * timeout allows (the attempt holds nothing then, so, if the caller holds no other lock, the wait
 * cannot be part of a deadlock); each further lock for at most the current backoff cap. {@code lockAll} returns false only after an attempt that
 * failed at or after the deadline, never earlier; a timeout of zero or less makes exactly one
 * attempt that waits for nothing. It throws {@link InterruptedException}, holding none of the locks,
 * if the thread is interrupted on entry or while it waits or pauses.
 *
 * <p><b>Where the guarantee stops.</b> Deadlock freedom assumes the caller holds no lock when it
 * calls {@code lockAll}. Locks it already holds, among the arguments or not, stay held for the whole
 * call (lockAll cannot release what it did not take): while it waits, up to the whole timeout, for a
 * lock whose holder waits for one of those, the two are deadlocked until the timeout ends the call
 * (for example: a thread holding B calls {@code lockAll(timeout, A, B)} while another holds A and
 * waits for B). Ranks order locks within one JVM, for this class's callers: code that takes the same
 * locks one by one, in another order, can still deadlock with itself, but not with {@code lockAll}
 * (which backs off), provided the {@code lockAll} caller held none of them before the call. Fairness is the locks' own; under heavy contention a
 * {@code lockAll} of many locks may keep losing to callers that want fewer: the timeout bounds its
 * wait. Do not pass both halves of one {@link java.util.concurrent.locks.ReadWriteLock}: if its read
 * lock ranks first, the write lock is never granted to the reader, and the call can only time out.
 *
 * <p><b>Cost.</b> One non-blocking lookup of every lock's rank in a weak identity map (a lock seen for
 * the first time is added), a sort, then {@code tryLock(0, NANOSECONDS)} per lock: when every lock
 * is free, that is all, with no clock read (the timeout starts counting at the first failed
 * attempt, so it is never cut short). A rank entry per lock ever passed, kept while the lock is
 * reachable.
 *
 * <p><b>Memory effects.</b> Those of the locks: each lock's acquisition and release as if taken and
 * released one by one.
 */
public final class Locks {

    /*
     * Implementation notes.
     *
     * Deadlock freedom among lockAll callers: an attempt waits only for locks of higher rank than
     * any it holds, so a cycle of callers waiting for each other cannot form. A wait with no lock
     * taken by the attempt (its first lock, a pause) is bounded by the deadline; a wait while holding
     * locks by the backoff cap, after which everything the attempt took is released. So a caller that
     * held no lock on entry never holds a lock while waiting more than MAX_BACKOFF_NANOS for another,
     * even when other code holds its locks in another order. Locks held on entry are outside this
     * argument: they stay held throughout, and bounding the first wait by the cap as well would not
     * help (the caller would keep them through every retry), so that case is documented, not fixed.
     *
     * Invariant: when lockAll returns or throws, the locks it took in its last attempt have been
     * released unless it returns true; `held` counts them, and the finally in attempt() releases
     * exactly that many, in reverse order.
     */

    /** The backoff cap after the first failed attempt, in nanoseconds; it doubles after each. */
    static final long BASE_BACKOFF_NANOS = 20_000;
    /** The largest backoff cap, in nanoseconds: 10 ms. */
    static final long MAX_BACKOFF_NANOS = 10_000_000;
    /** Up to this many locks are ordered by an insertion sort, more by a merge sort. */
    private static final int INSERTION_SORT_MAX = 32;

    private Locks() {
    }

    /**
     * Takes every one of {@code locks}, in the global order, or none of them. See the class
     * documentation for the order, the backoff and the timeout. Deadlock-free only if the calling
     * thread holds no lock on entry (see "Where the guarantee stops").
     *
     * @param timeout how long to keep trying; zero or negative: one attempt without waiting
     * @param locks   the locks, in any order; none may appear twice (an empty array: returns true)
     * @return true if this thread now holds every lock; false if the timeout elapsed first, holding
     *         none of them
     * @throws NullPointerException     if {@code timeout}, {@code locks} or an element is null;
     *                                  nothing taken
     * @throws IllegalArgumentException if the same lock appears twice; nothing taken
     * @throws InterruptedException     if interrupted on entry or while waiting (interrupt status
     *                                  cleared); nothing taken
     * @throws RuntimeException         whatever a lock's {@code tryLock} throws (for instance a
     *                                  {@code PotentialDeadlockException}); nothing taken
     */
    public static boolean lockAll(Duration timeout, Lock... locks) throws InterruptedException {
        long budget = Math.max(0, TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout")));
        Lock[] ordered = inGlobalOrder(locks);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (attempt(ordered, 0L, 0L, 0L)) { // waits for nothing and reads no clock: the uncontended case
            return true;
        }
        if (budget == 0) {
            return false;
        }
        long start = System.nanoTime();
        long cap = BASE_BACKOFF_NANOS;
        while (true) {
            if (attempt(ordered, budget, start, cap)) {
                return true;
            }
            long left = remaining(budget, start);
            if (left <= 0) {
                return false;
            }
            long pause = ThreadLocalRandom.current().nextLong(Math.min(cap, left) + 1);
            if (pause > 0) {
                TimeUnit.NANOSECONDS.sleep(pause);
            } else if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            cap = Math.min(MAX_BACKOFF_NANOS, cap * 2);
        }
    }

    /**
     * Releases every one of {@code locks}, in reverse argument order: the counterpart of a successful
     * {@link #lockAll}. Every lock is released even if releasing one throws; the first exception is
     * then rethrown, with any later ones suppressed in it.
     *
     * @throws NullPointerException if {@code locks} or an element is null; nothing released
     * @throws RuntimeException     what a lock's {@code unlock} threw (e.g.
     *                              {@link IllegalMonitorStateException}), after releasing the others
     */
    public static void unlockAll(Lock... locks) {
        Objects.requireNonNull(locks, "locks");
        for (int i = 0; i < locks.length; i++) {
            Objects.requireNonNull(locks[i], "locks[" + i + "]");
        }
        RuntimeException failure = unlockFirst(locks, locks.length, null);
        if (failure != null) {
            throw failure;
        }
    }

    /** One attempt: every lock in order, the first with the time left, the rest with at most {@code patience}. */
    private static boolean attempt(Lock[] ordered, long budget, long start, long patience)
            throws InterruptedException {
        int held = 0;
        try {
            for (Lock lock : ordered) {
                long left = budget == 0 ? 0 : Math.max(0, remaining(budget, start));
                if (!lock.tryLock(held == 0 ? left : Math.min(left, patience), TimeUnit.NANOSECONDS)) {
                    break;
                }
                held++;
            }
        } catch (Throwable failure) {
            RuntimeException release = unlockFirst(ordered, held, null);
            if (release != null) {
                failure.addSuppressed(release);
            }
            throw failure;
        }
        if (held == ordered.length) {
            return true;
        }
        RuntimeException release = unlockFirst(ordered, held, null);
        if (release != null) {
            throw release;
        }
        return false;
    }

    /** Unlocks {@code locks[0..count)} in reverse order, all of them; returns the failures, or null. */
    private static RuntimeException unlockFirst(Lock[] locks, int count, RuntimeException failure) {
        for (int i = count - 1; i >= 0; i--) {
            try {
                locks[i].unlock();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    /** A copy of {@code locks} sorted by rank; NullPointerException or IllegalArgumentException for bad input. */
    private static Lock[] inGlobalOrder(Lock[] locks) {
        Objects.requireNonNull(locks, "locks");
        Lock[] copy = locks.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "locks[" + i + "]");
        }
        long[] ranks = LockRanks.ranksOf(copy);
        int n = copy.length;
        int[] order = new int[n];
        if (n <= INSERTION_SORT_MAX) { // the usual case: a few locks, no boxing
            for (int i = 0; i < n; i++) {
                int j = i;
                while (j > 0 && ranks[order[j - 1]] > ranks[i]) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = i;
            }
        } else {
            Integer[] boxed = new Integer[n];
            Arrays.setAll(boxed, i -> i);
            Arrays.sort(boxed, Comparator.comparingLong(i -> ranks[i]));
            Arrays.setAll(order, i -> boxed[i]);
        }
        Lock[] sorted = new Lock[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = copy[order[i]];
            if (i > 0 && ranks[order[i]] == ranks[order[i - 1]]) {
                int a = Math.min(order[i], order[i - 1]);
                int b = Math.max(order[i], order[i - 1]);
                throw new IllegalArgumentException("the same lock twice: locks[" + a + "] and locks[" + b + "]: " + copy[a]);
            }
        }
        return sorted;
    }

    /** Nanoseconds left of {@code budget} since {@code start}; may be zero or negative. */
    private static long remaining(long budget, long start) {
        return budget - (System.nanoTime() - start);
    }
}

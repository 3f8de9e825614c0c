package dev.interlock.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;

/**
 * A flag threads can wait for: the guide's quick-reference Event, with the semantics of Python's
 * {@code threading.Event}. {@link #set()} raises it and wakes every waiter; {@link #clear()} lowers
 * it; {@link #await()} returns at once while it is raised and otherwise waits for the next
 * {@code set()}. Unlike a {@link java.util.concurrent.CountDownLatch} it can be reset and reused.
 *
 * <p>Sample usage:
 * <pre>{@code
 * Event ready = new Event();
 * Thread loader = Thread.ofPlatform().start(() -> { loadConfiguration(); ready.set(); });
 * if (!ready.await(Duration.ofSeconds(5))) {
 *     throw new IllegalStateException("configuration not loaded within 5 s");
 * }
 * }</pre>
 *
 * <p><b>A set is never missed.</b> A waiter woken by {@code set()} returns {@code true} even if
 * {@code clear()} runs before it gets to look at the flag: every {@code set()} that raises the flag
 * starts a new generation, and a waiter returns once the flag is raised or the generation has moved
 * on since it started waiting. (A waiter that checked a plain boolean could sleep through a
 * set-then-clear pulse; this one cannot.)
 *
 * <p><b>Interruption.</b> Every wait throws {@link InterruptedException}, with the interrupt status
 * cleared, if the thread is interrupted on entry (even when the flag is raised, as
 * {@code CountDownLatch.await} does) or while it waits. Timed waits never return early; a zero or
 * negative timeout only checks.
 *
 * <p><b>Memory effects.</b> Actions before a {@code set()} happen-before the actions after an
 * {@code await} that returns {@code true} because of it, and after an {@link #isSet()} that returns
 * {@code true}.
 *
 * <p>Thread-safe; no operation holds a lock. Cost: {@code isSet()} is one volatile read; a wait on a
 * raised flag is that plus an interrupt check; {@code set()} is a compare-and-set plus one unpark per
 * waiter (waiters wake each other in turn).
 */
public final class Event {

    /*
     * Implementation notes.
     *
     * The AQS state is (generation << 1) | raised. set() moves an unraised state to the next generation,
     * raised, in one CAS, then releaseShared wakes the first queued waiter; each waiter that succeeds
     * returns a positive value, so AQS wakes the next (shared-mode propagation), and all are released.
     * clear() only drops the raised bit. A waiter passes its starting generation as the acquire
     * argument; tryAcquireShared succeeds when the flag is raised or the generation differs. Setting a
     * raised flag changes nothing, and needs not: no thread can be waiting on a raised flag's
     * generation.
     *
     * Memory effects through clear(): clear() is a CAS, so it reads the set()'s write before writing;
     * a waiter that reads clear()'s value is therefore ordered after the set(). The generation is a
     * 63-bit count: it would wrap after 2^62 sets.
     */

    private final Sync sync = new Sync();

    /** An event, initially not set. */
    public Event() {
    }

    /** Raises the flag and wakes every waiting thread. Does nothing if it is already raised. */
    public void set() {
        sync.releaseShared(0);
    }

    /** Lowers the flag. Threads already woken by an earlier {@code set()} still return {@code true}. */
    public void clear() {
        sync.lower();
    }

    /** Whether the flag is raised. */
    public boolean isSet() {
        return Sync.raised(sync.state());
    }

    /**
     * Returns once the flag is raised, or once a {@code set()} has happened since this call began.
     *
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public void await() throws InterruptedException {
        sync.acquireSharedInterruptibly(Sync.generation(sync.state()));
    }

    /**
     * Waits at most {@code timeout} for the flag.
     *
     * @return {@code true} if the flag was raised, or a {@code set()} happened, within the timeout;
     *         {@code false} if the timeout elapsed first (never earlier)
     * @throws NullPointerException if {@code unit} is null
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Objects.requireNonNull(unit, "unit").toNanos(timeout);
        return sync.tryAcquireSharedNanos(Sync.generation(sync.state()), nanos);
    }

    /**
     * Waits at most {@code timeout} for the flag; see {@link #await(long, TimeUnit)}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        return sync.tryAcquireSharedNanos(Sync.generation(sync.state()), nanos);
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }

    /** Generation and flag in one long; waiters queue FIFO and release each other in turn. */
    private static final class Sync extends AbstractQueuedLongSynchronizer {

        static boolean raised(long state) {
            return (state & 1) != 0;
        }

        static long generation(long state) {
            return state >>> 1;
        }

        long state() {
            return getState();
        }

        @Override
        protected long tryAcquireShared(long startGeneration) {
            long s = getState();
            return raised(s) || generation(s) != startGeneration ? 1 : -1;
        }

        /** set(): raise the flag in a new generation; true (wake the waiters) if this call raised it. */
        @Override
        protected boolean tryReleaseShared(long unused) {
            while (true) {
                long s = getState();
                if (raised(s)) {
                    return false;
                }
                if (compareAndSetState(s, s + 3)) { // generation + 1, raised
                    return true;
                }
            }
        }

        void lower() {
            while (true) {
                long s = getState();
                if (!raised(s) || compareAndSetState(s, s & ~1L)) {
                    return;
                }
            }
        }
    }
}

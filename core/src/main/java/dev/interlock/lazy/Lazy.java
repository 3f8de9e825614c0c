package dev.interlock.lazy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A value computed on first use, once, and then returned to every caller: the guide's double-checked
 * locking done right ({@code volatile} field, checked once without the lock and once with it).
 *
 * <p>Sample usage:
 * <pre>{@code
 * private static final Lazy<Catalogue> CATALOGUE = Lazy.of(Catalogue::load);
 * ...
 * Catalogue c = CATALOGUE.get(); // the first caller loads it; everyone else gets that instance
 * }</pre>
 *
 * <p><b>At most once on success.</b> The initializer runs until it returns a value; once it has, it
 * never runs again, every {@link #get()} returns that same instance, and the initializer is dropped
 * (what it captured can be garbage collected). Calls that arrive while another thread initialises
 * wait for it and return its value.
 *
 * <p><b>Failure and retry.</b> If the initializer throws, the exception propagates to the caller that
 * ran it, nothing is stored, and the next {@code get()} (including one that was waiting) runs the
 * initializer again. So "at most once" counts successes: a failing initializer may run many times.
 *
 * <p><b>Null.</b> A {@code Lazy} holds a non-null value. An initializer that returns {@code null} is
 * treated as a failure: {@code get()} throws {@link NullPointerException}, nothing is stored, and a
 * later call retries. Use {@code Lazy<Optional<T>>} for a value that may be absent.
 *
 * <p><b>Recursion.</b> An initializer that calls {@code get()} on its own {@code Lazy} (directly or
 * through other code, on the same thread) gets an {@link IllegalStateException} instead of a
 * deadlock or an endless recursion; unless it catches it, its own call then fails as above.
 *
 * <p><b>Interruption.</b> {@code get()} cannot throw {@code InterruptedException} (it is a
 * {@link Supplier}): a thread interrupted while it waits for another thread's initialisation keeps
 * waiting, as it would for class initialisation, and returns with its interrupt status still set.
 * {@link #get(Duration)} waits interruptibly and for at most the given time. Neither interrupts or
 * times out an initializer that is already running: the thread that runs it runs it to the end.
 *
 * <p><b>Where the guarantee stops.</b> Two {@code Lazy}s whose initializers call each other's
 * {@code get()} from two threads deadlock, exactly as two nested locks taken in opposite orders do
 * (the recursion check sees only the current thread); {@code get(Duration)} bounds such a wait.
 *
 * <p><b>Memory effects.</b> Everything the initializer did happens-before every {@code get()} that
 * returns its value, on any thread: the object is seen fully built.
 *
 * <p>Thread-safe. Cost after initialisation: one volatile read and a null check per {@code get()};
 * before it, one lock acquisition per caller.
 *
 * @param <T> the type of the value
 */
public final class Lazy<T> implements Supplier<T> {

    /*
     * Implementation notes.
     *
     * Double-checked locking: get() reads `value` once (first check); if it is set, that is the answer
     * and no lock is touched. Otherwise it takes `lock` and reads `value` again (second check),
     * because another thread may have initialised it in between; only if it is still null does it run
     * the initializer. `value` must be volatile: the write of the reference is then ordered after the
     * writes that built the object, and a reader that sees the reference sees those writes (without
     * volatile, the reference may become visible before the fields: the lab's
     * NonVolatileDoubleCheckedLazy and its jcstress test).
     *
     * Invariants: `value` goes from null to non-null once, under `lock`, and never changes again;
     * `initializer` is non-null exactly while `value` is null. The lock is held only while the
     * initializer runs, so a thread that finds the lock held by itself is inside the initializer:
     * that is the recursion check (ReentrantLock would otherwise let it in again).
     */

    private final ReentrantLock lock = new ReentrantLock();
    private volatile T value;                   // null until initialised; written once, under lock
    private Supplier<? extends T> initializer;  // guarded by lock; null once value is set

    private Lazy(Supplier<? extends T> initializer) {
        this.initializer = initializer;
    }

    /**
     * A value that {@code initializer} computes on the first {@link #get()}.
     *
     * @throws NullPointerException if {@code initializer} is null
     */
    public static <T> Lazy<T> of(Supplier<? extends T> initializer) {
        return new Lazy<>(Objects.requireNonNull(initializer, "initializer"));
    }

    /**
     * The value, computed by the initializer on the first call. Waits, without responding to
     * interrupts, while another thread runs the initializer.
     *
     * @throws IllegalStateException if called from inside this {@code Lazy}'s own initializer
     * @throws NullPointerException  if the initializer returned null (a later call retries)
     * @throws RuntimeException      whatever the initializer threw (a later call retries)
     */
    @Override
    public T get() {
        T v = value;
        if (v != null) {
            return v;
        }
        rejectRecursion();
        lock.lock();
        try {
            return initializeLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The value, as {@link #get()}, but waiting at most {@code timeout} for another thread's
     * initialisation, and interruptibly. If this call gets to run the initializer, it runs it to the
     * end whatever the timeout. A value already computed is returned at once, even to an
     * interrupted thread.
     *
     * @throws InterruptedException  if interrupted before or while waiting (status cleared)
     * @throws TimeoutException      if another thread was still initialising after {@code timeout}
     * @throws IllegalStateException if called from inside this {@code Lazy}'s own initializer
     * @throws NullPointerException  if {@code timeout} is null, or the initializer returned null
     */
    public T get(Duration timeout) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        T v = value;
        if (v != null) {
            return v;
        }
        rejectRecursion();
        if (!lock.tryLock(TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("another thread was still initialising after " + timeout);
        }
        try {
            return initializeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a value has been computed; never runs the initializer and never waits. */
    public boolean isInitialized() {
        return value != null;
    }

    private void rejectRecursion() {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("Lazy.get() called from inside its own initializer");
        }
    }

    /** Second check, then the initializer. Call only when holding lock. */
    private T initializeLocked() {
        assert lock.isHeldByCurrentThread();
        T v = value;
        if (v != null) {
            return v;
        }
        T created = initializer.get(); // may throw: propagates, nothing stored
        if (created == null) {
            throw new NullPointerException("the initializer returned null; nothing stored, a later get() retries");
        }
        value = created;
        initializer = null;
        return created;
    }

    /** Shows the value if computed; never runs the initializer. */
    @Override
    public String toString() {
        T v = value;
        return v == null ? "Lazy[not initialized]" : "Lazy[" + v + "]";
    }
}

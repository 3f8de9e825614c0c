package dev.interlock.counter;

/**
 * A {@code long} counter that many threads may update at once without losing an update.
 *
 * <p>Every implementation in this package is thread-safe: once all updates have returned, {@link #get()}
 * is their exact sum. What {@code get()} may return while updates are still running differs: see each
 * implementation. Arithmetic wraps on overflow, as {@code long} addition does.
 *
 * <p>Memory effects: an update happens-before a {@code get()} that observes it.
 */
public interface Counter {

    /** Adds one. */
    void increment();

    /** Adds {@code delta}, which may be negative. */
    void add(long delta);

    /** The current value; see the implementation for its consistency under concurrent updates. */
    long get();
}

package dev.interlock.counter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@link Counter} updated by compare-and-set on one {@code volatile} field: the guide's atomic fix.
 *
 * <p>Thread-safe, lock-free and linearizable: {@link #get()} returns a value the counter really held.
 * All threads update one cache line, so throughput under heavy write contention is bounded by how
 * fast that line moves between cores; {@link StripedCounter} spreads it.
 *
 * <p>Implementation notes: the update is an explicit read / compare-and-set / retry loop rather than
 * {@code getAndAdd}, to show the pattern the guide teaches; a failed CAS means another thread's update
 * landed in between, and the loop retries with the fresh value, so no update is lost.
 */
public final class AtomicCounter implements Counter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(AtomicCounter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long value;

    /** A counter at zero. */
    public AtomicCounter() {
    }

    @Override
    public void increment() {
        add(1);
    }

    @Override
    public void add(long delta) {
        long current;
        do {
            current = value;
        } while (!VALUE.weakCompareAndSet(this, current, current + delta));
    }

    @Override
    public long get() {
        return value;
    }

    @Override
    public String toString() {
        return "AtomicCounter[" + value + "]";
    }
}

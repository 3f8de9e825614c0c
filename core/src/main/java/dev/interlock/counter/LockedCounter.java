package dev.interlock.counter;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Counter} guarded by one {@link ReentrantLock}: the guide's "fix it with a lock".
 *
 * <p>Thread-safe and linearizable: every operation takes the lock, so {@link #get()} returns a value
 * the counter really held. Under contention threads queue on the lock (they park rather than spin), so
 * throughput falls as threads are added; prefer {@link AtomicCounter} or {@link StripedCounter} for a
 * bare counter, and this shape when the count must change together with other guarded state.
 */
public final class LockedCounter implements Counter {

    private final ReentrantLock lock = new ReentrantLock();
    private long value; // guarded by lock

    /** A counter at zero. */
    public LockedCounter() {
    }

    @Override
    public void increment() {
        add(1);
    }

    @Override
    public void add(long delta) {
        lock.lock();
        try {
            value += delta;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long get() {
        lock.lock();
        try {
            return value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "LockedCounter[" + get() + "]";
    }
}

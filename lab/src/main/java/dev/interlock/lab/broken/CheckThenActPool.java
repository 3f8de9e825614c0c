package dev.interlock.lab.broken;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * BROKEN on purpose: a pool that checks "fewer than max leased?", then takes or creates an object,
 * then counts it. Every step is atomic on its own (an atomic counter, a concurrent deque), but the
 * sequence is not: threads that check at the same moment all see room, all get through, and more
 * than {@code maxSize} objects are lent at once. Creating an object (opening a connection) takes
 * time, which holds the window open wide.
 *
 * <p>The fix is to make the check and the taking one step: a semaphore or counter that is
 * decremented with the check ({@code dev.interlock.sync.ObjectPool} takes a count with one CAS
 * only while it is below the maximum).
 *
 * @param <T> the pooled objects' type
 */
public final class CheckThenActPool<T> {

    private final int maxSize;
    private final Supplier<? extends T> factory;
    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger leased = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();

    public CheckThenActPool(int maxSize, Supplier<? extends T> factory) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
        }
        this.maxSize = maxSize;
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Waits (spinning) until the count says there is room, then takes an object. */
    public T acquire() throws InterruptedException {
        while (leased.get() >= maxSize) {               // check ...
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Thread.yield();
        }
        T object = idle.pollFirst();                     // ... others pass the same check meanwhile ...
        if (object == null) {
            object = factory.get();                      // ... especially while this connects ...
            created.incrementAndGet();
        }
        leased.incrementAndGet();                        // ... then act, too late
        return object;
    }

    /** Returns an object taken by {@link #acquire()}. */
    public void release(T object) {
        idle.offerFirst(object);
        leased.decrementAndGet();
    }

    /** Objects created so far: more than {@code maxSize} once the race has hit. */
    public int created() {
        return created.get();
    }
}

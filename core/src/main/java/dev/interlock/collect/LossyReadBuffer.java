package dev.interlock.collect;

import dev.interlock.counter.StripedCounter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * Striped, bounded, lossy buffers of recorded reads, for {@link LruCache}: many threads add elements
 * without a lock; one thread at a time, holding the owner's lock, takes them out. When a thread's
 * stripe is full, or another thread wins the race for the same slot, the element is dropped: the
 * owner is a cache, and a lost access only makes its recency order a little less exact.
 *
 * <p>Thread-safe for any number of {@link #offer offering} threads and one {@link #drain draining}
 * thread at a time (the caller's lock guarantees it). Package-private: a helper, not a collection.
 *
 * <p>Cost: {@code stripes * STRIPE_SLOTS} references (4 stripes, 64 slots on a 2-core machine;
 * at most 64 stripes); an offer is two volatile reads, one compare-and-set and one release store.
 */
final class LossyReadBuffer<E> {

    /*
     * Implementation notes.
     *
     * Each stripe is a ring of STRIPE_SLOTS slots with two ever-growing counters: `tail` (the next
     * slot to claim, advanced by offering threads with a CAS) and `head` (the next slot to read,
     * advanced only by the drainer). An offer reads tail then head; if tail - head < STRIPE_SLOTS the
     * slot tail & MASK was already emptied by the drainer (the drainer nulls a slot before it
     * advances head past it, and head is read after that store is published), so the offerer claims
     * it with CAS(tail, t, t + 1) and then stores its element with release semantics.
     *
     * A claimed slot may still be null when the drainer reaches it (the offerer is between its CAS
     * and its store): the drainer stops that stripe there and leaves the rest for the next drain.
     * An offer that has returned has stored its element, so a drain that starts after it returns
     * sees it (unless it was dropped): this is what makes single-threaded recency exact.
     *
     * Invariants (per stripe): head <= tail <= head + STRIPE_SLOTS; slots outside [head, tail) are
     * null; slots in [head, tail) hold an element or are claimed but not yet written.
     *
     * Benign race: two offers of one thread's stripe by two threads (threads hash to stripes) race
     * for the CAS; the loser tries the next stripe once and then drops its element.
     */

    /** Slots per stripe: a power of two. */
    static final int STRIPE_SLOTS = 16;
    /** Pending elements in a stripe at which an offer asks its caller to drain. */
    static final int DRAIN_THRESHOLD = STRIPE_SLOTS / 2;
    /** Most stripes a buffer has. */
    private static final int MAX_STRIPES = 64;
    private static final int MASK = STRIPE_SLOTS - 1;

    private static final VarHandle TAIL;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(Stripe.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One ring. */
    private static final class Stripe {
        final Object[] slots = new Object[STRIPE_SLOTS];
        volatile long head; // written only by the drainer
        volatile long tail; // advanced by offerers with CAS
    }

    private final Stripe[] stripes;
    private final StripedCounter dropped = new StripedCounter();

    /** A buffer with two stripes per processor, rounded up to a power of two, at most 64. */
    LossyReadBuffer() {
        int processors = Math.max(1, Runtime.getRuntime().availableProcessors());
        int n = Math.min(MAX_STRIPES, Integer.highestOneBit(processors * 2 - 1) * 2);
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * Adds {@code e} to the calling thread's stripe, or drops it if the stripe is full or contended.
     *
     * @return whether the caller should drain soon: the stripe holds at least
     *         {@link #DRAIN_THRESHOLD} elements, or it was full
     */
    boolean offer(E e) {
        int index = stripeIndex();
        for (int attempt = 0; attempt < 2; attempt++) {
            Stripe s = stripes[(index + attempt) & (stripes.length - 1)];
            long t = s.tail;
            long pending = t - s.head;
            if (pending >= STRIPE_SLOTS) {
                dropped.increment();
                return true;
            }
            if (TAIL.compareAndSet(s, t, t + 1)) {
                SLOT.setRelease(s.slots, (int) (t & MASK), e);
                return pending + 1 >= DRAIN_THRESHOLD;
            }
        }
        dropped.increment();
        return false;
    }

    /**
     * Passes every element offered so far (and published) to {@code action}, stripe by stripe, each
     * stripe in offer order, and empties the buffer of them. Only one thread may drain at a time.
     */
    @SuppressWarnings("unchecked")
    void drain(Consumer<? super E> action) {
        for (Stripe s : stripes) {
            long h = s.head;
            long t = s.tail;
            while (h < t) {
                int i = (int) (h & MASK);
                Object e = SLOT.getAcquire(s.slots, i);
                if (e == null) {
                    break; // claimed, not yet written: the next drain takes it
                }
                s.slots[i] = null; // published by the volatile write of head below
                h++;
                s.head = h;
                action.accept((E) e);
            }
        }
    }

    /** Elements dropped so far because a stripe was full or contended. */
    long dropped() {
        return dropped.get();
    }

    /** Number of stripes (for tests). */
    int stripes() {
        return stripes.length;
    }

    private int stripeIndex() {
        long h = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & (stripes.length - 1);
    }
}

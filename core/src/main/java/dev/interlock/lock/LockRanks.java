package dev.interlock.lock;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unique rank for every object it is shown, assigned on first sight and kept while the object is
 * reachable: the global order in which {@link Locks#lockAll} takes locks.
 *
 * <p>Thread-safe; non-blocking for objects already ranked, except while it removes the entries of
 * collected objects (a reference-queue poll and a map removal, which may lock briefly). Ranks are distinct for distinct
 * objects (a sequence, never reused) and stable for an object's life; they compare objects by
 * identity, whatever their {@code equals}. Memory: one small entry per ranked object, held weakly:
 * an entry goes when its object is collected.
 */
final class LockRanks {

    /*
     * Implementation notes: a ConcurrentHashMap from identity keys to ranks. Stored keys are weak
     * (WeakKey); lookups use a plain, short-lived Probe. Both kinds hash by the referent's identity
     * hash and are equal when their referents are the same live object; a stored key whose referent
     * is gone equals only itself, so equality stays symmetric and a dead entry is never found by a
     * lookup. A first sight assigns the next number of NEXT inside computeIfAbsent, so two threads
     * ranking one new object at once agree on one rank. A rank entry is removed only after its
     * referent is collected (its key arrives on STALE), so a reachable object keeps its rank.
     * identityHashCode only picks a hash bucket here: the order is the rank.
     */

    private static final ConcurrentHashMap<Key, Long> RANKS = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> STALE = new ReferenceQueue<>();
    private static final AtomicLong NEXT = new AtomicLong(1);

    private LockRanks() {
    }

    /** The ranks of {@code objects}, in their order; every element is non-null. */
    static long[] ranksOf(Object[] objects) {
        expungeStale();
        long[] ranks = new long[objects.length];
        for (int i = 0; i < objects.length; i++) {
            ranks[i] = rankOf(objects[i]);
        }
        return ranks;
    }

    /** How many objects have a rank now (collected ones may linger until the next call); for tests. */
    static int size() {
        expungeStale();
        return RANKS.size();
    }

    private static long rankOf(Object object) {
        Long rank = RANKS.get(new Probe(object));
        if (rank == null) {
            rank = RANKS.computeIfAbsent(new WeakKey(object, STALE), key -> NEXT.getAndIncrement());
        }
        return rank;
    }

    private static void expungeStale() {
        Reference<?> stale;
        while ((stale = STALE.poll()) != null) {
            RANKS.remove((WeakKey) stale);
        }
    }

    /** A map key: equal to another when both refer to the same live object. */
    private interface Key {
        Object referent();
    }

    private static boolean sameReferent(Key self, Object other) {
        if (self == other) {
            return true;
        }
        if (!(other instanceof Key key)) {
            return false;
        }
        Object referent = self.referent();
        return referent != null && referent == key.referent();
    }

    /** A stored key: holds its object weakly. */
    private static final class WeakKey extends WeakReference<Object> implements Key {
        private final int hash;

        WeakKey(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public Object referent() {
            return get();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return sameReferent(this, o);
        }
    }

    /** A lookup key, alive for one lookup. */
    private record Probe(Object referent) implements Key {
        @Override
        public int hashCode() {
            return System.identityHashCode(referent);
        }

        @Override
        public boolean equals(Object o) {
            return sameReferent(this, o);
        }
    }
}

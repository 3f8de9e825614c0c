package dev.interlock.lock;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A unique rank for every object it is shown, assigned on first sight and kept while the object is
 * reachable: the global order in which {@link Locks#lockAll} takes locks.
 *
 * <p>Thread-safe. Ranks are distinct for distinct objects (a sequence, never reused) and stable for
 * an object's life; they compare objects by identity, whatever their {@code equals}. Memory: one
 * small entry per ranked object, held weakly: an entry goes when its object is collected.
 */
final class LockRanks {

    /*
     * Implementation notes: a HashMap from weak identity keys to ranks, guarded by LOCK. A key hashes
     * by the object's identity hash and equals another key whose referent is the same object (a key
     * whose referent is gone equals only itself), so a fresh key made for a lookup finds the stored
     * one. Collected objects' keys arrive on STALE and are removed (by identity) at the next call.
     * identityHashCode only picks a hash bucket here: the order is the rank.
     */

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Key, Long> RANKS = new HashMap<>();            // guarded by LOCK
    private static final ReferenceQueue<Object> STALE = new ReferenceQueue<>(); // drained under LOCK
    private static long next = 1;                                           // guarded by LOCK

    private LockRanks() {
    }

    /** The ranks of {@code objects}, in their order; every element is non-null. */
    static long[] ranksOf(Object[] objects) {
        long[] ranks = new long[objects.length];
        LOCK.lock();
        try {
            expungeStale();
            for (int i = 0; i < objects.length; i++) {
                ranks[i] = rankLocked(objects[i]);
            }
        } finally {
            LOCK.unlock();
        }
        return ranks;
    }

    /** How many objects have a rank now (collected ones may linger until the next call); for tests. */
    static int size() {
        LOCK.lock();
        try {
            expungeStale();
            return RANKS.size();
        } finally {
            LOCK.unlock();
        }
    }

    /** Call only when holding LOCK. */
    private static long rankLocked(Object object) {
        assert LOCK.isHeldByCurrentThread();
        Long rank = RANKS.get(new Key(object, null));
        if (rank == null) {
            rank = next++;
            RANKS.put(new Key(object, STALE), rank);
        }
        return rank;
    }

    /** Call only when holding LOCK. */
    private static void expungeStale() {
        assert LOCK.isHeldByCurrentThread();
        java.lang.ref.Reference<?> stale;
        while ((stale = STALE.poll()) != null) {
            RANKS.remove(stale);
        }
    }

    /** A weak reference compared by the referent's identity. */
    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key other)) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == other.get();
        }
    }
}

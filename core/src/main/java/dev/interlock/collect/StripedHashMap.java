package dev.interlock.collect;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A hash map split into stripes, each a small hash table with its own lock: the guide's striped map
 * made into a complete {@link ConcurrentMap}. Writers to different stripes never wait for each other;
 * readers never wait at all.
 *
 * <p>Thread-safe. Every single-key operation is atomic: {@code put}, {@code remove}, {@code putIfAbsent},
 * {@code remove(key, value)}, both {@code replace}s, {@code compute}, {@code computeIfAbsent},
 * {@code computeIfPresent} and {@code merge} run with the key's stripe locked, so a mapping function
 * is applied at most once per call and nobody else updates that key meanwhile. {@code get},
 * {@code containsKey} and {@code getOrDefault} take no lock (see Memory effects).
 *
 * <p><b>Stripes.</b> {@code new StripedHashMap<>(stripes)} rounds {@code stripes} up to a power of two
 * (at most {@value #MAX_STRIPES}; larger requests are clamped); {@link #stripes()} tells the result. The
 * no-argument constructor uses {@value #DEFAULT_STRIPES}. Two keys share a stripe when their spread
 * hashes share top bits, so up to {@code stripes} writers can run at once on keys that hash well.
 *
 * <p><b>Growth.</b> Each stripe owns its table and doubles it, under that stripe's lock only, when it
 * holds more than three quarters of its capacity (per-stripe resizing, as in Java 7's
 * {@code ConcurrentHashMap}): a resize never stops the other stripes, and readers of the resizing
 * stripe keep reading the old table. Tables never shrink; {@link #clear()} gives each stripe a fresh
 * small table.
 *
 * <p><b>Operations on several keys</b> ({@link #size()}, {@link #isEmpty()}, {@link #clear()},
 * {@link #equals(Object)}, {@link #hashCode()}) lock every stripe, always in stripe order (0, 1, ...),
 * so they cannot deadlock with each other whatever their callers do: the failure of hand-rolled
 * lock striping, where two threads take the same two stripes in opposite orders. {@code size()} is
 * therefore exact and linearizable, at the cost of {@code stripes} lock acquisitions; {@code clear()}
 * is atomic for every other locking operation. {@link #putAll(Map)} and {@link #replaceAll(BiFunction)}
 * visit stripes in stripe order, one at a time: atomic per key, not as a whole (as in
 * {@code ConcurrentHashMap}).
 *
 * <p><b>Iteration</b> ({@link #keySet()}, {@link #values()}, {@link #entrySet()}, {@link #forEach}) is
 * weakly consistent: it takes no lock, never throws {@code ConcurrentModificationException}, returns
 * each key present for the whole iteration exactly once and may or may not return keys added or removed
 * meanwhile. {@code Iterator.remove} removes the returned key; {@code Entry.setValue} writes through
 * with {@code put}. {@code containsValue} is a weakly consistent scan. The views' spliterators report
 * {@code CONCURRENT}, not {@code SIZED}.
 *
 * <p><b>Nulls</b>: as in {@code ConcurrentHashMap}, a null key or value (argument or mapping function
 * result where a value is required) throws {@code NullPointerException}; a mapping function returning
 * null means "no mapping". {@code remove(key, null)} returns false.
 *
 * <p><b>Mapping functions</b> run with the key's stripe locked, so they must be short and must not
 * update this map. Updating a key of the same stripe, or calling a whole-map operation, from inside a
 * mapping function throws {@code IllegalStateException} ("recursive update", as
 * {@code ConcurrentHashMap} does in some such cases) and leaves the map intact; reading the map from
 * inside is safe. Updating a key of another stripe is not detected (that would cost every call a
 * scan of all stripes) and can deadlock with a thread doing the converse: don't, as
 * {@code ConcurrentHashMap}'s contract also says. An exception from a mapping function propagates
 * and leaves that key unchanged.
 *
 * <p><b>Memory effects</b>: as for {@code ConcurrentHashMap}, an update of a key happens-before any
 * read of that key that returns the updated value.
 *
 * <p>Where the guarantee stops: reads take no lock, so a reader can see part of a {@code putAll} or
 * {@code clear}; {@code equals}, {@code hashCode} and {@code size} are snapshots, iteration is not.
 * Stripe locks are non-interruptible and short (except while a mapping function runs). Not
 * serializable; not a drop-in for {@code ConcurrentHashMap}'s extra API (bulk parallel operations,
 * {@code mappingCount}, key-set views with a default value).
 *
 * <p>Cost: one lock (about 32 bytes) and one table per stripe, 32 bytes per entry (a node of hash,
 * key, value and next); a resize copies the stripe's nodes.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 */
public final class StripedHashMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V> {

    /*
     * Implementation notes.
     *
     * Layout: `stripes` is a final array of Stripe, each a ReentrantLock (extended, as Java 7's Segment,
     * to save a pointer) holding a volatile table of singly linked Nodes. A key's spread hash picks its
     * stripe by its top bits and its bucket by its low bits, so a stripe's doubling does not move keys
     * between stripes.
     *
     * Invariants (every one holds whenever a stripe's lock is free):
     *  - a key is in at most one node reachable from its stripe's current table, in bucket
     *    (hash & (length - 1)); no node holds a null key or value;
     *  - `count` is the number of nodes reachable from the stripe's current table;
     *  - only the holder of a stripe's lock writes its `table`, a bucket of that table, a node's `next`
     *    or a node's `value`; node hash and key are final;
     *  - a node once unlinked, or left behind in an old table by a resize, is never written again;
     *    its `next` still leads to the rest of its chain as it was.
     *
     * Lock-free reads (get, iteration, containsValue), and why they are safe:
     *  - Publication: a node is fully built before it becomes reachable, and it becomes reachable only
     *    by a volatile write (a bucket, through the TAB VarHandle; a `next` field; or the `table` field,
     *    which publishes a resized table whose buckets were filled before). A reader reaches nodes only
     *    by volatile reads of those same places, so the volatile write-read pair orders the node's
     *    construction before the reader's use: it sees the node's final hash and key, and a value at
     *    least as new as the one it was published with.
     *  - `value` is volatile: a reader sees the last value written before it, or a later one.
     *  - Insertion is at the head of a bucket, removal unlinks by one volatile write of the predecessor's
     *    `next` (or of the bucket) and leaves the removed node's own `next` alone, and a resize copies
     *    nodes into a new table instead of relinking them. So a reader walking any chain, even one of
     *    a table replaced since, walks a chain that was the bucket's true content at some instant
     *    during its walk, give or take the head insertions it missed: what a get returns was the key's
     *    mapping at some instant between its start and its end (linearizable per key).
     * Lincheck (model checking and stress) and jcstress (a get racing a resize) check this.
     *
     * Writers lock the stripe, so `count` is plain (guarded by the stripe). size() locks every stripe
     * in order and sums the counts: a linearizable snapshot. A lock-free sum could report a size
     * that contradicts what gets already saw (a writer publishes its node before it counts it).
     *
     * Recursion: stripe locks are reentrant, so a mapping function that updated its own stripe would
     * re-enter an update half done (a node found, then a resize under it). Every stripe acquisition
     * therefore first checks isHeldByCurrentThread() (a read of the lock's owner, no atomic) and throws
     * IllegalStateException; whole-map operations check every stripe before they lock any.
     */

    /** Stripes of {@code new StripedHashMap<>()}. */
    public static final int DEFAULT_STRIPES = 16;
    /** Most stripes a map has; larger requests are clamped to it (as {@code ConcurrentHashMap}'s). */
    public static final int MAX_STRIPES = 1 << 16;
    /** Buckets of a new stripe's table. */
    static final int INITIAL_STRIPE_CAPACITY = 2;
    /** Most buckets of one stripe's table: beyond it chains grow instead. */
    static final int MAX_STRIPE_CAPACITY = 1 << 30;

    private static final VarHandle TAB = MethodHandles.arrayElementVarHandle(Node[].class);

    private final Stripe<K, V>[] stripes;
    /** Right shift that leaves the top log2(stripes) bits of a spread hash. */
    private final int stripeShift;
    /** stripes.length - 1. */
    private final int stripeMask;

    // Views: benign race, they are stateless, so two threads may create two equal views.
    private Set<K> keySetView;
    private Collection<V> valuesView;
    private Set<Map.Entry<K, V>> entrySetView;

    /** An empty map with {@value #DEFAULT_STRIPES} stripes. */
    public StripedHashMap() {
        this(DEFAULT_STRIPES);
    }

    /**
     * An empty map with {@code stripes} stripes, rounded up to a power of two and clamped to
     * {@value #MAX_STRIPES}.
     *
     * @throws IllegalArgumentException if {@code stripes < 1}
     */
    @SuppressWarnings("unchecked")
    public StripedHashMap(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("stripes must be at least 1: " + stripes);
        }
        int n = stripes >= MAX_STRIPES ? MAX_STRIPES : Integer.highestOneBit((stripes << 1) - 1);
        this.stripes = (Stripe<K, V>[]) new Stripe<?, ?>[n];
        for (int i = 0; i < n; i++) {
            this.stripes[i] = new Stripe<>();
        }
        this.stripeShift = 32 - Integer.numberOfTrailingZeros(n); // 32 for one stripe: >>> 32 is a no-op
        this.stripeMask = n - 1;
    }

    /** The number of stripes: the constructor's argument rounded up to a power of two. */
    public int stripes() {
        return stripes.length;
    }

    /** Mixes the high bits of a hash code into the low ones and the low into the high. */
    static int spread(int h) {
        h *= 0x9E3779B9; // golden-ratio multiply: every input bit reaches the top bits
        return h ^ (h >>> 16);
    }

    private Stripe<K, V> stripeFor(int hash) {
        return stripes[(hash >>> stripeShift) & stripeMask];
    }

    // ------------------------------------------------------------------ reads (lock-free)

    @Override
    public V get(Object key) {
        int h = spread(key.hashCode()); // NPE for a null key, as ConcurrentHashMap
        Node<K, V>[] tab = stripeFor(h).table;
        for (Node<K, V> e = tabAt(tab, h & (tab.length - 1)); e != null; e = e.next) {
            if (e.hash == h && key.equals(e.key)) {
                return e.value;
            }
        }
        return null;
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        V v = get(key);
        return v != null ? v : defaultValue;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    /** A weakly consistent scan of every stripe: O(size), takes no lock. */
    @Override
    public boolean containsValue(Object value) {
        Objects.requireNonNull(value, "value");
        for (Stripe<K, V> s : stripes) {
            Node<K, V>[] tab = s.table;
            for (int i = 0; i < tab.length; i++) {
                for (Node<K, V> e = tabAt(tab, i); e != null; e = e.next) {
                    if (value.equals(e.value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Weakly consistent, no lock: {@code action} sees each entry as it was at some instant. */
    @Override
    public void forEach(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        for (Stripe<K, V> s : stripes) {
            Node<K, V>[] tab = s.table;
            for (int i = 0; i < tab.length; i++) {
                for (Node<K, V> e = tabAt(tab, i); e != null; e = e.next) {
                    action.accept(e.key, e.value);
                }
            }
        }
    }

    // ------------------------------------------------------------------ single-key updates

    @Override
    public V put(K key, V value) {
        Objects.requireNonNull(value, "value");
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e != null) {
                V old = e.value;
                e.value = value;
                return old;
            }
            s.insert(h, key, value);
            return null;
        } finally {
            s.unlock();
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        Objects.requireNonNull(value, "value");
        V present = get(key); // present now: the answer, with no lock taken
        if (present != null) {
            return present;
        }
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e != null) {
                return e.value;
            }
            s.insert(h, key, value);
            return null;
        } finally {
            s.unlock();
        }
    }

    @Override
    public V remove(Object key) {
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null) {
                return null;
            }
            s.unlink(e);
            return e.value;
        } finally {
            s.unlock();
        }
    }

    /** Removes {@code key} only while it maps to {@code value}; false for a null value. */
    @Override
    public boolean remove(Object key, Object value) {
        int h = spread(key.hashCode());
        if (value == null) {
            return false;
        }
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null || !value.equals(e.value)) {
                return false;
            }
            s.unlink(e);
            return true;
        } finally {
            s.unlock();
        }
    }

    @Override
    public V replace(K key, V value) {
        Objects.requireNonNull(value, "value");
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null) {
                return null;
            }
            V old = e.value;
            e.value = value;
            return old;
        } finally {
            s.unlock();
        }
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue");
        Objects.requireNonNull(newValue, "newValue");
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null || !oldValue.equals(e.value)) {
                return false;
            }
            e.value = newValue;
            return true;
        } finally {
            s.unlock();
        }
    }

    /**
     * Atomic: {@code mappingFunction} is applied at most once, with the key's stripe locked, and only
     * if the key is absent. See the class doc on what a mapping function may do.
     *
     * @throws IllegalStateException if called from a mapping function running on the same stripe
     */
    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        V present = get(key);
        if (present != null) {
            return present;
        }
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e != null) {
                return e.value;
            }
            V value = mappingFunction.apply(key);
            if (value != null) {
                s.insert(h, key, value);
            }
            return value;
        } finally {
            s.unlock();
        }
    }

    /**
     * Atomic: {@code remappingFunction} is applied at most once, with the key's stripe locked, and only
     * if the key is present; a null result removes the key.
     *
     * @throws IllegalStateException if called from a mapping function running on the same stripe
     */
    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        if (get(key) == null) {
            return null;
        }
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null) {
                return null;
            }
            return s.setOrUnlink(e, remappingFunction.apply(key, e.value));
        } finally {
            s.unlock();
        }
    }

    /**
     * Atomic: {@code remappingFunction} is applied exactly once, with the key's stripe locked, to the
     * current value or null; a null result removes the key (or leaves it absent).
     *
     * @throws IllegalStateException if called from a mapping function running on the same stripe
     */
    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e != null) {
                return s.setOrUnlink(e, remappingFunction.apply(key, e.value));
            }
            V value = remappingFunction.apply(key, null);
            if (value != null) {
                s.insert(h, key, value);
            }
            return value;
        } finally {
            s.unlock();
        }
    }

    /**
     * Atomic: puts {@code value} if the key is absent, else applies {@code remappingFunction} once, with
     * the key's stripe locked, to the old value and {@code value}; a null result removes the key.
     *
     * @throws IllegalStateException if called from a mapping function running on the same stripe
     */
    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remappingFunction, "remappingFunction");
        int h = spread(key.hashCode());
        Stripe<K, V> s = lock(h);
        try {
            Node<K, V> e = s.find(h, key);
            if (e == null) {
                s.insert(h, key, value);
                return value;
            }
            return s.setOrUnlink(e, remappingFunction.apply(e.value, value));
        } finally {
            s.unlock();
        }
    }

    /** Locks the stripe of {@code hash}, refusing a recursive update from a mapping function. */
    private Stripe<K, V> lock(int hash) {
        Stripe<K, V> s = stripeFor(hash);
        if (s.isHeldByCurrentThread()) {
            throw new IllegalStateException("recursive update: a mapping function updated its own stripe");
        }
        s.lock();
        return s;
    }

    // ------------------------------------------------------------------ several keys

    /**
     * Exact: the number of keys at one instant, counted with every stripe locked (in stripe order).
     * Costs {@link #stripes()} lock acquisitions. At most {@code Integer.MAX_VALUE}.
     *
     * @throws IllegalStateException if called from a mapping function
     */
    @Override
    public int size() {
        lockAll();
        try {
            long n = 0;
            for (Stripe<K, V> s : stripes) {
                n += s.count;
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        } finally {
            unlockAll();
        }
    }

    /** Exact, as {@link #size()}, and at the same cost. */
    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Removes every key, with every stripe locked (in stripe order): atomic for every locking operation,
     * not for concurrent lock-free readers. Each stripe starts again from a small table.
     *
     * @throws IllegalStateException if called from a mapping function
     */
    @Override
    public void clear() {
        lockAll();
        try {
            for (Stripe<K, V> s : stripes) {
                s.reset();
            }
        } finally {
            unlockAll();
        }
    }

    /**
     * Puts every mapping of {@code m}. The mappings are copied and checked first (a null key or value
     * throws {@code NullPointerException} before anything is put), then put stripe by stripe in stripe
     * order, each stripe locked once: atomic per key, not as a whole.
     *
     * @throws IllegalStateException if called from a mapping function
     */
    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        int n = m.size(); // NPE if m is null; only a hint, m may be concurrent
        List<K> keys = new ArrayList<>(n);
        List<V> values = new ArrayList<>(n);
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            keys.add(Objects.requireNonNull(e.getKey(), "null key in the argument of putAll"));
            values.add(Objects.requireNonNull(e.getValue(), "null value in the argument of putAll"));
        }
        n = keys.size();
        int[] hashes = new int[n];
        int[] from = new int[stripes.length + 1];
        for (int i = 0; i < n; i++) {
            hashes[i] = spread(keys.get(i).hashCode());
            from[((hashes[i] >>> stripeShift) & stripeMask) + 1]++;
        }
        requireNoStripeHeld();
        // Counting sort by stripe: order[from[s] .. from[s + 1]) are the indexes of stripe s's entries.
        for (int s = 0; s < stripes.length; s++) {
            from[s + 1] += from[s];
        }
        int[] next = from.clone();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[next[(hashes[i] >>> stripeShift) & stripeMask]++] = i;
        }
        for (int si = 0; si < stripes.length; si++) {
            if (from[si] == from[si + 1]) {
                continue;
            }
            Stripe<K, V> s = stripes[si];
            s.lock();
            try {
                for (int j = from[si]; j < from[si + 1]; j++) {
                    int i = order[j];
                    Node<K, V> e = s.find(hashes[i], keys.get(i));
                    if (e != null) {
                        e.value = values.get(i);
                    } else {
                        s.insert(hashes[i], keys.get(i), values.get(i));
                    }
                }
            } finally {
                s.unlock();
            }
        }
    }

    /**
     * Replaces each value with {@code function}'s result, stripe by stripe in stripe order, with that
     * stripe locked: atomic per key, applied once per key present when its stripe is reached.
     *
     * @throws NullPointerException  if {@code function} returns null (the keys done so far stay replaced)
     * @throws IllegalStateException if called from a mapping function
     */
    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function");
        requireNoStripeHeld();
        for (Stripe<K, V> s : stripes) {
            s.lock();
            try {
                Node<K, V>[] tab = s.table;
                for (int i = 0; i < tab.length; i++) {
                    for (Node<K, V> e = tabAt(tab, i); e != null; e = e.next) {
                        e.value = Objects.requireNonNull(function.apply(e.key, e.value), "function result");
                    }
                }
            } finally {
                s.unlock();
            }
        }
    }

    /**
     * Compares with every stripe of this map locked (in stripe order) for a snapshot of its entries,
     * then, with no lock held, with {@code o}: not atomic across the two maps.
     */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Map<?, ?> other)) {
            return false;
        }
        List<Node<K, V>> mine = snapshot();
        try {
            if (other.size() != mine.size()) {
                return false;
            }
            for (Node<K, V> e : mine) {
                if (!e.value.equals(other.get(e.key))) {
                    return false;
                }
            }
        } catch (ClassCastException | NullPointerException unused) {
            return false; // `other` refuses our keys: not equal (AbstractMap.equals does the same)
        }
        return true;
    }

    /** The sum of the entries' hash codes, with every stripe locked (in stripe order). */
    @Override
    public int hashCode() {
        lockAll();
        try {
            int h = 0;
            for (Stripe<K, V> s : stripes) {
                Node<K, V>[] tab = s.table;
                for (Node<K, V> first : tab) {
                    for (Node<K, V> e = first; e != null; e = e.next) {
                        h += e.key.hashCode() ^ e.value.hashCode();
                    }
                }
            }
            return h;
        } finally {
            unlockAll();
        }
    }

    /** Copies of the current nodes (key and value as one pair each), taken with every stripe locked. */
    private List<Node<K, V>> snapshot() {
        lockAll();
        try {
            List<Node<K, V>> copy = new ArrayList<>();
            for (Stripe<K, V> s : stripes) {
                for (Node<K, V> first : s.table) {
                    for (Node<K, V> e = first; e != null; e = e.next) {
                        copy.add(new Node<>(e.hash, e.key, e.value, null));
                    }
                }
            }
            return copy;
        } finally {
            unlockAll();
        }
    }

    /** Locks every stripe in stripe order: the one global order that makes whole-map operations deadlock-free. */
    private void lockAll() {
        requireNoStripeHeld();
        for (Stripe<K, V> s : stripes) {
            s.lock();
        }
    }

    private void unlockAll() {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].unlock();
        }
    }

    /** A whole-map operation from a mapping function would hold one stripe while waiting for the others. */
    private void requireNoStripeHeld() {
        for (Stripe<K, V> s : stripes) {
            if (s.isHeldByCurrentThread()) {
                throw new IllegalStateException("recursive update: a whole-map operation from a mapping function");
            }
        }
    }

    /** The stripe of {@code key}, for tests. */
    int stripeOf(Object key) {
        return (spread(key.hashCode()) >>> stripeShift) & stripeMask;
    }

    /** Buckets per stripe, for tests: shows growth. */
    int[] stripeCapacities() {
        int[] c = new int[stripes.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = stripes[i].table.length;
        }
        return c;
    }

    // ------------------------------------------------------------------ views

    /** Weakly consistent; {@code remove} and {@code Iterator.remove} remove keys; no {@code add}. */
    @Override
    public Set<K> keySet() {
        Set<K> v = keySetView;
        return v != null ? v : (keySetView = new KeySet());
    }

    /** Weakly consistent; {@code remove} removes one key with that value; no {@code add}. */
    @Override
    public Collection<V> values() {
        Collection<V> v = valuesView;
        return v != null ? v : (valuesView = new Values());
    }

    /**
     * Weakly consistent; {@code Entry.setValue} writes through with {@code put}; {@code remove(entry)}
     * is {@code remove(key, value)}; no {@code add}.
     */
    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        Set<Map.Entry<K, V>> v = entrySetView;
        return v != null ? v : (entrySetView = new EntrySet());
    }

    private final class KeySet extends AbstractSet<K> {
        @Override
        public Iterator<K> iterator() {
            return new MapIterator<>(e -> e.key);
        }

        @Override
        public Spliterator<K> spliterator() {
            return Spliterators.spliteratorUnknownSize(iterator(),
                    Spliterator.CONCURRENT | Spliterator.DISTINCT | Spliterator.NONNULL);
        }

        @Override
        public int size() {
            return StripedHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return StripedHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return StripedHashMap.this.remove(o) != null;
        }

        @Override
        public void clear() {
            StripedHashMap.this.clear();
        }
    }

    private final class Values extends AbstractCollection<V> {
        @Override
        public Iterator<V> iterator() {
            return new MapIterator<>(e -> e.value);
        }

        @Override
        public Spliterator<V> spliterator() {
            return Spliterators.spliteratorUnknownSize(iterator(), Spliterator.CONCURRENT | Spliterator.NONNULL);
        }

        @Override
        public int size() {
            return StripedHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return StripedHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return containsValue(o);
        }

        @Override
        public void clear() {
            StripedHashMap.this.clear();
        }
    }

    private final class EntrySet extends AbstractSet<Map.Entry<K, V>> {
        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new MapIterator<>(e -> new WriteThroughEntry(e.key, e.value));
        }

        @Override
        public Spliterator<Map.Entry<K, V>> spliterator() {
            return Spliterators.spliteratorUnknownSize(iterator(),
                    Spliterator.CONCURRENT | Spliterator.DISTINCT | Spliterator.NONNULL);
        }

        @Override
        public int size() {
            return StripedHashMap.this.size();
        }

        @Override
        public boolean isEmpty() {
            return StripedHashMap.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            V v = get(e.getKey());
            return v != null && v.equals(e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null
                    && StripedHashMap.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            StripedHashMap.this.clear();
        }
    }

    /** An entry returned by the entry-set iterator: a snapshot whose {@code setValue} writes through. */
    private final class WriteThroughEntry extends AbstractMap.SimpleEntry<K, V> {
        WriteThroughEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            V old = super.setValue(value);
            put(getKey(), value);
            return old;
        }
    }

    /** A node, read when the iterator reaches it, turned into what the view returns. */
    @FunctionalInterface
    private interface NodeReader<K, V, T> {
        T read(Node<K, V> node);
    }

    /**
     * Walks stripe 0's table bucket by bucket, then stripe 1's, and so on, reading each stripe's table
     * when it gets there. No lock: see the class's implementation notes.
     */
    private final class MapIterator<T> implements Iterator<T> {
        private final NodeReader<K, V, T> reader;
        private int nextStripe;
        private Node<K, V>[] tab;
        private int nextBucket;
        private Node<K, V> next;
        private K lastKey;

        MapIterator(NodeReader<K, V, T> reader) {
            this.reader = reader;
            advance();
        }

        private void advance() {
            if (next != null) {
                next = next.next;
            }
            while (next == null) {
                if (tab != null && nextBucket < tab.length) {
                    next = tabAt(tab, nextBucket++);
                } else if (nextStripe < stripes.length) {
                    tab = stripes[nextStripe++].table;
                    nextBucket = 0;
                } else {
                    return;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public T next() {
            Node<K, V> e = next;
            if (e == null) {
                throw new NoSuchElementException();
            }
            T result = reader.read(e);
            lastKey = e.key;
            advance();
            return result;
        }

        @Override
        public void remove() {
            if (lastKey == null) {
                throw new IllegalStateException("next() not called, or remove() already called");
            }
            StripedHashMap.this.remove(lastKey);
            lastKey = null;
        }
    }

    // ------------------------------------------------------------------ internals

    @SuppressWarnings("unchecked")
    private static <K, V> Node<K, V> tabAt(Node<K, V>[] tab, int i) {
        return (Node<K, V>) TAB.getVolatile(tab, i);
    }

    private static <K, V> void setTabAt(Node<K, V>[] tab, int i, Node<K, V> node) {
        TAB.setVolatile(tab, i, node);
    }

    /** A mapping. Hash and key never change; value and next change only under the stripe's lock. */
    private static final class Node<K, V> {
        final int hash;
        final K key;
        volatile V value;
        volatile Node<K, V> next;

        Node(int hash, K key, V value, Node<K, V> next) {
            this.hash = hash;
            this.key = key;
            this.value = value;
            this.next = next;
        }
    }

    /**
     * One stripe: a lock and the table of the keys whose spread hash has this stripe's top bits. Every
     * method requires the lock (asserted).
     */
    private static final class Stripe<K, V> extends ReentrantLock {
        /** Written only with the lock held; read by lock-free readers. Length a power of two. */
        volatile Node<K, V>[] table = newTable(INITIAL_STRIPE_CAPACITY);
        /** Nodes reachable from `table`. */
        int count; // guarded by this (the stripe's lock)

        @SuppressWarnings("unchecked")
        private static <K, V> Node<K, V>[] newTable(int length) {
            return (Node<K, V>[]) new Node<?, ?>[length];
        }

        /** The node of {@code key}, or null. Call only when holding the lock. */
        Node<K, V> find(int hash, Object key) {
            assert isHeldByCurrentThread();
            Node<K, V>[] tab = table;
            for (Node<K, V> e = tab[hash & (tab.length - 1)]; e != null; e = e.next) {
                if (e.hash == hash && key.equals(e.key)) {
                    return e;
                }
            }
            return null;
        }

        /** Adds a node for a key known to be absent, growing the table past 3/4 full. Call only when holding the lock. */
        void insert(int hash, K key, V value) {
            assert isHeldByCurrentThread();
            Node<K, V>[] tab = table;
            int i = hash & (tab.length - 1);
            setTabAt(tab, i, new Node<>(hash, key, value, tab[i]));
            if (++count > tab.length - (tab.length >>> 2) && tab.length < MAX_STRIPE_CAPACITY) {
                grow(tab);
            }
        }

        /** Unlinks {@code node}, which is in the table. Call only when holding the lock. */
        void unlink(Node<K, V> node) {
            assert isHeldByCurrentThread();
            Node<K, V>[] tab = table;
            int i = node.hash & (tab.length - 1);
            Node<K, V> e = tab[i];
            if (e == node) {
                setTabAt(tab, i, node.next);
            } else {
                while (e.next != node) {
                    e = e.next;
                }
                e.next = node.next; // volatile write: readers past `e` skip the node from now on
            }
            count--;
        }

        /** Sets {@code node}'s value, or unlinks it for a null value; returns {@code value}. Call only when holding the lock. */
        V setOrUnlink(Node<K, V> node, V value) {
            if (value == null) {
                unlink(node);
            } else {
                node.value = value;
            }
            return value;
        }

        /** Doubles the table: copies every node into a new table, then publishes it. Call only when holding the lock. */
        private void grow(Node<K, V>[] old) {
            Node<K, V>[] tab = newTable(old.length << 1);
            int mask = tab.length - 1;
            for (Node<K, V> first : old) {
                for (Node<K, V> e = first; e != null; e = e.next) {
                    int j = e.hash & mask;
                    tab[j] = new Node<>(e.hash, e.key, e.value, tab[j]); // plain: published below
                }
            }
            table = tab; // volatile write publishes the new table and every node in it
        }

        /** Empties the stripe. Call only when holding the lock. */
        void reset() {
            assert isHeldByCurrentThread();
            table = newTable(INITIAL_STRIPE_CAPACITY);
            count = 0;
        }
    }
}

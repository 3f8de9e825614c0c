package dev.interlock.collect;

import dev.interlock.counter.StripedCounter;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A bounded cache that evicts the least recently used entry: the guide's LRU cache, made safe for
 * many threads without making every read wait for one lock.
 *
 * <p>Sample usage:
 * <pre>{@code
 * LruCache<String, Page> pages = new LruCache<>(1_000, (url, page) -> page.release());
 * Page p = pages.computeIfAbsent(url, this::fetch); // one fetch per url, however many threads ask
 * LruCache.Stats s = pages.stats();                  // hits, misses, evictions
 * }</pre>
 *
 * <h2>Capacity and eviction</h2>
 * Fixed at construction, at least 1. A write that inserts a key into a full cache evicts the least
 * recently used entry in the same step: no thread, not even a concurrent reader, ever sees more than
 * {@code capacity} entries, nor a moment where the victim is gone and the new key not yet there.
 * "Used" means read by {@link #get}, {@link #computeIfAbsent} (a hit), or the view's
 * {@code get}, or written by {@link #put} and the view's writes. {@link #peek}, {@code containsKey}
 * and iteration do not count as uses.
 *
 * <h2>Recency order under concurrency (where the guarantee stops)</h2>
 * A thread that uses the cache alone sees exact LRU order: every eviction follows the order of its
 * reads and writes. With several threads, writes are applied in the order they take the cache's lock,
 * but reads are not: a hit records its access in a small per-thread-stripe buffer that is replayed
 * under the lock later (by the next write, or by a reader once a stripe fills up). So
 * <ul>
 *   <li>reads by different threads may be applied in a different order than they happened (each
 *       stripe's reads keep their order), and</li>
 *   <li>an access is dropped, never applied, when its stripe is full or contended; under heavy read
 *       load some hot entries therefore look less recent than they are.</li>
 * </ul>
 * Both only affect which entry is chosen as the next victim, never the contents' consistency: every
 * read and write that returned before a write began is applied before that write evicts. Caffeine
 * documents the same trade-off for its read buffers.
 *
 * <h2>What is exact (linearizable)</h2>
 * {@link #get}, {@link #peek}, {@link #put}, {@link #remove}, {@link #size}, {@link #computeIfAbsent}
 * and the view's single-key operations and {@code clear} take effect atomically at one instant between
 * their call and return: values, presence and {@code size()} are exact. {@link #stats()} is not a
 * snapshot while operations run (its counters are read one by one).
 *
 * <h2>Loading: computeIfAbsent</h2>
 * At most one thread loads a key at a time: the first caller that misses runs the loader, outside the
 * cache's lock; other callers for the same key wait for that load and return its value (they count
 * as misses). If the loader returns {@code null}, nothing is cached and every caller of that load gets
 * {@code null}. If the loader throws, nothing is cached, the loading thread gets the exception as
 * thrown, and every waiter of that load gets the same exception object (an unchecked exception or
 * error; a checked exception thrown sneakily arrives wrapped in a {@link CompletionException}); a
 * later call loads again. If a {@link #put} of the key completes while it loads, the put wins: the
 * loaded value is discarded and the put's value returned.
 *
 * <p><b>Interruption:</b> {@link #computeIfAbsent(Object, Function)} waits for another thread's load
 * uninterruptibly, as {@link ConcurrentHashMap#computeIfAbsent} does, and returns with the thread's
 * interrupt status set if it was interrupted meanwhile; its twin
 * {@link #computeIfAbsent(Object, Function, Duration)} waits at most a timeout and throws
 * {@link InterruptedException} if interrupted while it waits. The loader itself runs in the caller's
 * thread and is never interrupted by the cache.
 *
 * <p><b>Recursion:</b> a loader must not call {@code computeIfAbsent} (either variant, or the view's)
 * on the same cache, for any key: that call throws {@link IllegalStateException}. Loading another key
 * from a loader could deadlock with a thread loading them in the other order, so it is refused too.
 * A loader may use {@link #get}, {@link #put} and {@link #remove}. Where detection stops: a loader that
 * hands the nested load to another thread and waits for it deadlocks, as with
 * {@code ConcurrentHashMap}.
 *
 * <h2>Eviction listener</h2>
 * Optional; called once for each entry evicted to respect the capacity (not for {@code remove},
 * {@code clear} or a value replaced by {@code put}), with the evicted key and value, on the thread
 * whose write caused the eviction ({@code put}, a view write, or the loading thread of a
 * {@code computeIfAbsent}), after the cache's lock is released and before that write returns. The
 * listener may use the cache. If it throws, the exception propagates from the write that caused the
 * eviction; the write and the eviction have already taken effect.
 *
 * <h2>Statistics</h2>
 * {@link #stats()}: hits and misses of {@link #get} and {@link #computeIfAbsent} (the view and
 * {@link #peek} record none), and evictions. Without concurrent operations,
 * {@code hits + misses} is the number of those calls and {@code evictions} the number of listener
 * calls.
 *
 * <h2>Nulls and bad input</h2>
 * Keys, values, loaders and timeouts may not be {@code null} ({@link NullPointerException}); a
 * capacity below 1 is an {@link IllegalArgumentException}. A rejected call changes nothing.
 *
 * <h2>Memory consistency effects</h2>
 * As {@link ConcurrentHashMap}: actions in a thread before it puts a value (or returns it from a
 * loader) happen-before actions after another thread reads that value from the cache.
 *
 * <h2>Cost</h2>
 * A hit is a {@code ConcurrentHashMap} lookup, three volatile reads, a striped counter increment and
 * one compare-and-set into the read buffer; no lock, except an uncontended {@code tryLock} once every
 * few hits to replay the buffer. Writes and {@link #size()} take the one lock. Keys' {@code hashCode}
 * and {@code equals} run under that lock during writes. Memory: one node (about 40 bytes) per entry
 * plus the map's, and a fixed read buffer of {@code 16 * 2 * processors} references (at most 1,024).
 * {@code bench/.../LruCacheBench} compares it with a {@code synchronized} {@code LinkedHashMap} and
 * Caffeine (targets: 3x the former at 90% reads, half the latter).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LruCache<K, V> {

    /*
     * Implementation notes.
     *
     * Structure: `map` (ConcurrentHashMap key -> Node) serves lookups without a lock. `order`, a
     * circular doubly linked list through the nodes with a sentinel (order.next = least recently used,
     * order.prev = most recent), `size`, and every change to `map` are guarded by `lock`. Readers never
     * touch the list: a hit offers its node to `reads` (LossyReadBuffer); whoever holds the lock
     * replays the buffer, moving each node still linked to the most recent end.
     *
     * Writes: lock, drain the read buffer (so every read that returned before the write is applied
     * first), apply the change, unlock, then call the eviction listener. Evicting inserts:
     * size == capacity, so the write evicts order.next. To make the two keys change at one instant
     * for lock-free readers, both nodes share a Commit: the new node is published with
     * insertedBy = c and the victim marked evictedBy = c; readers treat a node whose insertedBy is not
     * yet done as absent and one whose evictedBy is done as absent; the single volatile write
     * c.done = true is the insert's linearization point; then the victim leaves the map and the list.
     * clear() uses one Commit for every node the same way. Readers check insertedBy, then read the
     * value, then check evictedBy: the value read is one the node held while visible.
     *
     * size() takes the lock: a lock-free count would be seen to change before or after the key it
     * counts. Under the lock every node in `map` is visible (commits complete within one lock hold).
     *
     * Loads: `loads` (ConcurrentHashMap key -> Load) has at most one Load per key. A caller that misses
     * registers its Load with putIfAbsent; if one is there it waits on that Load's latch instead. The
     * registered loader re-checks `map` (a load that finished between its miss and its registration
     * inserted before deregistering), runs the loader without the lock, inserts under the lock (unless
     * a put got there first), deregisters, then completes the Load, waking the waiters. `loadingKey`
     * (a ThreadLocal) marks a thread inside a loader, for the recursion check; it is consulted only
     * when `loads` is not empty, so the hit path pays nothing for it.
     *
     * Invariants (under the lock, between operations): size == number of nodes in the list == number of
     * entries in `map` <= capacity; a node is in `map` iff it is linked (prev != null); no node has an
     * undone Commit; `evictions` only grows and equals the number of evicted victims.
     */

    /** Largest initial table the lookup map is given, in entries (it grows as needed). */
    private static final int MAX_INITIAL_TABLE = 1 << 12;
    /** The listener of a cache constructed without one. */
    private static final BiConsumer<Object, Object> NO_LISTENER = (key, value) -> { };

    private final int capacity;
    private final BiConsumer<? super K, ? super V> evictionListener;
    private final ConcurrentHashMap<K, Node<K, V>> map;
    private final ReentrantLock lock = new ReentrantLock();
    private final Node<K, V> order = new Node<>(null, null); // sentinel; guarded by lock
    private int size; // guarded by lock
    private volatile long evictions; // written only under lock
    private final StripedCounter hits = new StripedCounter();
    private final StripedCounter misses = new StripedCounter();
    private final LossyReadBuffer<Node<K, V>> reads = new LossyReadBuffer<>();
    private final ConcurrentHashMap<K, Load<V>> loads = new ConcurrentHashMap<>();
    private final ThreadLocal<Object> loadingKey = new ThreadLocal<>();
    private AsMap view; // benign race: every thread that sees null creates an equivalent view

    /**
     * An empty cache of at most {@code capacity} entries, without an eviction listener.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public LruCache(int capacity) {
        this(capacity, NO_LISTENER);
    }

    /**
     * An empty cache of at most {@code capacity} entries that calls {@code evictionListener} with the
     * key and value of each entry it evicts (see the class doc for when and on which thread).
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     * @throws NullPointerException     if {@code evictionListener} is null
     */
    public LruCache(int capacity, BiConsumer<? super K, ? super V> evictionListener) {
        Objects.requireNonNull(evictionListener, "evictionListener");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.evictionListener = evictionListener;
        this.map = new ConcurrentHashMap<>(Math.min(capacity, MAX_INITIAL_TABLE));
        order.prev = order;
        order.next = order;
    }

    /** The most entries this cache holds. */
    public int capacity() {
        return capacity;
    }

    /**
     * The value of {@code key}, or {@code null} if absent; a hit marks the entry as used and counts a
     * hit, an absent key counts a miss.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public V get(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> n = map.get(key);
        V v = n == null ? null : visibleValue(n);
        if (v == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        recordAccess(n);
        return v;
    }

    /**
     * The value of {@code key}, or {@code null} if absent, without marking it used or counting a hit or
     * miss.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public V peek(K key) {
        Objects.requireNonNull(key, "key");
        Node<K, V> n = map.get(key);
        return n == null ? null : visibleValue(n);
    }

    /**
     * Maps {@code key} to {@code value} and marks it used, evicting the least recently used entry if
     * the key is new and the cache is full.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     * @throws RuntimeException     whatever the eviction listener throws, after the put took effect
     */
    public void put(K key, V value) {
        write(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), false);
    }

    /**
     * Removes {@code key}'s entry, if any (the eviction listener is not called).
     *
     * @return the removed value, or {@code null} if the key was absent
     * @throws NullPointerException if {@code key} is null
     */
    public V remove(K key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            drainReads();
            Node<K, V> n = map.get(key);
            if (n == null) {
                return null;
            }
            unlinkAndUnmap(n);
            return n.value;
        } finally {
            lock.unlock();
        }
    }

    /** The number of entries, exactly (it takes the cache's lock briefly). */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The value of {@code key}, loading it with {@code loader} if absent: at most one load per key at a
     * time, other callers wait for it uninterruptibly. See the class doc for nulls, exceptions and
     * recursion.
     *
     * @return the present or loaded value, or {@code null} if the loader returned {@code null}
     * @throws NullPointerException  if {@code key} or {@code loader} is null
     * @throws IllegalStateException if called from a loader of this cache
     * @throws RuntimeException      what the loader threw (in the loading thread and every waiter)
     */
    public V computeIfAbsent(K key, Function<? super K, ? extends V> loader) {
        try {
            return computeIfAbsent(key, loader, true, -1L);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("an untimed, uninterruptible wait threw " + e, e);
        }
    }

    /**
     * As {@link #computeIfAbsent(Object, Function)}, but waits for another thread's load of the key at
     * most {@code timeout}, interruptibly. A load this call starts itself runs to completion.
     *
     * @throws InterruptedException if interrupted while waiting for another thread's load (the load
     *                              goes on)
     * @throws TimeoutException     if another thread's load did not complete within {@code timeout}
     *                              (the load goes on)
     * @throws NullPointerException if {@code key}, {@code loader} or {@code timeout} is null
     */
    public V computeIfAbsent(K key, Function<? super K, ? extends V> loader, Duration timeout)
            throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        return computeIfAbsent(key, loader, true, nanos);
    }

    /** Hits, misses and evictions so far; see the class doc. */
    public Stats stats() {
        return new Stats(hits.get(), misses.get(), evictions);
    }

    /**
     * A live {@link ConcurrentMap} view: its reads and writes are the cache's (with the same capacity,
     * eviction and listener), except that its reads record no statistics. {@code computeIfAbsent} is
     * the cache's (one load per key); {@code compute}, {@code computeIfPresent} and {@code merge} are
     * {@code ConcurrentMap}'s default retry loops, whose function may run more than once under
     * contention. Iteration is weakly consistent, in no particular order, and not a use; iterators
     * support {@code remove}, entries {@code setValue}. Nulls are refused as keys, values and query
     * arguments ({@link NullPointerException}), as {@link ConcurrentHashMap} does.
     */
    public ConcurrentMap<K, V> asMap() {
        AsMap v = view;
        if (v == null) {
            v = new AsMap();
            view = v;
        }
        return v;
    }

    /** Records read by this cache's read buffer but dropped (stripe full or contended), for the lab. */
    public long droppedReads() {
        return reads.dropped();
    }

    @Override
    public String toString() {
        return "LruCache[size=" + size() + ", capacity=" + capacity + "]";
    }

    /**
     * Counts since the cache was created.
     *
     * @param hits      calls of {@code get} and {@code computeIfAbsent} that found a value
     * @param misses    calls that did not (and, for {@code computeIfAbsent}, loaded or waited for a load)
     * @param evictions entries evicted to respect the capacity
     */
    public record Stats(long hits, long misses, long evictions) {

        /** {@code hits + misses}. */
        public long requests() {
            return hits + misses;
        }

        /** {@code hits / requests}, or 1.0 when there were no requests (as Caffeine reports it). */
        public double hitRate() {
            long r = requests();
            return r == 0 ? 1.0 : (double) hits / r;
        }
    }

    // ------------------------------------------------------------------ reads

    /** The node's value if the node is visible to readers, else null. Lock-free. */
    private static <K, V> V visibleValue(Node<K, V> n) {
        Commit inserted = n.insertedBy;
        if (inserted != null && !inserted.done) {
            return null;
        }
        V v = n.value;
        Commit evicted = n.evictedBy;
        if (evicted != null && evicted.done) {
            return null;
        }
        return v;
    }

    private void recordAccess(Node<K, V> n) {
        if (reads.offer(n) && lock.tryLock()) {
            try {
                drainReads();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Replays buffered reads. Call only when holding lock. */
    private void drainReads() {
        assert lock.isHeldByCurrentThread();
        reads.drain(this::applyRead);
    }

    private void applyRead(Node<K, V> n) {
        if (n.prev != null) { // still linked: not removed or evicted since the read
            moveToMostRecent(n);
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Puts (or, if {@code onlyIfAbsent}, inserts) under the lock, then calls the listener.
     *
     * @return the previous value, or null
     */
    private V write(K key, V value, boolean onlyIfAbsent) {
        V previous;
        Node<K, V> victim = null;
        lock.lock();
        try {
            drainReads();
            Node<K, V> n = map.get(key);
            if (n != null) {
                previous = n.value;
                if (!onlyIfAbsent) {
                    n.value = value;
                }
                moveToMostRecent(n);
            } else {
                previous = null;
                victim = insert(key, value);
            }
        } finally {
            lock.unlock();
        }
        notifyEvicted(victim);
        return previous;
    }

    /**
     * Inserts a new entry for an absent key, evicting the least recently used one if full. Call only
     * when holding lock.
     *
     * @return the evicted node, or null
     */
    private Node<K, V> insert(K key, V value) {
        assert lock.isHeldByCurrentThread();
        Node<K, V> n = new Node<>(key, value);
        if (size < capacity) {
            map.put(key, n);
            linkMostRecent(n);
            size++;
            return null;
        }
        Node<K, V> victim = order.next;
        Commit commit = new Commit();
        n.insertedBy = commit;
        victim.evictedBy = commit;
        map.put(key, n);
        linkMostRecent(n);
        commit.done = true; // linearization point: the new key appears and the victim disappears
        n.insertedBy = null;
        map.remove(victim.key, victim);
        unlink(victim);
        evictions++; // benign: written only under the lock
        return victim;
    }

    private void notifyEvicted(Node<K, V> victim) {
        if (victim != null) {
            evictionListener.accept(victim.key, victim.value);
        }
    }

    /** Removes a visible node from the map and the list. Call only when holding lock. */
    private void unlinkAndUnmap(Node<K, V> n) {
        assert lock.isHeldByCurrentThread();
        map.remove(n.key, n);
        unlink(n);
        size--;
    }

    /** Removes every entry at one instant for readers; no listener calls. */
    private void clear() {
        lock.lock();
        try {
            drainReads();
            Commit commit = new Commit();
            for (Node<K, V> n = order.next; n != order; n = n.next) {
                n.evictedBy = commit;
            }
            commit.done = true; // linearization point: every entry disappears
            Node<K, V> n = order.next;
            while (n != order) {
                Node<K, V> next = n.next;
                map.remove(n.key, n);
                n.prev = null;
                n.next = null;
                n = next;
            }
            order.next = order;
            order.prev = order;
            size = 0;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the list; call only when holding lock

    private void linkMostRecent(Node<K, V> n) {
        Node<K, V> last = order.prev;
        n.prev = last;
        n.next = order;
        last.next = n;
        order.prev = n;
    }

    private void unlink(Node<K, V> n) {
        n.prev.next = n.next;
        n.next.prev = n.prev;
        n.prev = null;
        n.next = null;
    }

    private void moveToMostRecent(Node<K, V> n) {
        if (order.prev != n) {
            unlink(n);
            linkMostRecent(n);
        }
    }

    // ------------------------------------------------------------------ loading

    private V computeIfAbsent(K key, Function<? super K, ? extends V> loader, boolean recordStats,
                              long timeoutNanos) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        if (!loads.isEmpty()) {
            Object outer = loadingKey.get();
            if (outer != null) {
                throw new IllegalStateException("recursive load: computeIfAbsent(" + key
                        + ") called by the loader of " + outer + " in the same cache");
            }
        }
        Node<K, V> n = map.get(key);
        V v = n == null ? null : visibleValue(n);
        if (v != null) {
            if (recordStats) {
                hits.increment();
            }
            recordAccess(n);
            return v;
        }
        if (recordStats) {
            misses.increment();
        }
        Load<V> mine = new Load<>();
        Load<V> running = loads.putIfAbsent(key, mine);
        if (running != null) {
            return timeoutNanos < 0 ? running.awaitUninterruptibly() : running.await(timeoutNanos);
        }
        return load(key, loader, mine);
    }

    /** Runs the load this thread registered as {@code mine}, and completes it. */
    private V load(K key, Function<? super K, ? extends V> loader, Load<V> mine) {
        V result;
        Node<K, V> victim = null;
        try {
            Node<K, V> n = map.get(key);
            V present = n == null ? null : visibleValue(n);
            if (present != null) { // a load finished between our miss and our registration
                result = present;
            } else {
                V loaded;
                loadingKey.set(key);
                try {
                    loaded = loader.apply(key);
                } finally {
                    loadingKey.remove();
                }
                if (loaded == null) {
                    result = null;
                } else {
                    lock.lock();
                    try {
                        drainReads();
                        Node<K, V> now = map.get(key);
                        if (now != null) { // a put won while we loaded
                            result = now.value;
                            moveToMostRecent(now);
                        } else {
                            result = loaded;
                            victim = insert(key, loaded);
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (Throwable t) {
            loads.remove(key, mine);
            mine.fail(t);
            throw t;
        }
        loads.remove(key, mine);
        mine.succeed(result);
        notifyEvicted(victim);
        return result;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    // ------------------------------------------------------------------ nodes, commits, loads

    /** An entry. The key and, once visible, the value are what readers see. */
    private static final class Node<K, V> {
        final K key;
        volatile V value;               // written only under the lock
        volatile Commit insertedBy;     // set before publication by an evicting insert; absent until done
        volatile Commit evictedBy;      // set under the lock when chosen as a victim; absent once done
        Node<K, V> prev;                // guarded by lock; null when not in the list
        Node<K, V> next;                // guarded by lock

        Node(K key, V value) {
            this.key = key;
            this.value = value;
        }
    }

    /** One atomic change of several keys' visibility: an evicting insert, or a clear. */
    private static final class Commit {
        volatile boolean done;
    }

    /** One key's load in progress: its waiters park on the latch. */
    private static final class Load<V> {
        private final CountDownLatch done = new CountDownLatch(1);
        private V value;            // written before done.countDown(), read after done.await()
        private Throwable failure;  // likewise

        void succeed(V v) {
            value = v;
            done.countDown();
        }

        void fail(Throwable t) {
            failure = t;
            done.countDown();
        }

        V awaitUninterruptibly() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return result();
        }

        V await(long nanos) throws InterruptedException, TimeoutException {
            if (!done.await(nanos, TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("another thread's load did not complete in time");
            }
            return result();
        }

        private V result() {
            if (failure == null) {
                return value;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new CompletionException(failure);
        }
    }

    // ------------------------------------------------------------------ the ConcurrentMap view

    /** The {@link #asMap()} view. */
    private final class AsMap extends AbstractMap<K, V> implements ConcurrentMap<K, V> {

        @SuppressWarnings("unchecked")
        private Node<K, V> node(Object key) {
            return map.get(Objects.requireNonNull(key, "key"));
        }

        @Override
        public V get(Object key) {
            Node<K, V> n = node(key);
            V v = n == null ? null : visibleValue(n);
            if (v != null) {
                recordAccess(n);
            }
            return v;
        }

        @Override
        public boolean containsKey(Object key) {
            Node<K, V> n = node(key);
            return n != null && visibleValue(n) != null;
        }

        @Override
        public boolean containsValue(Object value) {
            Objects.requireNonNull(value, "value");
            for (Node<K, V> n : map.values()) {
                V v = visibleValue(n);
                if (v != null && v.equals(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public V put(K key, V value) {
            return write(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), false);
        }

        @Override
        public V putIfAbsent(K key, V value) {
            return write(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), true);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V remove(Object key) {
            Objects.requireNonNull(key, "key");
            return LruCache.this.remove((K) key);
        }

        @Override
        public boolean remove(Object key, Object value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                return false;
            }
            lock.lock();
            try {
                drainReads();
                Node<K, V> n = map.get(key);
                if (n == null || !n.value.equals(value)) {
                    return false;
                }
                unlinkAndUnmap(n);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean replace(K key, V oldValue, V newValue) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(oldValue, "oldValue");
            Objects.requireNonNull(newValue, "newValue");
            lock.lock();
            try {
                drainReads();
                Node<K, V> n = map.get(key);
                if (n == null || !n.value.equals(oldValue)) {
                    return false;
                }
                n.value = newValue;
                moveToMostRecent(n);
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public V replace(K key, V value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            lock.lock();
            try {
                drainReads();
                Node<K, V> n = map.get(key);
                if (n == null) {
                    return null;
                }
                V previous = n.value;
                n.value = value;
                moveToMostRecent(n);
                return previous;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
            try {
                return LruCache.this.computeIfAbsent(key, mappingFunction, false, -1L);
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("an untimed, uninterruptible wait threw " + e, e);
            }
        }

        @Override
        public int size() {
            return LruCache.this.size();
        }

        @Override
        public boolean isEmpty() {
            return size() == 0;
        }

        @Override
        public void clear() {
            LruCache.this.clear();
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return new EntrySet();
        }
    }

    /** The view's entry set: weakly consistent, over the lookup map. */
    private final class EntrySet extends AbstractSet<Map.Entry<K, V>> {

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new EntryIterator();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            Node<K, V> n = map.get(e.getKey());
            V v = n == null ? null : visibleValue(n);
            return v != null && v.equals(e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                    && asMap().remove(e.getKey(), e.getValue());
        }

        @Override
        public int size() {
            return LruCache.this.size();
        }

        @Override
        public boolean isEmpty() {
            return size() == 0;
        }

        @Override
        public void clear() {
            LruCache.this.clear();
        }
    }

    /** Iterates visible nodes; remove() removes the last returned key. */
    private final class EntryIterator implements Iterator<Map.Entry<K, V>> {
        private final Iterator<Node<K, V>> nodes = map.values().iterator();
        private Map.Entry<K, V> next;
        private K lastKey;

        @Override
        public boolean hasNext() {
            while (next == null && nodes.hasNext()) {
                Node<K, V> n = nodes.next();
                V v = visibleValue(n);
                if (v != null) {
                    next = new WriteThroughEntry(n.key, v);
                }
            }
            return next != null;
        }

        @Override
        public Map.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Map.Entry<K, V> e = next;
            next = null;
            lastKey = e.getKey();
            return e;
        }

        @Override
        public void remove() {
            if (lastKey == null) {
                throw new IllegalStateException("next() not called, or remove() already called");
            }
            LruCache.this.remove(lastKey);
            lastKey = null;
        }
    }

    /** An entry whose {@code setValue} puts into the cache. */
    private final class WriteThroughEntry implements Map.Entry<K, V> {
        private final K key;
        private V value;

        WriteThroughEntry(K key, V value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public V setValue(V value) {
            Objects.requireNonNull(value, "value");
            V previous = this.value;
            asMap().put(key, value);
            this.value = value;
            return previous;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && key.equals(e.getKey()) && value.equals(e.getValue());
        }

        @Override
        public int hashCode() {
            return key.hashCode() ^ value.hashCode();
        }

        @Override
        public String toString() {
            return key + "=" + value;
        }
    }
}

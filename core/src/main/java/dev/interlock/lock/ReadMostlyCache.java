package dev.interlock.lock;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Function;

/**
 * A map for data read far more often than it changes, guarded by a {@link ReadWriteLock} passed in:
 * the guide's {@code ThreadSafeCache}. Lookups share the read lock, so they run in parallel; changes
 * take the write lock, one at a time, with no lookup in progress.
 *
 * <p>The lock decides who waits when lookups and changes compete: with
 * {@link ReaderPreferringReadWriteLock} a steady stream of lookups can hold a {@code put} off for as
 * long as it lasts; with {@link WriterPreferringReadWriteLock} a waiting change stops new lookups,
 * so changes land within the lookups in progress; {@link PhaseFairReadWriteLock} alternates the two;
 * {@link java.util.concurrent.locks.ReentrantReadWriteLock} is also accepted. Use the cache's lock for
 * nothing else, or at least never call {@link #put}, {@link #remove}, {@link #clear} or
 * {@link #computeIfAbsent} while holding its read lock: that is a read-to-write upgrade, which
 * Interlock's locks refuse with {@link IllegalMonitorStateException} and
 * {@code ReentrantReadWriteLock} answers with a deadlock.
 *
 * <p>Thread-safe: every method is atomic and linearizable. Null keys and values are refused with
 * {@link NullPointerException}, as {@link java.util.concurrent.ConcurrentHashMap} does.
 *
 * <h2>computeIfAbsent: read, release, write, check again</h2>
 * {@link #computeIfAbsent} looks the key up under the read lock; on a miss it releases the read lock,
 * takes the write lock, looks again (another thread may have loaded the value in between) and only
 * then calls the loader, under the write lock. So a key's value is loaded once however many threads
 * miss it at the same time, and the lock is never upgraded. The cost: lookups of other keys wait
 * while a loader runs; keep loaders short, and never let one use this cache's lock.
 *
 * <h2>Memory effects</h2>
 * Everything a thread did before putting a value happens-before everything after a {@code get} (or
 * {@code computeIfAbsent}) that returns it: a value's fields are seen as they were when it was put.
 *
 * <h2>Sample usage</h2>
 * As run by {@code ReadMostlyCacheTest.sampleUsage}:
 * <pre>{@code
 * ReadMostlyCache<String, Integer> lengths = new ReadMostlyCache<>(new WriterPreferringReadWriteLock("lengths"));
 * int n = lengths.computeIfAbsent("interlock", String::length); // loads once: 9
 * Integer again = lengths.get("interlock");                     // a read-locked lookup: 9
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ReadMostlyCache<K, V> {

    /*
     * Implementation notes: one HashMap, guarded by the lock; reads under the read lock touch it
     * only through get, containsKey and size, which HashMap allows to run concurrently with each
     * other (they do not modify it). computeIfAbsent is the guide's double check under two locks: the
     * second lookup under the write lock is what makes the load happen once.
     *
     * Invariant: no null key or value is ever stored.
     */

    private final Lock readLock;
    private final Lock writeLock;
    private final Map<K, V> map = new HashMap<>(); // guarded by the lock

    /**
     * An empty cache guarded by {@code lock}.
     *
     * @throws NullPointerException if {@code lock} is null
     */
    public ReadMostlyCache(ReadWriteLock lock) {
        Objects.requireNonNull(lock, "lock");
        this.readLock = Objects.requireNonNull(lock.readLock(), "lock.readLock()");
        this.writeLock = Objects.requireNonNull(lock.writeLock(), "lock.writeLock()");
    }

    /**
     * The value for {@code key}, or null if there is none; takes the read lock.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public V get(K key) {
        Objects.requireNonNull(key, "key");
        readLock.lock();
        try {
            return map.get(key);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Whether there is a value for {@code key}; takes the read lock.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public boolean containsKey(K key) {
        Objects.requireNonNull(key, "key");
        readLock.lock();
        try {
            return map.containsKey(key);
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Maps {@code key} to {@code value}; takes the write lock.
     *
     * @return the previous value, or null if there was none
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public V put(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        writeLock.lock();
        try {
            return map.put(key, value);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Removes the value for {@code key}; takes the write lock.
     *
     * @return the value removed, or null if there was none
     * @throws NullPointerException if {@code key} is null
     */
    public V remove(K key) {
        Objects.requireNonNull(key, "key");
        writeLock.lock();
        try {
            return map.remove(key);
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes every value; takes the write lock. */
    public void clear() {
        writeLock.lock();
        try {
            map.clear();
        } finally {
            writeLock.unlock();
        }
    }

    /** The number of keys; takes the read lock. */
    public int size() {
        readLock.lock();
        try {
            return map.size();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * The value for {@code key}, loading it with {@code loader} if there is none: looks under the read
     * lock, and on a miss releases it, takes the write lock, looks again, and only then calls the
     * loader (see the class doc). As {@link Map#computeIfAbsent}: if the loader returns null, nothing
     * is stored and null is returned; if it throws, nothing is stored and the exception propagates.
     *
     * @return the value present or loaded, or null if the loader returned null
     * @throws NullPointerException if {@code key} or {@code loader} is null
     */
    public V computeIfAbsent(K key, Function<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        readLock.lock();
        try {
            V v = map.get(key);
            if (v != null) {
                return v;
            }
        } finally {
            readLock.unlock();
        }
        writeLock.lock();
        try {
            V v = map.get(key); // check again: another thread may have loaded it meanwhile
            if (v == null) {
                v = loader.apply(key);
                if (v != null) {
                    map.put(key, v);
                }
            }
            return v;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ReadMostlyCache[size=" + size() + "]";
    }
}

package dev.interlock.bench.lock;

import dev.interlock.bench.Compare;
import dev.interlock.lock.ReadMostlyCache;
import dev.interlock.lock.WriterPreferringReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The guide's ThreadSafeCache, {@link ReadMostlyCache}, by 2 threads over {@value #KEYS} keys, all
 * present: {@code reads100} only looks keys up, {@code reads90} replaces one value in ten. Ours on a
 * {@link WriterPreferringReadWriteLock} and on the JDK's {@link ReentrantReadWriteLock}, against a
 * {@code Collections.synchronizedMap(HashMap)} (one lock for everything) and a
 * {@link ConcurrentHashMap} (the ceiling). The issue sets no target: the ratios say what a
 * read-write lock buys, and what it costs next to a concurrent map.
 *
 * <p>Run: {@code ./interlock bench ReadMostlyCacheBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"ReadMostlyCache(WriterPreferring)", "ReadMostlyCache(ReentrantReadWriteLock)"},
        peers = {"synchronizedMap", "ConcurrentHashMap"})
public class ReadMostlyCacheBench {

    static final int KEYS = 1_024; // a power of two: the key is the counter masked

    /** The operations measured, on every implementation. */
    interface Cache {
        Integer get(Integer key);

        void put(Integer key, Integer value);
    }

    @Param({"ReadMostlyCache(WriterPreferring)", "ReadMostlyCache(ReentrantReadWriteLock)", "synchronizedMap",
            "ConcurrentHashMap"})
    public String impl;

    private Cache cache;
    private final Integer[] boxed = new Integer[KEYS];

    /** Each thread's position in the key sequence. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup
        public void setUp() {
            next = (int) (Thread.currentThread().threadId() * 7919);
        }
    }

    @Setup
    public void setUp() {
        cache = switch (impl) {
            case "ReadMostlyCache(WriterPreferring)" -> ofReadMostly(
                    new ReadMostlyCache<>(new WriterPreferringReadWriteLock("bench")));
            case "ReadMostlyCache(ReentrantReadWriteLock)" -> ofReadMostly(
                    new ReadMostlyCache<>(new ReentrantReadWriteLock()));
            case "synchronizedMap" -> ofMap(Collections.synchronizedMap(new HashMap<>()));
            case "ConcurrentHashMap" -> ofMap(new ConcurrentHashMap<>());
            default -> throw new IllegalArgumentException(impl);
        };
        for (int k = 0; k < KEYS; k++) {
            boxed[k] = k;
            cache.put(boxed[k], boxed[k]);
        }
    }

    private static Cache ofReadMostly(ReadMostlyCache<Integer, Integer> c) {
        return new Cache() {
            public Integer get(Integer key) {
                return c.get(key);
            }

            public void put(Integer key, Integer value) {
                c.put(key, value);
            }
        };
    }

    private static Cache ofMap(Map<Integer, Integer> m) {
        return new Cache() {
            public Integer get(Integer key) {
                return m.get(key);
            }

            public void put(Integer key, Integer value) {
                m.put(key, value);
            }
        };
    }

    @Benchmark
    @Threads(2)
    public Integer reads100(Cursor cursor) {
        return cache.get(boxed[cursor.next++ & (KEYS - 1)]);
    }

    @Benchmark
    @Threads(2)
    public Integer reads90(Cursor cursor) {
        int i = cursor.next++;
        Integer key = boxed[i & (KEYS - 1)];
        if (i % 10 == 0) {
            cache.put(key, key);
            return key;
        }
        return cache.get(key);
    }
}

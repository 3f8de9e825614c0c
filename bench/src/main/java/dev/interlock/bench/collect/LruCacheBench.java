package dev.interlock.bench.collect;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.collect.LruCache;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A bounded cache read by 2 threads: 100% reads ({@code get}) and 90% reads (every tenth operation a
 * {@code put}), over {@value #KEYS} keys drawn from a Zipf distribution (exponent 1: the
 * {@value #CAPACITY} most popular keys, the cache's capacity, get about 80% of the accesses). The key
 * sequence is precomputed in {@code @Setup}; each thread walks it from its own offset.
 *
 * <p>Peers: a {@code synchronized} access-ordered {@link LinkedHashMap} ({@code Collections.synchronizedMap},
 * the textbook LRU: every read moves an entry, so every read takes the one lock) and Caffeine (W-TinyLFU,
 * not LRU, so its hit rate differs; compared on throughput only), configured like ours: size-bounded,
 * statistics on (ours always counts them), maintenance on the calling thread ({@code executor(Runnable::run)};
 * ours drains on the calling thread too).
 *
 * <p>Targets: at least 3x the synchronized LinkedHashMap at 90% reads, and at least half of Caffeine at
 * 100% and 90% reads.
 *
 * <p>Run: {@code ./interlock bench LruCacheBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"LruCache"}, peers = {"synchronized-LinkedHashMap", "Caffeine"})
@RatioTarget(benchmark = "reads90", ours = "LruCache", peer = "synchronized-LinkedHashMap", atLeast = 3.0)
@RatioTarget(benchmark = "reads90", ours = "LruCache", peer = "Caffeine", atLeast = 0.5)
@RatioTarget(benchmark = "reads100", ours = "LruCache", peer = "Caffeine", atLeast = 0.5)
public class LruCacheBench {

    /** Distinct keys. */
    static final int KEYS = 1 << 14;
    /** Cache capacity, in entries: an eighth of the key space. */
    static final int CAPACITY = 1 << 11;
    /** Precomputed accesses (a power of two). */
    static final int SAMPLES = 1 << 20;
    /** Zipf exponent. */
    static final double EXPONENT = 1.0;

    @Param({"LruCache", "synchronized-LinkedHashMap", "Caffeine"})
    public String impl;

    private BenchCache cache;
    private Integer[] samples;

    /** The three caches behind one interface. */
    interface BenchCache {
        Integer get(Integer key);

        void put(Integer key, Integer value);
    }

    /** A thread's position in the sample sequence. */
    @State(Scope.Thread)
    public static class Cursor {
        int index;

        @Setup
        public void setUp() {
            index = new SplittableRandom(Thread.currentThread().threadId()).nextInt(SAMPLES);
        }

        int next() {
            int i = index;
            index = (i + 1) & (SAMPLES - 1);
            return i;
        }
    }

    @Setup
    public void setUp() {
        cache = switch (impl) {
            case "LruCache" -> new Ours();
            case "synchronized-LinkedHashMap" -> new SynchronizedLinkedHashMap();
            case "Caffeine" -> new CaffeinePeer();
            default -> throw new IllegalArgumentException(impl);
        };
        Integer[] keys = new Integer[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = i;
        }
        samples = zipfSamples(keys, new SplittableRandom(42));
        for (int i = CAPACITY - 1; i >= 0; i--) { // the most popular keys, most popular last
            cache.put(keys[i], keys[i]);
        }
    }

    @Benchmark
    @Threads(2)
    public Integer reads100(Cursor cursor) {
        return cache.get(samples[cursor.next()]);
    }

    @Benchmark
    @Threads(2)
    public Integer reads90(Cursor cursor) {
        int i = cursor.next();
        Integer key = samples[i];
        if (i % 10 == 0) {
            cache.put(key, key);
            return key;
        }
        return cache.get(key);
    }

    /** {@link #SAMPLES} keys, key {@code k} with probability proportional to {@code 1 / (k + 1)^s}. */
    static Integer[] zipfSamples(Integer[] keys, SplittableRandom random) {
        double[] cumulative = new double[keys.length];
        double sum = 0;
        for (int k = 0; k < keys.length; k++) {
            sum += 1.0 / Math.pow(k + 1, EXPONENT);
            cumulative[k] = sum;
        }
        Integer[] out = new Integer[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = keys.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            out[i] = keys[lo];
        }
        return out;
    }

    static final class Ours implements BenchCache {
        private final LruCache<Integer, Integer> cache = new LruCache<>(CAPACITY);

        @Override
        public Integer get(Integer key) {
            return cache.get(key);
        }

        @Override
        public void put(Integer key, Integer value) {
            cache.put(key, value);
        }
    }

    /** Peer: the textbook LRU cache behind one monitor (bench only; core never uses {@code synchronized}). */
    static final class SynchronizedLinkedHashMap implements BenchCache {
        private final Map<Integer, Integer> map = Collections.synchronizedMap(
                new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                        return size() > CAPACITY;
                    }
                });

        @Override
        public Integer get(Integer key) {
            return map.get(key);
        }

        @Override
        public void put(Integer key, Integer value) {
            map.put(key, value);
        }
    }

    /** Peer: Caffeine, size-bounded, with statistics, maintenance on the caller. */
    static final class CaffeinePeer implements BenchCache {
        private final Cache<Integer, Integer> cache = Caffeine.newBuilder()
                .maximumSize(CAPACITY)
                .recordStats()
                .executor(Runnable::run)
                .build();

        @Override
        public Integer get(Integer key) {
            return cache.getIfPresent(key);
        }

        @Override
        public void put(Integer key, Integer value) {
            cache.put(key, value);
        }
    }
}

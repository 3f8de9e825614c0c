package dev.interlock.bench.collect;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.collect.StripedHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A shared map under a read/write mix on Zipf-distributed keys (exponent {@value #ZIPF_EXPONENT}, as
 * YCSB's: a few hot keys take most operations), 2 threads, {@value #READ_PERCENT_90}% or
 * {@value #READ_PERCENT_50}% reads ({@code get}), the rest {@code put}s that replace the value of a
 * present key. Ours: {@link StripedHashMap} with its default 16 stripes. Peers:
 * {@code ConcurrentHashMap} and {@code Collections.synchronizedMap(new HashMap<>())}.
 *
 * <p>Every key is present from the start and a put replaces a value, so the measured loop allocates
 * nothing and no table resizes: the benchmark measures locking and lookup, not allocation or growth.
 * Each thread draws its operations in {@code @Setup} (a key index and a read/write choice per step,
 * {@value #STEPS} steps, walked in a loop); the key-to-rank assignment is a fixed shuffle, so hot keys
 * are not neighbours in any table.
 *
 * <p>Targets: at least 3x {@code synchronizedMap} (one lock for everything) and at least 0.6x
 * {@code ConcurrentHashMap} (lock-free reads, per-bin locks). Run: {@code ./interlock bench StripedHashMapBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"StripedHashMap"}, peers = {"ConcurrentHashMap", "synchronizedMap"})
@RatioTarget(benchmark = "mixed", ours = "StripedHashMap", peer = "synchronizedMap", atLeast = 3.0)
@RatioTarget(benchmark = "mixed", ours = "StripedHashMap", peer = "ConcurrentHashMap", atLeast = 0.6)
public class StripedHashMapBench {

    /** Distinct keys, all present. */
    static final int KEYS = 1 << 14;
    /** Precomputed operations per thread, a power of two. */
    static final int STEPS = 1 << 16;
    /** Zipf exponent of key popularity. */
    static final double ZIPF_EXPONENT = 0.99;
    /** The read shares measured, in percent. */
    static final int READ_PERCENT_90 = 90;
    static final int READ_PERCENT_50 = 50;

    @Param({"StripedHashMap", "ConcurrentHashMap", "synchronizedMap"})
    public String impl;

    Map<Integer, Integer> map;
    /** keys[rank - 1]: the key of Zipf rank {@code rank}. */
    Integer[] keys;

    @Setup(Level.Trial)
    public void setUp() {
        map = switch (impl) {
            case "StripedHashMap" -> new StripedHashMap<>();
            case "ConcurrentHashMap" -> new ConcurrentHashMap<>();
            case "synchronizedMap" -> Collections.synchronizedMap(new HashMap<>());
            default -> throw new IllegalArgumentException(impl);
        };
        keys = new Integer[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = i * 31 + 7; // distinct keys, boxed once here
        }
        SplittableRandom shuffle = new SplittableRandom(1);
        for (int i = KEYS - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            Integer t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        for (Integer k : keys) {
            map.put(k, k);
        }
    }

    /** One thread's precomputed operations. */
    @State(Scope.Thread)
    public static class Steps {
        @Param({"" + READ_PERCENT_90, "" + READ_PERCENT_50})
        public int readPercent;

        int[] rank;
        boolean[] read;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            double[] cdf = zipfCdf(KEYS, ZIPF_EXPONENT);
            SplittableRandom random = new SplittableRandom(42 + thread.getThreadIndex());
            rank = new int[STEPS];
            read = new boolean[STEPS];
            for (int i = 0; i < STEPS; i++) {
                rank[i] = sample(cdf, random.nextDouble());
                read[i] = random.nextInt(100) < readPercent;
            }
        }
    }

    @Benchmark
    @Threads(2)
    public Integer mixed(Steps steps) {
        int i = steps.cursor = (steps.cursor + 1) & (STEPS - 1);
        Integer key = keys[steps.rank[i]];
        return steps.read[i] ? map.get(key) : map.put(key, key);
    }

    /** cdf[r] = P(rank <= r) for ranks 0..n-1, with weight 1 / (r + 1)^s. */
    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += 1 / Math.pow(r + 1, s);
            cdf[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cdf[r] /= sum;
        }
        return cdf;
    }

    /** The least rank whose cumulative probability exceeds {@code u}. */
    static int sample(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.CheckThenLoadCache;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.lock.ReadMostlyCache;
import dev.interlock.lock.ReaderPreferringReadWriteLock;
import dev.interlock.lock.WriterPreferringReadWriteLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The guide's ThreadSafeCache ({@link ReadMostlyCache}, chapter on reader/writer locks): T threads
 * walk the same K keys in the same order, each lookup a {@code computeIfAbsent} whose loader takes a
 * little while. Without the double check two threads that miss one key both load it; the read-mostly
 * cache looks again under the write lock and loads each key exactly once, whichever lock it is given.
 */
public final class ThreadSafeCacheExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_OPS = 3;      // passes over the keys per thread
    private static final int DEFAULT_SIZE = 2_000; // keys
    private static final int LOAD_WORK = 2_000;    // steps of arithmetic per load
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);

    /** What the experiment needs of a cache. */
    private interface Cache {
        Long computeIfAbsent(Integer key, Function<Integer, Long> loader);

        int size();
    }

    @Override
    public String name() {
        return "thread-safe-cache";
    }

    @Override
    public String summary() {
        return "a check-then-load cache loads one key several times; ReadMostlyCache loads each once, on any read-write lock";
    }

    @Override
    public String optionsHelp() {
        return "--threads lookup threads (" + DEFAULT_THREADS + "), --ops passes over the keys per thread ("
                + DEFAULT_OPS + "), --size keys (" + DEFAULT_SIZE + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int passes = settings.ops(settings.tracing() ? 1 : DEFAULT_OPS);
        int keys = settings.size(settings.tracing() ? 3 : DEFAULT_SIZE);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        CheckThenLoadCache<Integer, Long> naive = new CheckThenLoadCache<>();
        variants.add(measure("check-then-load (broken)", "CheckThenLoadCache", new Cache() {
            public Long computeIfAbsent(Integer key, Function<Integer, Long> loader) {
                return naive.computeIfAbsent(key, loader);
            }

            public int size() {
                return naive.size();
            }
        }, threads, passes, keys, timeBox, tracer));
        variants.add(readMostly("WriterPreferringReadWriteLock", new WriterPreferringReadWriteLock("cache"),
                threads, passes, keys, timeBox, tracer));
        variants.add(readMostly("ReaderPreferringReadWriteLock", new ReaderPreferringReadWriteLock("cache"),
                threads, passes, keys, timeBox, tracer));
        variants.add(readMostly("PhaseFairReadWriteLock", new PhaseFairReadWriteLock("cache"),
                threads, passes, keys, timeBox, tracer));
        variants.add(readMostly("ReentrantReadWriteLock", new ReentrantReadWriteLock(),
                threads, passes, keys, timeBox, tracer));

        return new Report(name(), "threads=" + threads + ", keys=" + keys + ", passes per thread=" + passes
                + ", every thread walks the keys in the same order", variants, List.of(
                "check-then-load: get, and on a miss load and put. Threads that miss the same key at the",
                "same time each load it: 'extra loads' counts loads beyond one per key. ReadMostlyCache",
                "looks the key up under the read lock; on a miss it releases the read lock, takes the",
                "write lock and looks again before loading (never an upgrade, which would deadlock), so",
                "each key is loaded once whatever the lock. The lock decides only who waits: lookups of",
                "other keys wait while a loader runs under the write lock."));
    }

    private Variant readMostly(String lockName, ReadWriteLock lock, int threads, int passes, int keys,
                               Duration timeBox, Tracer tracer) throws InterruptedException {
        ReadMostlyCache<Integer, Long> cache = new ReadMostlyCache<>(lock);
        return measure("ReadMostlyCache(" + lockName + ")", "ReadMostlyCache", new Cache() {
            public Long computeIfAbsent(Integer key, Function<Integer, Long> loader) {
                return cache.computeIfAbsent(key, loader);
            }

            public int size() {
                return cache.size();
            }
        }, threads, passes, keys, timeBox, tracer);
    }

    private Variant measure(String name, String target, Cache cache, int threads, int passes, int keys,
                            Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        AtomicLongArray loadsPerKey = new AtomicLongArray(keys);
        AtomicLong wrongValues = new AtomicLong();
        long[] expected = new long[keys];
        for (int k = 0; k < keys; k++) {
            expected[k] = load(k);
        }
        Function<Integer, Long> loader = key -> {
            loadsPerKey.incrementAndGet(key);
            if (tracer.enabled()) {
                tracer.note("loads " + key);
            }
            return load(key);
        };
        Workers.Result result = Workers.run("T", threads, timeBox, index -> {
            for (int pass = 0; pass < passes; pass++) {
                for (int key = 0; key < keys; key++) {
                    if (tracer.enabled()) {
                        tracer.send(target, "computeIfAbsent(" + key + ")");
                    }
                    Long value = cache.computeIfAbsent(key, loader);
                    if (value == null || value != expected[key]) {
                        wrongValues.incrementAndGet();
                    }
                    if (tracer.enabled()) {
                        tracer.reply(target, "value " + value);
                    }
                }
            }
        });
        long loads = 0;
        long keysLoadedMoreThanOnce = 0;
        for (int k = 0; k < keys; k++) {
            long n = loadsPerKey.get(k);
            loads += n;
            if (n > 1) {
                keysLoadedMoreThanOnce++;
            }
        }
        long extraLoads = loads - keys;
        long lookups = (long) threads * passes * keys;
        boolean sizeRight = cache.size() == keys;
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (extraLoads != 0 || wrongValues.get() != 0 || !sizeRight) {
            verdict = Verdict.BROKEN;
        } else {
            // A check-then-load cache that happened to load nothing twice proves nothing.
            verdict = name.contains("(broken)") ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("lookups", lookups)
                .metric("keys", keys)
                .metric("loads", loads)
                .metric("extra loads", extraLoads)
                .metric("keys loaded twice+", keysLoadedMoreThanOnce)
                .metric("size right", sizeRight)
                .metric("ns/lookup", lookups == 0 ? 0.0 : (double) result.elapsedNanos() / lookups)
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }

    /** The "expensive" load: a value derived from the key by some arithmetic the JIT cannot skip. */
    private static long load(int key) {
        long x = key + 0x9E3779B97F4A7C15L;
        for (int i = 0; i < LOAD_WORK; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.collect.StripedHashMap;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.GetThenPutTally;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The guide's striped map: T threads share one map of K keys; each operation is a {@code get} or a
 * count increment of a random key, half and half. Each thread tallies its own increments, so the
 * map's final contents are checked key by key against the expected tally. Counting with {@code get}
 * then {@code put} loses increments even on a thread-safe map; {@code merge} on
 * {@code Collections.synchronizedMap(HashMap)} (one lock for everything), on {@link StripedHashMap}
 * with 1, 4, 16 and 64 stripes, and on {@code ConcurrentHashMap} loses none, at different speeds.
 */
public final class StripedMapExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_OPS = 200_000;
    private static final int DEFAULT_KEYS = 1_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** Share of operations that are reads, in percent; the rest increment a count. */
    private static final int READ_PERCENT = 50;
    /** Stripe counts of the StripedHashMap variants. */
    private static final int[] STRIPES = {1, 4, 16, 64};
    /** Operations between two checks of the time box's interrupt. */
    private static final int INTERRUPT_CHECK_EVERY = 1_024;

    @Override
    public String name() {
        return "striped-map";
    }

    @Override
    public String summary() {
        return "counting into a shared map: get-then-put loses counts; merge on synchronizedMap, StripedHashMap "
                + "(1 to 64 stripes) and ConcurrentHashMap loses none, at different speeds";
    }

    @Override
    public String optionsHelp() {
        return "--threads threads (" + DEFAULT_THREADS + "), --ops operations per thread, half reads, half "
                + "increments (" + DEFAULT_OPS + "), --size distinct keys (" + DEFAULT_KEYS + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int ops = settings.ops(settings.tracing() ? 3 : DEFAULT_OPS);
        int keys = settings.size(settings.tracing() ? 2 : DEFAULT_KEYS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        Setup setup = new Setup(threads, ops, keys, timeBox, settings.seed(), tracer);

        BiConsumer<Map<Integer, Long>, Integer> merge = (map, key) -> map.merge(key, 1L, Long::sum);
        List<Variant> variants = new ArrayList<>();
        variants.add(measure(setup, "get-then-put (broken)", () -> new StripedHashMap<>(16),
                GetThenPutTally::increment));
        variants.add(measure(setup, "synchronizedMap(HashMap)", () -> Collections.synchronizedMap(new HashMap<>()),
                merge));
        for (int stripes : STRIPES) {
            variants.add(measure(setup, "StripedHashMap(" + stripes + ")", () -> new StripedHashMap<>(stripes), merge));
        }
        variants.add(measure(setup, "ConcurrentHashMap", ConcurrentHashMap::new, merge));

        return new Report(name(), "threads=" + threads + ", operations per thread=" + ops + " (" + READ_PERCENT
                + "% get, the rest +1 on a count), keys=" + keys, variants, List.of(
                "get-then-put (broken): on a StripedHashMap, each call is atomic but the pair is not: two threads",
                "read the same count and both write count + 1. 'lost' increments, 'wrong keys' counts that differ",
                "from the threads' own tally. merge makes read-add-write one atomic step under the key's lock.",
                "synchronizedMap: one lock for every read and write, so threads queue. StripedHashMap(n): a lock",
                "per stripe for writes, no lock for reads, each stripe growing its own table (the guide's map",
                "never resized); one stripe still serialises writers, more stripes let them run side by side.",
                "ConcurrentHashMap: a lock per bin and lock-free reads. ns/op is wall time per operation across",
                "all threads (one run, not a benchmark: see ./interlock bench StripedHashMapBench)."));
    }

    /** What every variant shares. */
    private record Setup(int threads, int ops, int keys, Duration timeBox, long seed, Tracer tracer) {
    }

    private Variant measure(Setup setup, String name, Supplier<Map<Integer, Long>> factory,
                            BiConsumer<Map<Integer, Long>, Integer> increment) throws InterruptedException {
        Map<Integer, Long> map = factory.get();
        Integer[] keyObjects = new Integer[setup.keys()];
        for (int k = 0; k < keyObjects.length; k++) {
            keyObjects[k] = k;
        }
        long[][] tallies = new long[setup.threads()][setup.keys()];
        long[] readSums = new long[setup.threads()];
        Tracer tracer = setup.tracer();
        String target = name.replace(" (broken)", "");
        tracer.phase(name);
        Workers.Result result = Workers.run("T", setup.threads(), setup.timeBox(), index -> {
            SplittableRandom random = new SplittableRandom(setup.seed() * 1_000_003L + index);
            long[] mine = tallies[index];
            long sink = 0;
            for (int i = 0; i < setup.ops(); i++) {
                if (i % INTERRUPT_CHECK_EVERY == 0 && Thread.currentThread().isInterrupted()) {
                    return; // the time box expired: the verdict will be INCONCLUSIVE
                }
                int k = random.nextInt(setup.keys());
                Integer key = keyObjects[k];
                boolean read = random.nextInt(100) < READ_PERCENT;
                if (tracer.enabled()) {
                    tracer.send(target, read ? "get(" + k + ")" : "+1 on " + k);
                }
                if (read) {
                    Long v = map.get(key);
                    sink += v == null ? 0 : v;
                } else {
                    increment.accept(map, key);
                    mine[k]++;
                }
                if (tracer.enabled()) {
                    tracer.reply(target, "count(" + k + ") now " + map.getOrDefault(key, 0L));
                }
            }
            readSums[index] = sink; // a use of every read, so none is optimised away
        });

        long expected = 0;
        long actual = 0;
        long wrongKeys = 0;
        int keysCounted = 0;
        for (int k = 0; k < setup.keys(); k++) {
            long want = 0;
            for (long[] tally : tallies) {
                want += tally[k];
            }
            Long got = map.get(keyObjects[k]);
            long have = got == null ? 0 : got;
            expected += want;
            actual += have;
            if (want != have) {
                wrongKeys++;
            }
            if (want > 0) {
                keysCounted++;
            }
        }
        long lost = expected - actual;
        boolean sizeRight = map.size() == keysCounted;
        long totalOps = (long) setup.threads() * setup.ops();
        Verdict verdict;
        if (!result.finished()) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (wrongKeys != 0 || lost != 0 || !sizeRight) {
            verdict = Verdict.BROKEN;
        } else {
            // A racy tally that happened to lose nothing proves nothing either way.
            verdict = name.contains("(broken)") ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("increments", expected)
                .metric("counted", actual)
                .metric("lost", lost)
                .metric("wrong keys", wrongKeys)
                .metric("size right", sizeRight)
                .metric("ns/op", (double) result.elapsedNanos() / totalOps)
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }
}

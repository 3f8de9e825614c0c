package dev.interlock.lab.experiments;

import dev.interlock.counter.AtomicCounter;
import dev.interlock.counter.Counter;
import dev.interlock.counter.LockedCounter;
import dev.interlock.counter.StripedCounter;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.RacyCounter;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The guide's chapter 1: T threads each increment a shared counter N times. The unsynchronised
 * counter loses updates (expected T*N, got less); the locked, atomic and striped counters never do.
 */
public final class RaceCounterExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_OPS = 200_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "race-counter";
    }

    @Override
    public String summary() {
        return "lost updates on an unsynchronised counter, fixed with a lock, a CAS and striped cells";
    }

    @Override
    public String optionsHelp() {
        return "--threads incrementing threads (" + DEFAULT_THREADS + "), --ops increments per thread ("
                + DEFAULT_OPS + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int ops = settings.ops(settings.tracing() ? 3 : DEFAULT_OPS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        variants.add(measure("racy (broken)", RacyCounter::new, threads, ops, timeBox, tracer));
        variants.add(measure("LockedCounter", LockedCounter::new, threads, ops, timeBox, tracer));
        variants.add(measure("AtomicCounter", AtomicCounter::new, threads, ops, timeBox, tracer));
        variants.add(measure("StripedCounter", StripedCounter::new, threads, ops, timeBox, tracer));

        return new Report(name(), "threads=" + threads + ", increments per thread=" + ops, variants, List.of(
                "racy: value++ is read, add, write; two threads that read the same value write the same",
                "result, and one increment is lost. The three counters make the step atomic: a lock, a",
                "compare-and-set retry, or a CAS on a cell of the thread's own. ns/op is wall time per",
                "increment across all threads (one run, not a benchmark: see ./interlock bench)."));
    }

    private Variant measure(String name, Supplier<Counter> factory, int threads, int ops, Duration timeBox,
                            Tracer tracer) throws InterruptedException {
        Counter counter = factory.get();
        tracer.phase(name);
        String target = tracer.enabled() ? name.replace(" (broken)", "") : null;
        Workers.Result result = Workers.run("T", threads, timeBox, index -> {
            if (tracer.enabled()) {
                for (int i = 0; i < ops; i++) {
                    tracer.send(target, "increment");
                    counter.increment();
                    tracer.reply(target, "now " + counter.get());
                }
            } else {
                for (int i = 0; i < ops; i++) {
                    counter.increment();
                }
            }
        });
        long expected = (long) threads * ops;
        long actual = counter.get();
        long lost = expected - actual;
        Verdict verdict;
        if (!result.finished()) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (lost != 0) {
            verdict = Verdict.BROKEN;
        } else {
            // A racy counter that happened to lose nothing proves nothing either way.
            verdict = counter instanceof RacyCounter ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("expected", expected)
                .metric("actual", actual)
                .metric("lost", lost)
                .metric("ms", result.elapsedMillis())
                .metric("ns/op", expected == 0 ? 0.0 : (double) result.elapsedNanos() / expected)
                .verdict(verdict);
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.CheckThenCreateSingleton;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.lazy.Lazy;
import dev.interlock.singleton.EnumSingleton;
import dev.interlock.singleton.HolderIdiomSingleton;
import dev.interlock.singleton.SingletonRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guide's singleton chapter: in each trial T threads, released together, ask for "the" instance.
 * The naive check-then-create singleton constructs more than one when threads race it (counted),
 * and callers of one trial get different instances. The holder idiom and the enum leave the locking
 * to the JVM's class initialisation (one instance per JVM, whatever the contention); {@link Lazy}
 * and {@link SingletonRegistry} construct exactly once per trial (a fresh one each trial).
 */
public final class SingletonExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_TRIALS = 2_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(20);

    @Override
    public String name() {
        return "singleton";
    }

    @Override
    public String summary() {
        return "naive check-then-create singletons built twice under contention; holder, enum, Lazy and a registry once";
    }

    @Override
    public String optionsHelp() {
        return "--threads threads racing each trial (" + DEFAULT_THREADS + "), --ops trials (" + DEFAULT_TRIALS + ")";
    }

    /** A thing with a costly constructor, counted; what Lazy and the registry create. */
    static final class Resource {
        final long serial;
        final long checksum;

        Resource(AtomicLong constructions) {
            serial = constructions.incrementAndGet();
            checksum = CheckThenCreateSingleton.busyWork(CheckThenCreateSingleton.CONSTRUCTION_WORK);
        }
    }

    /** One way to get "the" instance, seen from the experiment. */
    private interface Candidate {
        /** Runs once before each trial, while no thread asks (the barrier's action). */
        void beforeTrial();

        Object get();

        /** Instances constructed so far. */
        long constructions();

        /** Which construction made {@code instance}, for the trace. */
        long serialOf(Object instance);
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int trials = settings.ops(settings.tracing() ? 3 : DEFAULT_TRIALS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        variants.add(measure("check-then-create (broken)", "CheckThenCreateSingleton", false, new Candidate() {
            @Override
            public void beforeTrial() {
                CheckThenCreateSingleton.reset();
            }

            @Override
            public Object get() {
                return CheckThenCreateSingleton.getInstance();
            }

            @Override
            public long constructions() {
                return CheckThenCreateSingleton.constructions();
            }

            @Override
            public long serialOf(Object instance) {
                return ((CheckThenCreateSingleton) instance).serial();
            }
        }, threads, trials, timeBox, tracer));
        variants.add(measure("holder idiom", "HolderIdiomSingleton", true, new Candidate() {
            @Override
            public void beforeTrial() {
            }

            @Override
            public Object get() {
                return HolderIdiomSingleton.getInstance();
            }

            @Override
            public long constructions() {
                return HolderIdiomSingleton.constructions();
            }

            @Override
            public long serialOf(Object instance) {
                return ((HolderIdiomSingleton) instance).serial();
            }
        }, threads, trials, timeBox, tracer));
        variants.add(measure("enum", "EnumSingleton", true, new Candidate() {
            @Override
            public void beforeTrial() {
            }

            @Override
            public Object get() {
                return EnumSingleton.INSTANCE;
            }

            @Override
            public long constructions() {
                return EnumSingleton.constructions();
            }

            @Override
            public long serialOf(Object instance) {
                return ((EnumSingleton) instance).serial();
            }
        }, threads, trials, timeBox, tracer));
        AtomicLong lazyCount = new AtomicLong();
        variants.add(measure("Lazy", "Lazy", false, new Candidate() {
            private volatile Lazy<Resource> lazy;

            @Override
            public void beforeTrial() {
                lazy = Lazy.of(() -> new Resource(lazyCount));
            }

            @Override
            public Object get() {
                return lazy.get();
            }

            @Override
            public long constructions() {
                return lazyCount.get();
            }

            @Override
            public long serialOf(Object instance) {
                return ((Resource) instance).serial;
            }
        }, threads, trials, timeBox, tracer));
        AtomicLong registryCount = new AtomicLong();
        variants.add(measure("SingletonRegistry", "SingletonRegistry", false, new Candidate() {
            private volatile SingletonRegistry registry;

            @Override
            public void beforeTrial() {
                registry = new SingletonRegistry();
            }

            @Override
            public Object get() {
                return registry.instance(Resource.class, () -> new Resource(registryCount));
            }

            @Override
            public long constructions() {
                return registryCount.get();
            }

            @Override
            public long serialOf(Object instance) {
                return ((Resource) instance).serial;
            }
        }, threads, trials, timeBox, tracer));

        return new Report(name(), "threads=" + threads + ", trials=" + trials
                + ", constructor work=" + CheckThenCreateSingleton.CONSTRUCTION_WORK + " steps", variants, List.of(
                "check-then-create: 'if (instance == null) instance = new ...' with no lock. Threads that",
                "check before the first constructor has finished all construct: 'created' exceeds the",
                "trials, and in 'split trials' callers of one trial got different instances.",
                "holder idiom and enum: the JVM initialises a class once, under its own lock, so they are",
                "built once per JVM (created is 0 when an earlier run in this JVM built them; 'JVM total' stays 1).",
                "Lazy and SingletonRegistry: a fresh one per trial, built exactly once each (double-checked",
                "locking on a volatile field; the registry holds one Lazy per class)."));
    }

    private Variant measure(String name, String target, boolean oncePerJvm, Candidate candidate, int threads,
                            int trials, Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        Object[][] got = new Object[trials][threads];
        int[] trial = new int[1]; // advanced by the barrier action, read by workers after the barrier
        trial[0] = -1;
        CyclicBarrier start = new CyclicBarrier(threads, () -> {
            trial[0]++;
            if (trial[0] < trials) {
                candidate.beforeTrial();
            }
        });
        long before = candidate.constructions();
        Workers.Result result = Workers.run("T", threads, timeBox, index -> {
            for (int i = 0; i < trials; i++) {
                start.await();
                int t = trial[0];
                if (tracer.enabled()) {
                    tracer.send(target, "getInstance() (trial " + (t + 1) + ")");
                }
                Object instance = candidate.get();
                got[t][index] = instance;
                if (tracer.enabled()) {
                    tracer.reply(target, "instance no. " + candidate.serialOf(instance));
                }
            }
        });
        long created = candidate.constructions() - before;
        long splitTrials = 0;
        for (Object[] callers : got) {
            Set<Object> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Object o : callers) {
                if (o != null) {
                    distinct.add(o);
                }
            }
            if (distinct.size() > 1) {
                splitTrials++;
            }
        }
        long expected = oncePerJvm ? Math.min(1, created) : trials;
        long extra = created - expected;
        Variant.Builder v = Variant.named(name)
                .metric("trials", trials)
                .metric("created", created)
                .metric("extra instances", extra)
                .metric("split trials", splitTrials);
        if (oncePerJvm) {
            v.metric("JVM total", candidate.constructions());
        }
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (extra != 0 || splitTrials != 0 || (oncePerJvm && candidate.constructions() != 1)) {
            verdict = Verdict.BROKEN;
        } else {
            // A naive singleton that happened not to race proves nothing either way.
            verdict = name.contains("(broken)") ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }
}

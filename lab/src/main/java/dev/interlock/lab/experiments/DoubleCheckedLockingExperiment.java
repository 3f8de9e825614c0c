package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.NonVolatileDoubleCheckedLazy;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.lazy.Lazy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The guide's double-checked locking chapter: in each trial two or more threads, released together,
 * get a lazily built object and check that every field the constructor set is set. Without
 * {@code volatile} the Java memory model allows a thread to see the reference before those fields
 * (a partially constructed object); with it ({@link Lazy}) it does not. On x86 the broken variant
 * rarely if ever shows it: that the code works here proves nothing, which is the lesson; the jcstress
 * test {@code DoubleCheckedLockingStress} states what is allowed, and runs it on the real memory
 * model (and, on ARM, observes it).
 */
public final class DoubleCheckedLockingExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 2;
    private static final int DEFAULT_TRIALS = 20_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(20);
    /** The jcstress test that shows the allowed outcomes. */
    static final String JCSTRESS_TEST = "DoubleCheckedLockingStress";
    /** How to run it, from the repository root after a build. */
    static final String JCSTRESS_COMMAND =
            "java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t " + JCSTRESS_TEST + " -m quick";

    @Override
    public String name() {
        return "double-checked-locking";
    }

    @Override
    public String summary() {
        return "double-checked locking with and without volatile: partially built objects the memory model allows";
    }

    @Override
    public String optionsHelp() {
        return "--threads threads racing each trial (" + DEFAULT_THREADS + "), --ops trials (" + DEFAULT_TRIALS + ")";
    }

    /**
     * An object whose constructor sets four plain (non-final) fields: final fields would be safe
     * even when published through a race (JLS 17.5), which would hide the bug.
     */
    static final class FourFields {
        int a;
        int b;
        int c;
        int d;

        FourFields() {
            a = 1;
            b = 2;
            c = 3;
            d = 4;
        }

        /** Fields a reader found unset (0..4). */
        int missingFields() {
            return (a == 1 ? 0 : 1) + (b == 2 ? 0 : 1) + (c == 3 ? 0 : 1) + (d == 4 ? 0 : 1);
        }
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(DEFAULT_THREADS);
        int trials = settings.ops(settings.tracing() ? 3 : DEFAULT_TRIALS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = List.of(
                measure("without volatile (broken)", "NonVolatileDoubleCheckedLazy", NonVolatileDoubleCheckedLazy::new,
                        threads, trials, timeBox, tracer),
                measure("Lazy (volatile)", "Lazy", Lazy::of, threads, trials, timeBox, tracer));
        return new Report(name(), "threads=" + threads + ", trials=" + trials + ", cpu="
                + System.getProperty("os.arch"), variants, List.of(
                "Both variants check, lock, check again, so both build one object per trial. They differ in",
                "publication: without volatile the first check is a plain read, and the memory model lets a",
                "thread see the reference before the constructor's stores (a partially built object: the",
                "'partial' column). x86 keeps stores in order, so it rarely if ever shows: 'works here' is",
                "not 'correct'. The jcstress test says what is allowed (ACCEPTABLE_INTERESTING without",
                "volatile, FORBIDDEN for Lazy). Run: " + JCSTRESS_COMMAND,
                "(LazyStress is the same check on dev.interlock.lazy.Lazy.)"));
    }

    private Variant measure(String name, String target,
                            Function<Supplier<FourFields>, Supplier<FourFields>> lazyOf, int threads, int trials,
                            Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        AtomicLong created = new AtomicLong();
        AtomicLong partial = new AtomicLong();
        ThreadLocal<Boolean> builtHere = ThreadLocal.withInitial(() -> false);
        @SuppressWarnings("unchecked")
        Supplier<FourFields>[] current = new Supplier[1]; // replaced by the barrier action before each trial
        CyclicBarrier start = new CyclicBarrier(threads, () -> current[0] = lazyOf.apply(() -> {
            created.incrementAndGet();
            builtHere.set(true);
            return new FourFields();
        }));
        Workers.Result result = Workers.run("T", threads, timeBox, index -> {
            for (int i = 0; i < trials; i++) {
                start.await();
                Supplier<FourFields> lazy = current[0];
                if (tracer.enabled()) {
                    tracer.send(target, "get() (trial " + (i + 1) + ")");
                }
                builtHere.set(false);
                int missing = lazy.get().missingFields();
                if (missing != 0) {
                    partial.incrementAndGet();
                }
                if (tracer.enabled()) {
                    String how = builtHere.get() ? "built it: " : "built by the other thread: ";
                    tracer.reply(target, how + (missing == 0 ? "fully built" : "partially built, " + missing + " fields unset"));
                }
            }
        });
        boolean broken = name.contains("(broken)");
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (partial.get() != 0 || created.get() != trials) {
            verdict = Verdict.BROKEN;
        } else {
            // Not seeing a partially built object on this CPU does not make the broken variant correct.
            verdict = broken ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("trials", trials)
                .metric("created", created.get())
                .metric("gets", (long) trials * threads)
                .metric("partial", partial.get())
                .metric("jcstress", broken ? JCSTRESS_TEST + ".NonVolatile" : "LazyStress.RacingGets")
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }
}

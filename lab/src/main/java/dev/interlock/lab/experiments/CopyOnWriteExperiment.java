package dev.interlock.lab.experiments;

import dev.interlock.collect.CopyOnWriteList;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The guide's copy-on-write chapter: one writer appends 1, 2, 3, ... to a list and trims the oldest
 * element beyond a window, while readers iterate the list over and over. Every state the list is ever
 * in is a run of consecutive numbers no longer than the window plus one, so an iteration that sees
 * anything else (a gap, a repeat, a null, too many elements) saw a state that never existed.
 *
 * <p>A plain {@code ArrayList} fails: iterations that overlap a write throw
 * {@link ConcurrentModificationException} (its check is best effort: one could also end quietly
 * with a torn view, which the experiment counts separately). A
 * {@code synchronizedList} locks each call but not the iteration, and fails the same way.
 * {@link CopyOnWriteList} (and the JDK's {@code CopyOnWriteArrayList}) iterate the snapshot that was
 * current when the loop began: every iteration sees a state the list really was in.
 *
 * <p>Both sides yield once per step (the writer after each write, a reader halfway through each
 * pass), as threads with other work are descheduled: on a busy two-core machine a reader could
 * otherwise finish every short pass between two time slices of the writer, and the race would
 * rarely show.
 */
public final class CopyOnWriteExperiment implements Experiment {

    private static final int DEFAULT_READERS = 2;
    private static final int DEFAULT_WRITES = 20_000;
    private static final int DEFAULT_WINDOW = 32;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "copy-on-write";
    }

    @Override
    public String summary() {
        return "iterating a list while another thread changes it: ArrayList fails, a copy-on-write list iterates a snapshot";
    }

    @Override
    public String optionsHelp() {
        return "--threads reading threads (" + DEFAULT_READERS + "), --ops writes by the one writer ("
                + DEFAULT_WRITES + "), --size elements kept, the window (" + DEFAULT_WINDOW + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int readers = settings.threads(settings.tracing() ? 1 : DEFAULT_READERS);
        int writes = settings.ops(settings.tracing() ? 6 : DEFAULT_WRITES);
        int window = settings.size(settings.tracing() ? 3 : DEFAULT_WINDOW);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        variants.add(measure("ArrayList (broken)", "ArrayList", false, ArrayList::new,
                readers, writes, window, timeBox, tracer));
        variants.add(measure("synchronizedList, unlocked iteration (broken)", "synchronizedList", false,
                () -> Collections.synchronizedList(new ArrayList<>()), readers, writes, window, timeBox, tracer));
        variants.add(measure("CopyOnWriteList", "CopyOnWriteList", true, CopyOnWriteList::new,
                readers, writes, window, timeBox, tracer));
        variants.add(measure("CopyOnWriteArrayList", "CopyOnWriteArrayList", true, CopyOnWriteArrayList::new,
                readers, writes, window, timeBox, tracer));

        return new Report(name(), "readers=" + readers + ", writes=" + writes + ", window=" + window, variants,
                List.of(
                "One writer appends 1, 2, 3, ... and removes the oldest beyond the window; readers iterate",
                "all the while (both yield now and then, as threads with other work do, so that loops and",
                "writes overlap even on a busy machine). Every real state is a run of consecutive numbers:",
                "an iteration that sees a gap, a repeat, a null or too many elements (torn) saw a state",
                "that never existed. ArrayList's iterator throws ConcurrentModificationException (cme) when",
                "it notices a change; the JDK calls that check best effort, so an iteration may also end",
                "quietly on a torn view (rare). A synchronizedList locks each call, not the loop: it fails",
                "the same way unless the reader holds its monitor for the whole loop, stalling the writer.",
                "A copy-on-write list iterates the array that was current when the loop began: no lock, no",
                "exception, never torn. The price is on the write side: each write copies the list",
                "(window elements here), so it suits data read far more often than it changes."));
    }

    private Variant measure(String name, String target, boolean snapshots, Supplier<List<Integer>> factory,
                            int readers, int writes, int window, Duration timeBox, Tracer tracer)
            throws InterruptedException {
        List<Integer> list = factory.get();
        tracer.phase(name);
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch firstWrite = new CountDownLatch(1); // readers start on a list being written
        AtomicLong clean = new AtomicLong();
        AtomicLong cme = new AtomicLong();
        AtomicLong torn = new AtomicLong();
        AtomicLong otherFailures = new AtomicLong();
        // Traced: a few passes per reader, so the phase's event budget keeps every write.
        long maxPasses = tracer.enabled() ? writes : Long.MAX_VALUE;
        Workers.Result result = Workers.run(index -> index == 0 ? "writer" : "reader-" + index, readers + 1,
                timeBox, Thread.ofPlatform().factory(), index -> {
                    if (index == 0) {
                        try {
                            write(list, writes, window, target, tracer, firstWrite);
                        } finally {
                            writing.set(false);
                            firstWrite.countDown(); // even if the writer failed before its first write
                        }
                        return;
                    }
                    firstWrite.await();
                    long passes = 0;
                    do {
                        passes++;
                        switch (iterate(list, window, target, tracer)) {
                            case CLEAN -> clean.incrementAndGet();
                            case CME -> cme.incrementAndGet();
                            case TORN -> torn.incrementAndGet();
                            case OTHER_FAILURE -> otherFailures.incrementAndGet();
                        }
                    } while (writing.get() && passes < maxPasses && !Thread.currentThread().isInterrupted());
                });
        long iterations = clean.get() + cme.get() + torn.get() + otherFailures.get();
        long failed = cme.get() + torn.get() + otherFailures.get();
        boolean endStateRight = endStateRight(list, writes, window);
        Verdict verdict;
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (failed > 0 || !endStateRight) {
            verdict = Verdict.BROKEN;
        } else {
            // A list without snapshots that happened not to fail proves nothing either way.
            verdict = snapshots && iterations > 0 ? Verdict.CORRECT : Verdict.INCONCLUSIVE;
        }
        return Variant.named(name)
                .metric("iterations", iterations)
                .metric("clean", clean.get())
                .metric("cme", cme.get())
                .metric("torn", torn.get())
                .metric("other exceptions", otherFailures.get())
                .metric("end state", endStateRight ? "ok" : "wrong")
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }

    /** The writer: appends 1..writes, removing the oldest element whenever the list exceeds the window. */
    private static void write(List<Integer> list, int writes, int window, String target, Tracer tracer,
                              CountDownLatch firstWrite) {
        for (int i = 1; i <= writes; i++) {
            if (tracer.enabled()) {
                tracer.send(target, "add " + i);
            }
            list.add(i);
            firstWrite.countDown();
            if (list.size() > window) {
                if (tracer.enabled()) {
                    tracer.send(target, "remove oldest");
                }
                list.remove(0);
            }
            Thread.yield(); // a writer does other work between writes: let readers run
        }
    }

    /** How one iteration ended. */
    private enum Outcome { CLEAN, CME, TORN, OTHER_FAILURE }

    /**
     * One pass over the list: clean if it saw a run of consecutive numbers no longer than
     * {@code window + 1} (a state the list was really in), torn if it completed but saw anything else.
     */
    private static Outcome iterate(List<Integer> list, int window, String target, Tracer tracer) {
        StringJoiner seen = tracer.enabled() ? new StringJoiner(", ", "[", "]") : null;
        if (tracer.enabled()) {
            tracer.send(target, "iterate");
        }
        int count = 0;
        int halfway = Math.max(1, window / 2);
        boolean consistent = true;
        try {
            Integer previous = null;
            for (Integer v : list) {
                if (v == null || (previous != null && v != previous + 1)) {
                    consistent = false;
                }
                previous = v;
                count++;
                if (seen != null) {
                    seen.add(String.valueOf(v));
                }
                if (count == halfway) {
                    // A reader with real work per element is descheduled mid-loop now and then; on a
                    // busy machine the writer may otherwise never run while an iteration is under way.
                    Thread.yield();
                }
            }
        } catch (ConcurrentModificationException e) {
            if (tracer.enabled()) {
                tracer.note("ConcurrentModificationException after " + elements(count));
            }
            return Outcome.CME;
        } catch (RuntimeException e) {
            if (tracer.enabled()) {
                tracer.note(e.getClass().getSimpleName() + " after " + elements(count));
            }
            return Outcome.OTHER_FAILURE;
        }
        consistent &= count <= window + 1;
        if (tracer.enabled()) {
            tracer.reply(target, "saw " + seen + (consistent ? "" : ": torn, never a state of the list"));
        }
        return consistent ? Outcome.CLEAN : Outcome.TORN;
    }

    private static String elements(int count) {
        return count + (count == 1 ? " element" : " elements");
    }

    /** After the run: the last {@code min(writes, window)} numbers, in order. */
    private static boolean endStateRight(List<Integer> list, int writes, int window) {
        int expectedSize = Math.min(writes, window);
        if (list.size() != expectedSize) {
            return false;
        }
        for (int i = 0; i < expectedSize; i++) {
            if (list.get(i) != writes - expectedSize + 1 + i) {
                return false;
            }
        }
        return true;
    }
}

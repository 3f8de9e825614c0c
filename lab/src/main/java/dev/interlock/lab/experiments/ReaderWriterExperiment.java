package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.TrackedLock;
import dev.interlock.liveness.WaitStats;
import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.lock.ReaderPreferringReadWriteLock;
import dev.interlock.lock.WriterPreferringReadWriteLock;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The guide's reader/writer chapter: a steady stream of overlapping readers and one writer that tries
 * every few milliseconds. Under the reader-preferring lock new readers keep entering while the writer
 * waits, so the writer waits until the stream stops: its wait grows with the run (twice the stream,
 * twice the wait) and it writes nothing while readers stream. Under the writer-preferring and
 * phase-fair locks a waiting writer stops new readers, and it gets in as soon as the readers inside
 * have left: its wait stays bounded however long the stream runs.
 *
 * <p>Each lock runs two streams, one half as long as the other, and the report shows the writer's
 * longest wait in both. A stream's clock starts at its first read, so a thread that the OS starts late
 * does not shorten the stream the writer is judged on. Every run is bounded: the readers stop at the end of their stream, which
 * releases a starved writer, and {@link Workers} interrupts whatever still runs
 * {@link #GRACE} later (every acquisition here is interruptible).
 *
 * <p>Verdict ({@link #starved}, {@link #readersPassed}): STARVED when, in both streams, the writer
 * waited at least half of its time in the stream (from its first attempt to the stream's end) in one
 * go while readers went past it: more than {@link #PASSING_READS_PER_READER} reads per reader began
 * during that wait, so readers kept coming back in while the writer waited. A wait that long with readers passing means readers
 * overlapped for that whole time and the writer got nothing from it. The rule is relative to the
 * stream, not an absolute time, so a slow or loaded machine moves both sides of it alike, and a writer
 * scheduled late is judged on the part of the stream it saw. Readers passing is what tells starvation
 * from the OS holding the writer up: a reader descheduled while it holds the read lock, or a writer
 * descheduled just after the lock was granted, makes a long wait under any lock, but a lock that stops
 * new readers for a waiting writer lets none come back in meanwhile (measured under load: bounded
 * waits up to 95 ms, which a writer present for only part of a short stream could take for half its
 * time). A bounded lock (writer-preferring, phase-fair) that does not starve its writer is CORRECT; the reader-preferring lock that happens not to (its relay of
 * readers broke: no other reader was scheduled for {@link #READER_PATIENCE}) is INCONCLUSIVE, never
 * CORRECT. A run that did not finish in its time box, threw, read nothing, never wrote, or whose
 * writer first tried in the stream's last quarter is INCONCLUSIVE.
 *
 * <p>Live view: during every stream a {@link dev.interlock.liveness.StarvationMonitor} watches that
 * stream's lock only, with a threshold of a quarter of the shorter stream ({@link #monitorThreshold}),
 * and the report counts the waits it flagged while they were going on. It does not decide the verdict.
 */
public final class ReaderWriterExperiment implements Experiment {

    private static final int DEFAULT_READERS = 4;
    /** The longer reader stream; the shorter one is half of it. */
    private static final Duration DEFAULT_STREAM = Duration.ofMillis(600);
    /**
     * The longer stream when tracing. The diagram keeps only each phase's first events, so the length
     * costs nothing there; it keeps the verdict's margin against scheduling delays.
     */
    private static final Duration TRACED_STREAM = Duration.ofMillis(400);
    /** The least time a reader holds the read lock, in microseconds. */
    private static final int DEFAULT_HOLD_MICROS = 20;
    /** The writer's pause between attempts. */
    private static final Duration WRITER_PERIOD = Duration.ofMillis(2);
    /**
     * The longest a reader stays inside waiting for the next reader to come in: a safety net that
     * keeps a stalled relay (no reader scheduled for this long) from holding the lock for ever.
     */
    static final Duration READER_PATIENCE = Duration.ofMillis(100);
    /** Readers traced per run (their first entries only), so the diagram stays small. */
    private static final int TRACED_ENTRIES_PER_READER = 2;
    /**
     * Reads per reader during one write wait beyond which readers went past the writer. Measured
     * (2026-11-26, loaded two-core machine, most reads during one wait): the writer-preferring and
     * phase-fair locks 0 to 17 with 4 readers and 0 to 4 with 2; the reader-preferring lock 23,000 to
     * 94,000 with 4 readers (600 ms stream) and 4,400 or more with 2 (400 ms).
     */
    static final int PASSING_READS_PER_READER = 100;
    /** How long Workers waits beyond the stream before interrupting: room for the writer's last write. */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** The monitor's threshold is the shorter stream divided by this. */
    static final int MONITOR_THRESHOLD_DIVISOR = 4;

    /** Hears every stream's monitor once it is closed; tests use it. */
    private final Consumer<StarvationWatch> watched;

    public ReaderWriterExperiment() {
        this(watch -> { });
    }

    /** For tests: {@code watched} hears every stream's closed monitor, with the lock it watched. */
    ReaderWriterExperiment(Consumer<StarvationWatch> watched) {
        this.watched = Objects.requireNonNull(watched, "watched");
    }

    @Override
    public String name() {
        return "reader-writer";
    }

    @Override
    public String summary() {
        return "a stream of readers starves the writer of a reader-preferring lock; writer preference and phase fairness bound its wait";
    }

    @Override
    public String optionsHelp() {
        return "--threads readers (" + DEFAULT_READERS + "), --time-box the longer reader stream ("
                + DEFAULT_STREAM.toMillis() + " ms; the other is half), --size least read hold in microseconds ("
                + DEFAULT_HOLD_MICROS + "); --ops is not used";
    }

    /** A lock under test with the two views of it the experiment needs beyond {@link ReadWriteLock}. */
    private record Subject(ReadWriteLock lock, TrackedLock tracked, BooleanSupplier readersQueued,
                           WaitStats writeStats) {
    }

    /** The starvation monitor's threshold for a run whose longer stream is {@code longStream}. */
    static Duration monitorThreshold(Duration longStream) {
        return StarvationWatch.thresholdOf(longStream.dividedBy(2), MONITOR_THRESHOLD_DIVISOR);
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int readers = settings.threads(settings.tracing() ? 2 : DEFAULT_READERS);
        Duration longStream = settings.timeBox(settings.tracing() ? TRACED_STREAM : DEFAULT_STREAM);
        Duration shortStream = longStream.dividedBy(2);
        long holdNanos = TimeUnit.MICROSECONDS.toNanos(settings.size(DEFAULT_HOLD_MICROS));
        Duration threshold = monitorThreshold(longStream);

        List<Variant> variants = List.of(
                measure("ReaderPreferringReadWriteLock (broken)", "ReaderPreferring", false, () -> {
                    ReaderPreferringReadWriteLock l = new ReaderPreferringReadWriteLock("reader-preferring");
                    return new Subject(l, l, l::hasQueuedReaders, l.writeWaitStats());
                }, readers, shortStream, longStream, holdNanos, threshold, tracer),
                measure("WriterPreferringReadWriteLock", "WriterPreferring", true, () -> {
                    WriterPreferringReadWriteLock l = new WriterPreferringReadWriteLock("writer-preferring");
                    return new Subject(l, l, l::hasQueuedReaders, l.writeWaitStats());
                }, readers, shortStream, longStream, holdNanos, threshold, tracer),
                measure("PhaseFairReadWriteLock", "PhaseFair", true, () -> {
                    PhaseFairReadWriteLock l = new PhaseFairReadWriteLock("phase-fair");
                    return new Subject(l, l, l::hasQueuedReaders, l.writeWaitStats());
                }, readers, shortStream, longStream, holdNanos, threshold, tracer));

        return new Report(name(), "readers=" + readers + ", reader streams of " + shortStream.toMillis() + " and "
                + longStream.toMillis() + " ms, read hold >= " + TimeUnit.NANOSECONDS.toMicros(holdNanos)
                + " us, one writer trying every " + WRITER_PERIOD.toMillis() + " ms; STARVED = in both streams the "
                + "writer waited half its time in the stream or more in one go, with readers passing it", variants, List.of(
                "Readers relay the lock: each stays inside until a later reader has entered (or, if new readers",
                "are already queued behind a writer, leaves after its hold), so a reader is always inside while",
                "new readers may enter. Reader preference (broken for writers): new readers pass the waiting",
                "writer, the relay never breaks, and the writer waits until the stream stops: its max wait is the",
                "stream's length, twice as long for the stream twice as long, with no write during the stream.",
                "Writer preference: the waiting writer stops new readers, the readers inside leave, it writes;",
                "phase-fair: the same, and the readers it held back all enter when it leaves. Their max wait is",
                "a few read holds plus scheduling, the same for both streams. The price is reads/ms: readers",
                "wait while a writer waits and writes. Two cores: at most two of the threads run at once, so",
                "reads/ms measures hand-offs, not parallel reading; the starvation and its bound do not depend",
                "on the core count, since the relay keeps a reader inside either way. reads past the writer: the",
                "most reads begun during one write wait (long stream): thousands when readers pass the writer, a",
                "handful when the lock stops them, however long the OS holds a thread up.",
                "One run, not a benchmark.",
                "Live vs after the fact: in each stream a StarvationMonitor watches that stream's lock only",
                "(threshold " + threshold.toMillis() + " ms, a quarter of the short stream; a check every "
                        + StarvationWatch.period(threshold).toMillis() + " ms) and flags a wait while",
                "it is still going on, once, at the first check that finds it past the threshold. 'flagged' counts",
                "those waits (both streams); 'flagged max ms' is how long the longest had lasted when it was flagged",
                "(the threshold plus the check's lateness, not its full length); 'flagged mode' says read or write.",
                "The starved writer is flagged while it still waits; its lock's WaitStats ('lock's max ms') give",
                "its full length, with percentiles, only once it is over. A wait under the threshold is never",
                "flagged; a bounded lock's waiter is flagged too when a holder or reader is kept off a core that long."));
    }

    private Variant measure(String name, String target, boolean bounded, Supplier<Subject> subjects, int readers,
                            Duration shortStream, Duration longStream, long holdNanos, Duration threshold,
                            Tracer tracer) throws InterruptedException {
        long start = System.nanoTime();
        tracer.phase(name);
        Run brief = stream(subjects.get(), readers, shortStream, holdNanos, threshold, tracer, target);
        Run full = stream(subjects.get(), readers, longStream, holdNanos, threshold, tracer, target);

        Verdict verdict;
        if (!brief.completed() || !full.completed()) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (starved(brief.maxPassedWaitNanos, brief.presentNanos)
                && starved(full.maxPassedWaitNanos, full.presentNanos)) {
            verdict = Verdict.STARVED;
        } else {
            verdict = bounded ? Verdict.CORRECT : Verdict.INCONCLUSIVE;
        }
        Variant.Builder variant = Variant.named(name)
                .metric("max wait ms (short)", millis(brief.maxWaitNanos))
                .metric("max wait ms (long)", millis(full.maxWaitNanos))
                .metric("writes in stream", full.writesDuringStream)
                .metric("writes", full.attempts)
                .metric("lock's max ms", millis(full.statsMaxNanos))
                .metric("reads past the writer", full.maxReadsPast)
                .metric("reads/ms", round1((double) full.reads / Math.max(1, full.streamNanos / 1_000_000.0)));
        return StarvationWatch.addMetrics(variant, List.of(brief.watch, full.watch), true)
                .elapsedSince(start)
                .verdict(verdict);
    }

    /**
     * The verdict's rule: the writer's longest wait was at least half of {@code presentNanos}, the time
     * from its first attempt to the end of the reader stream.
     */
    static boolean starved(long maxWaitNanos, long presentNanos) {
        return maxWaitNanos >= presentNanos / 2;
    }

    /**
     * Whether readers went past the waiting writer: more than {@link #PASSING_READS_PER_READER} reads
     * per reader began during its wait. A lock that stops new readers for a waiting writer lets in only
     * those already on their way (a reader that got the read lock before the writer asked and counted
     * itself after) and those that come in while the writer spins before it registers; after that,
     * none until the writer is done. A reader-preferring lock lets the whole stream in.
     */
    static boolean readersPassed(long readsDuringWait, int readers) {
        return readsDuringWait > (long) PASSING_READS_PER_READER * readers;
    }

    /** What one stream showed. */
    private record Run(Workers.Result result, long maxWaitNanos, long maxPassedWaitNanos, long maxReadsPast,
                       long attempts, long writesDuringStream, long reads, long streamNanos, long presentNanos,
                       long statsMaxNanos, StarvationWatch watch) {

        /**
         * Whether the run can be judged: it ended in its time box, nothing threw, readers read, the
         * writer wrote, and it was there for at least the last quarter of the stream.
         */
        boolean completed() {
            return result.finished() && result.firstFailure() == null && reads > 0 && attempts > 0
                    && presentNanos >= streamNanos / 4;
        }
    }

    /**
     * One stream: {@code readers} reader threads relay the read lock for {@code length}; one writer
     * tries every {@link #WRITER_PERIOD} until the stream ends, measuring each wait.
     */
    private Run stream(Subject subject, int readers, Duration length, long holdNanos, Duration threshold,
                       Tracer tracer, String target) throws InterruptedException {
        ReadWriteLock lock = subject.lock();
        AtomicLong deadline = new AtomicLong();     // set by the first read: its time + length
        AtomicLong tickets = new AtomicLong();      // entries so far: a reader's ticket is its entry number
        AtomicLong maxWait = new AtomicLong();
        AtomicLong maxPassedWait = new AtomicLong(); // the longest wait that readers went past
        AtomicLong maxReadsPast = new AtomicLong();  // the most reads begun during one wait
        AtomicLong attempts = new AtomicLong();
        AtomicLong firstAttempt = new AtomicLong(); // when the writer first asked, or 0
        AtomicLong writesDuringStream = new AtomicLong();
        LongAdder reads = new LongAdder();
        long[] guarded = new long[1];               // guarded by lock: what the writer writes
        long patience = READER_PATIENCE.toNanos();

        Workers.Result result;
        StarvationWatch watch = new StarvationWatch(subject.tracked(), threshold, tracer);
        try (watch) {
            result = Workers.run(i -> i == 0 ? "writer" : "reader-" + i, readers + 1,
                    length.plus(GRACE), Thread.ofPlatform().factory(), index -> {
                        if (index == 0) {
                            // The writer starts once the stream has: its first attempt meets a reader inside.
                            // The stream's clock starts at the first read, not at the first thread to run: on
                            // a loaded machine threads start late, which left the writer too little of the
                            // stream to judge (INCONCLUSIVE for a bounded lock).
                            while (deadline.get() == 0) {
                                if (Thread.currentThread().isInterrupted()) {
                                    throw new InterruptedException("no reader entered within the time box");
                                }
                                Thread.onSpinWait();
                            }
                            long end = deadline.get();
                            while (System.nanoTime() - end < 0) {
                                long n = attempts.get() + 1;
                                if (tracer.enabled()) {
                                    tracer.send(target, "write lock (attempt " + n + ")");
                                }
                                long t0 = System.nanoTime();
                                long entriesBefore = tickets.get();
                                firstAttempt.compareAndSet(0, t0);
                                lock.writeLock().lockInterruptibly();
                                long waited = System.nanoTime() - t0;
                                long readsDuring;
                                try {
                                    // Under the write lock no reader is inside: every entry so far has counted itself.
                                    readsDuring = tickets.get() - entriesBefore;
                                    guarded[0]++;
                                } finally {
                                    lock.writeLock().unlock();
                                }
                                attempts.incrementAndGet();
                                maxWait.accumulateAndGet(waited, Math::max);
                                maxReadsPast.accumulateAndGet(readsDuring, Math::max);
                                if (readersPassed(readsDuring, readers)) {
                                    maxPassedWait.accumulateAndGet(waited, Math::max);
                                }
                                if (t0 + waited - end < 0) {
                                    writesDuringStream.incrementAndGet();
                                }
                                if (tracer.enabled()) {
                                    tracer.reply(target, "locked after " + fmt(millis(waited)) + " ms"
                                            + (t0 + waited - end < 0 ? "" : ", after the stream stopped"));
                                }
                                Thread.sleep(WRITER_PERIOD); // pacing between attempts, not synchronisation
                            }
                        } else {
                            int traced = 0;
                            for (;;) {
                                long end = deadline.get();
                                if (end != 0 && System.nanoTime() - end >= 0) {
                                    break;
                                }
                                lock.readLock().lockInterruptibly();
                                long ticket = tickets.incrementAndGet();
                                long in = System.nanoTime();
                                deadline.compareAndSet(0, in + length.toNanos()); // the first read starts the stream
                                end = deadline.get();
                                try {
                                    reads.increment();
                                    if (tracer.enabled() && traced < TRACED_ENTRIES_PER_READER) {
                                        traced++;
                                        tracer.send(target, "read lock: in (entry " + ticket + ")");
                                    }
                                    // Relay: stay until a later reader is in, unless none can come in.
                                    for (;;) {
                                        long t = System.nanoTime();
                                        boolean mayLeave = tickets.get() > ticket
                                                || subject.readersQueued().getAsBoolean()
                                                || t - in >= patience || t - end >= 0;
                                        if (t - in >= holdNanos && mayLeave) {
                                            break;
                                        }
                                        Thread.yield();
                                    }
                                } finally {
                                    lock.readLock().unlock();
                                }
                            }
                        }
                    });
        }
        watched.accept(watch);
        long present = firstAttempt.get() == 0 ? 0 : Math.max(0, deadline.get() - firstAttempt.get());
        return new Run(result, maxWait.get(), maxPassedWait.get(), maxReadsPast.get(), attempts.get(),
                writesDuringStream.get(), reads.sum(),
                length.toNanos(), present, subject.writeStats().snapshot().maxNanos(), watch);
    }

    private static double millis(long nanos) {
        return round1(nanos / 1_000_000.0);
    }

    private static double round1(double v) {
        return Math.round(v * 10.0) / 10.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

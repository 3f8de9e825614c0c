package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.DeadlockWatchdog;
import dev.interlock.liveness.LockOrderChecker;
import dev.interlock.liveness.PotentialDeadlockException;
import dev.interlock.lock.Locks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.stream.LongStream;

/**
 * The guide's chapter 10: two threads take two locks in opposite orders. Each takes its first lock,
 * they meet, each asks for the other's: a certain deadlock, which {@link DeadlockWatchdog} finds and
 * breaks by interrupting a victim, on platform threads and on virtual threads (where the JDK's own
 * detector sees nothing). The same inversion run so that the threads never overlap does not
 * deadlock, but {@link LockOrderChecker} flags it anyway. One lock order, or {@link Locks#lockAll},
 * fixes it: no deadlock, nothing flagged.
 *
 * <p>The locks are a checker's named locks ({@code A}, {@code B}): {@code DISABLED} where the point is
 * to let the deadlock happen, {@code WARN} or {@code THROW} where the point is the check.
 */
public final class DeadlockExperiment implements Experiment {

    /** Rounds per thread in the variants that do not deadlock. */
    private static final int DEFAULT_OPS = 20_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** How often the lab's watchdog scans: also about the longest a deadlock goes unseen. */
    static final Duration WATCH_PERIOD = Duration.ofMillis(10);
    /** How long a thread waits at a meeting point for the other one. */
    private static final Duration MEETING_BOUND = Duration.ofSeconds(5);
    /** How long lockAll may try before it reports a timeout (it never needs that long here). */
    private static final Duration LOCK_ALL_TIMEOUT = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "deadlock";
    }

    @Override
    public String summary() {
        return "two threads, two locks, opposite orders: the watchdog finds the deadlock (virtual threads too), "
                + "the checker flags the inversion before it bites, one order or lockAll fixes it";
    }

    @Override
    public String optionsHelp() {
        return "--ops rounds per thread in the variants that do not deadlock (" + DEFAULT_OPS
                + "); always 2 threads and 2 locks (--threads and --size are not used)";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int ops = settings.ops(settings.tracing() ? 2 : DEFAULT_OPS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        List<Variant> variants = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        variants.add(inverted("inverted order (broken)", Thread.ofPlatform().factory(), timeBox, tracer, notes));
        variants.add(inverted("inverted order, virtual threads (broken)", Thread.ofVirtual().factory(), timeBox,
                tracer, notes));
        variants.add(invertedApart(timeBox, tracer, notes));
        variants.add(oneOrder(ops, timeBox, tracer));
        variants.add(lockAll(ops, timeBox, tracer));

        notes.addAll(0, List.of(
                "inverted order: T1 locks A then B, T2 locks B then A, and they meet once each holds its first",
                "lock, so each waits for the lock the other holds: a deadlock, every run. DeadlockWatchdog scans",
                "every " + WATCH_PERIOD.toMillis() + " ms the wait-for graph of Interlock's locks (who waits for which lock, who holds it)",
                "and ThreadMXBean's; it reports the cycle once, then its recovery hook interrupts one thread",
                "(the victim gives up and releases its lock; the other finishes). On virtual threads the JDK's",
                "findDeadlockedThreads sees nothing; Interlock's graph does. LockOrderChecker needs no deadlock:",
                "it records 'A before B' the first time a thread takes B while holding A, and flags the first",
                "acquisition that closes a cycle, here in a run whose two orders never overlap. Fixes: both",
                "threads lock A then B; or Locks.lockAll, which takes any locks in one global order (with",
                "backoff), whatever order the caller names them in. One run, not a benchmark."));
        return new Report(name(), "2 threads, locks A and B, rounds per thread in the fixed variants=" + ops,
                variants, notes);
    }

    /**
     * T1 locks A then B, T2 locks B then A, meeting once both hold their first lock: a certain
     * deadlock. A watchdog finds it and interrupts a victim.
     */
    private Variant inverted(String name, ThreadFactory factory, Duration timeBox, Tracer tracer, List<String> notes)
            throws InterruptedException {
        tracer.phase(name);
        LockOrderChecker checker = new LockOrderChecker(LockOrderChecker.Policy.DISABLED);
        Lock[] locks = {checker.newLock("A"), checker.newLock("B")};
        CyclicBarrier meeting = new CyclicBarrier(2);
        AtomicLongArray blockedAt = new AtomicLongArray(2);
        AtomicReference<DeadlockWatchdog.Deadlock> found = new AtomicReference<>();
        AtomicBoolean jdkSawIt = new AtomicBoolean();
        AtomicReference<String> victim = new AtomicReference<>("none");
        Set<Thread> workers = ConcurrentHashMap.newKeySet(); // the watchdog sees the whole JVM: act on ours only
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        List<String> finished = new CopyOnWriteArrayList<>();

        Workers.Result result;
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.builder()
                .period(WATCH_PERIOD)
                .threadName("watchdog")
                .onDeadlock(d -> {
                    if (!workers.containsAll(d.threads())) {
                        return;
                    }
                    // While the cycle still stands: would the JDK's own detector have seen it?
                    long[] jdk = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
                    jdkSawIt.set(jdk != null && d.threads().stream()
                            .allMatch(t -> LongStream.of(jdk).anyMatch(id -> id == t.threadId())));
                    found.compareAndSet(null, d);
                    if (tracer.enabled()) {
                        tracer.note("deadlock found: " + d.describe());
                    }
                })
                .recovery(d -> {
                    if (!workers.containsAll(d.threads())) {
                        return null;
                    }
                    Thread t = d.threads().getLast();
                    victim.set(t.getName());
                    if (tracer.enabled()) {
                        tracer.send(t.getName(), "interrupt");
                    }
                    return t;
                })
                .start()) {
            result = Workers.run(i -> "T" + (i + 1), 2, timeBox, factory, index -> {
                workers.add(Thread.currentThread());
                Lock first = locks[index];
                Lock second = locks[1 - index];
                String firstName = lockName(index);
                String secondName = lockName(1 - index);
                take(first, firstName, tracer);
                try {
                    meet(meeting);
                    if (tracer.enabled()) {
                        tracer.send(secondName, "lock");
                        tracer.note("waits for " + secondName + ", holding " + firstName);
                    }
                    blockedAt.set(index, System.nanoTime());
                    try {
                        second.lockInterruptibly();
                    } catch (InterruptedException e) {
                        gaveUp.add(Thread.currentThread().getName());
                        if (tracer.enabled()) {
                            tracer.note("interrupted: gives up, releases " + firstName);
                        }
                        return;
                    }
                    if (tracer.enabled()) {
                        tracer.reply(secondName, "locked");
                    }
                    second.unlock();
                    finished.add(Thread.currentThread().getName());
                } finally {
                    first.unlock();
                }
            });
        }
        DeadlockWatchdog.Deadlock d = found.get();
        Variant.Builder v = Variant.named(name);
        Verdict verdict;
        if (d != null) {
            long formedAt = Math.max(blockedAt.get(0), blockedAt.get(1));
            double detectMs = Math.max(0, d.detectedAtNanos() - formedAt) / 1e6;
            String seenThrough = d.links().stream().allMatch(l -> l.source() == DeadlockWatchdog.Source.INTERLOCK)
                    ? "Interlock's wait-for graph" : "ThreadMXBean";
            v.metric("deadlock", d.describe())
                    .metric("found through", seenThrough)
                    .metric("ThreadMXBean saw it", jdkSawIt.get())
                    .metric("detected in ms", detectMs)
                    .metric("victim", victim.get() + (gaveUp.contains(victim.get()) ? " (gave up)" : ""))
                    .metric("finished", String.join(", ", finished));
            notes.add("Measured (" + name.replace(" (broken)", "") + "): " + d.describe() + "; found "
                    + String.format(Locale.ROOT, "%.1f", detectMs) + " ms after it formed, through " + seenThrough
                    + " (ThreadMXBean saw it: " + jdkSawIt.get() + "); " + victim.get() + " interrupted.");
            verdict = Verdict.DEADLOCKED;
        } else {
            v.metric("deadlock", result.finished() ? "none found" : "none found before the time box");
            verdict = Verdict.INCONCLUSIVE;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }

    /**
     * The same inversion, but T2 starts only once T1 is done: no deadlock can happen, and the checker
     * still flags it.
     */
    private Variant invertedApart(Duration timeBox, Tracer tracer, List<String> notes) throws InterruptedException {
        String name = "inverted order, no overlap (broken)";
        tracer.phase(name);
        List<PotentialDeadlockException> flagged = new CopyOnWriteArrayList<>();
        LockOrderChecker checker = new LockOrderChecker(LockOrderChecker.Policy.WARN, e -> {
            flagged.add(e);
            if (tracer.enabled()) {
                tracer.note("flagged: " + String.join(" -> ", e.cycle()));
            }
        });
        Lock[] locks = {checker.newLock("A"), checker.newLock("B")};
        CountDownLatch firstDone = new CountDownLatch(1);
        AtomicLong rounds = new AtomicLong();
        Workers.Result result = Workers.run("T", 2, timeBox, index -> {
            if (index == 1 && !firstDone.await(MEETING_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("T1 never finished");
            }
            try {
                takeBoth(locks[index], lockName(index), locks[1 - index], lockName(1 - index), tracer, null);
                rounds.incrementAndGet();
            } finally {
                if (index == 0) {
                    firstDone.countDown();
                }
            }
        });
        Variant.Builder v = Variant.named(name)
                .metric("deadlock", rounds.get() == 2 ? "none: the two orders never overlapped" : "none");
        Verdict verdict;
        if (!flagged.isEmpty()) {
            PotentialDeadlockException e = flagged.getFirst();
            String cycle = String.join(" -> ", e.cycle());
            String edges = String.join("; ", e.edges().stream()
                    .map(edge -> edge.from() + " -> " + edge.to() + " by " + edge.thread())
                    .toList());
            v.metric("flagged", cycle).metric("edges", edges);
            notes.add("Measured (no overlap): no deadlock this run, yet the checker flagged " + cycle + " (" + edges + ").");
            verdict = Verdict.BROKEN;
        } else {
            v.metric("flagged", "nothing");
            verdict = Verdict.INCONCLUSIVE;
        }
        if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }

    /** Both threads lock A, then B, {@code ops} times, under a THROW checker and a watchdog. */
    private Variant oneOrder(int ops, Duration timeBox, Tracer tracer) throws InterruptedException {
        String name = "one order (A, then B)";
        tracer.phase(name);
        LockOrderChecker checker = new LockOrderChecker(LockOrderChecker.Policy.THROW);
        Lock a = checker.newLock("A");
        Lock b = checker.newLock("B");
        long[] pair = {0, 0};
        return fixed(name, ops, timeBox, tracer, pair, null, index -> takeBoth(a, "A", b, "B", tracer, pair));
    }

    /** T1 calls lockAll(A, B), T2 lockAll(B, A), {@code ops} times, under a THROW checker and a watchdog. */
    private Variant lockAll(int ops, Duration timeBox, Tracer tracer) throws InterruptedException {
        String name = "Locks.lockAll";
        tracer.phase(name);
        LockOrderChecker checker = new LockOrderChecker(LockOrderChecker.Policy.THROW);
        Lock[] locks = {checker.newLock("A"), checker.newLock("B")};
        long[] pair = {0, 0};
        AtomicLong timeouts = new AtomicLong();
        return fixed(name, ops, timeBox, tracer, pair, timeouts, index -> {
            Lock first = locks[index];
            Lock second = locks[1 - index];
            if (tracer.enabled()) {
                tracer.send("Locks", "lockAll(" + lockName(index) + ", " + lockName(1 - index) + ")");
            }
            if (!Locks.lockAll(LOCK_ALL_TIMEOUT, first, second)) {
                timeouts.incrementAndGet();
                return;
            }
            try {
                if (tracer.enabled()) {
                    tracer.reply("Locks", "holds both");
                }
                pair[0]++;
                pair[1]++;
            } finally {
                Locks.unlockAll(first, second);
            }
        });
    }

    /** One round of a fixed variant. */
    @FunctionalInterface
    private interface Round {
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code ops} rounds on each of two threads with a watchdog scanning; CORRECT when every round
     * ran, both halves of {@code pair} (updated under both locks) count every round, nothing deadlocked
     * and nothing was flagged (a THROW checker would have thrown). {@code timeouts}, if not null, counts
     * rounds that gave up.
     */
    private Variant fixed(String name, int ops, Duration timeBox, Tracer tracer, long[] pair, AtomicLong timeouts,
                          Round round)
            throws InterruptedException {
        AtomicReference<DeadlockWatchdog.Deadlock> found = new AtomicReference<>();
        Workers.Result result;
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.builder().period(WATCH_PERIOD).threadName("watchdog")
                .onDeadlock(d -> {
                    found.compareAndSet(null, d);
                    if (tracer.enabled()) {
                        tracer.note("deadlock found: " + d.describe());
                    }
                })
                .start()) {
            result = Workers.run("T", 2, timeBox, index -> {
                for (int i = 0; i < ops; i++) {
                    round.run(index);
                }
            });
        }
        Throwable failure = result.firstFailure();
        long expected = 2L * ops;
        Verdict verdict;
        if (found.get() != null) {
            verdict = Verdict.DEADLOCKED;
        } else if (failure instanceof PotentialDeadlockException) {
            verdict = Verdict.BROKEN;
        } else if (!result.finished() || failure != null || pair[0] != expected || pair[1] != expected) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            verdict = Verdict.CORRECT;
        }
        Variant.Builder v = Variant.named(name)
                .metric("rounds", pair[0] + " of " + expected);
        if (timeouts != null) {
            v.metric("lockAll timeouts", timeouts.get());
        }
        return v
                .metric("deadlock", found.get() == null ? "none found" : found.get().describe())
                .metric("flagged", failure instanceof PotentialDeadlockException e ? String.join(" -> ", e.cycle())
                        : "nothing")
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }

    /**
     * Takes {@code first} then {@code second} and releases both; under both, adds one to each half of
     * {@code pair} unless it is null.
     */
    private static void takeBoth(Lock first, String firstName, Lock second, String secondName, Tracer tracer,
                                 long[] pair) {
        take(first, firstName, tracer);
        try {
            take(second, secondName, tracer);
            try {
                if (pair != null) {
                    pair[0]++;
                    pair[1]++;
                }
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    private static void take(Lock lock, String name, Tracer tracer) {
        if (tracer.enabled()) {
            tracer.send(name, "lock");
        }
        lock.lock();
        if (tracer.enabled()) {
            tracer.reply(name, "locked");
        }
    }

    private static void meet(CyclicBarrier meeting) throws InterruptedException {
        try {
            meeting.await(MEETING_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the other thread never took its first lock", e);
        }
    }

    private static String lockName(int index) {
        return index == 0 ? "A" : "B";
    }
}

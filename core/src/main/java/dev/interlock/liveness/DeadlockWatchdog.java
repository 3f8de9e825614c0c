package dev.interlock.liveness;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds real deadlocks while they happen: threads that wait for each other in a cycle, through JDK
 * monitors, {@code java.util.concurrent} locks or Interlock's {@link TrackedLock}s, platform and
 * virtual threads alike; reports each cycle once to a callback and, optionally, interrupts a victim
 * to break it. The guide's chapter 10 detector, for production and for the lab.
 *
 * <p>Sample usage:
 * <pre>{@code
 * try (DeadlockWatchdog watchdog = DeadlockWatchdog.builder()
 *         .period(Duration.ofSeconds(1))
 *         .onDeadlock(deadlock -> log.error("deadlock: " + deadlock.describe()))
 *         .recovery(deadlock -> deadlock.threads().getLast())   // optional: interrupt one thread
 *         .start()) {
 *     runTheApplication();
 * }
 * }</pre>
 *
 * <p><b>Where it looks.</b> Each scan builds a wait-for graph of threads, an edge meaning "waits for
 * a lock held by", from two sources, and looks for cycles in it:
 * <ul>
 *   <li>Interlock's locks: every wait in the {@link WaitRegistry} gives edges from the waiting thread
 *       to the lock's {@link TrackedLock#holders() holders} (for a read-write lock of a
 *       {@link LockOrderChecker}, to the threads that really block it: a writer waits for the readers
 *       too). This sees virtual threads, which the JDK's own detection does not.</li>
 *   <li>The JDK's: {@link ThreadMXBean#findDeadlockedThreads()} (monitors, and ownable synchronizers
 *       such as {@code ReentrantLock} and {@code ReentrantReadWriteLock}), plus the JDK waits of the
 *       platform threads that hold an Interlock lock someone waits for, so that a cycle through both
 *       kinds of lock (a mixed cycle) is found too. Platform threads only: {@code ThreadMXBean} does
 *       not report virtual threads. Off with {@link Builder#jdkLocks(boolean) jdkLocks(false)}.</li>
 * </ul>
 * A thread waiting in an Interlock lock is described by that wait (its name and mode), even when the
 * JDK sees it too.
 *
 * <p><b>Reports.</b> Each cycle found is confirmed by a second look at every wait in it (see the
 * implementation notes), then reported once, as a {@link Deadlock}: its threads in cycle order, the
 * lock each waits for, and their stacks at the time of the report. A cycle is identified by its
 * set of (thread, lock) pairs: while it persists it is not reported again; once gone (broken, or its
 * threads ended) it is forgotten, and a new cycle of the same threads and locks is reported anew.
 * Callbacks run on the scanning thread (the watchdog's own, or the caller of {@link #scanNow()}),
 * one at a time, never concurrently. For each new deadlock the watchdog calls the
 * {@link Builder#onDeadlock onDeadlock} callback, then the {@link Builder#recovery recovery} hook if
 * there is one, and interrupts the thread the hook returns (none if it returns null). Interrupting
 * breaks the cycle only if the victim waits interruptibly ({@code lockInterruptibly}, a timed
 * {@code tryLock}); a thread in {@code lock()} or at a monitor keeps waiting, with its interrupt
 * status set.
 *
 * <p><b>Where the guarantee stops.</b> It finds deadlocks among locks with owners: not waits for a
 * semaphore, a condition, a latch or a queue, which no thread "holds" (the JDK's detector has the
 * same limit). JDK locks are seen on platform threads only, so a cycle through a
 * {@code ReentrantLock} or a monitor held or awaited by a virtual thread is missed; Interlock's locks
 * are seen on every thread, including {@link dev.interlock.lock.FairLock}'s re-acquisition at the end
 * of a {@code Condition.await} (Interlock's three {@code ReadWriteLock}s re-acquire the write lock
 * as an ordinary acquisition, seen too). A thread re-acquiring a {@link LockOrderChecker}'s lock at
 * the end of {@code Condition.await} blocks inside the JDK's condition code: it is seen only through
 * the JDK, so on a platform thread. A deadlock is seen
 * at the first scan after it forms: up to one {@link Builder#period period} later.
 *
 * <p><b>Thread-safety.</b> Thread-safe. {@link #scanNow()} may be called from any thread, also while
 * the watchdog runs; scans are serialised. A callback or hook that throws: from {@link #scanNow()},
 * the exception propagates (after every new deadlock of that scan was handled); on the watchdog's own
 * thread it goes to that thread's uncaught-exception handler and the watchdog keeps scanning.
 *
 * <p><b>Cost.</b> A scan copies the {@link WaitRegistry} (one entry per blocked Interlock waiter),
 * asks each awaited lock for its holders, and calls {@code findDeadlockedThreads()}, which stops the
 * JVM at a safepoint for a time proportional to the number of threads; more {@code ThreadMXBean}
 * calls and stack walks only when Interlock waits are found or a cycle is reported. Nothing is added
 * to the locks' own paths. The default period, {@value #DEFAULT_PERIOD_MILLIS} ms, keeps that well
 * below a millisecond per second.
 */
public final class DeadlockWatchdog implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Snapshot: the graph is built from reads made at different moments (the registry, then each
     * lock's holders, then the JDK), so it may show a cycle that never existed at one instant. A
     * cycle is therefore confirmed before it is reported: after the graph is built, every edge of the
     * cycle is read again (the next thread still blocks the wait: for an Interlock wait, it is still
     * among the lock's blockers; for a JDK wait, ThreadMXBean shows the same lock and owner, and the
     * same count of waits begun, ThreadInfo's waited plus blocked counts), and only then is every
     * Interlock wait checked to be the very same WaitRegistry.Wait record as in the snapshot. A
     * record lives from begin to end of one blocking acquisition and is never reused, so each such
     * thread stayed inside one lock call from the snapshot to the last check; a JDK waiter whose
     * count did not move began no new park or monitor wait between its two looks, so it stayed in the
     * one wait both looks saw. Every thread of a cycle waits, so each stayed in one wait across an
     * interval that contains the moment the JDK re-read begins (first looks come before it, records
     * are checked after); a waiting thread acquires and releases nothing, so every hold read within
     * its interval (the Interlock edges' holders are re-read just before that moment) still holds
     * then: at that moment, every wait and every hold of the cycle was there at once. Without the
     * count, a JDK waiter seen holding an Interlock lock could have let it go, waited, given up and
     * taken it again between the reads (DeadlockWatchdogTest's
     * aJdkWaitLeftAndTakenUpAgainBetweenTheTwoLooksIsNotConfirmed). Left open: a JDK lock whose owner
     * let it go and took it again while its waiter stayed parked (possible with barging JDK locks
     * when the waiter is not woken); the JDK's own detection, for pure JDK cycles, runs at a safepoint
     * and is exact.
     *
     * Self-edges: a reentrant lock never waits for its own holder, so an Interlock wait's edge to the
     * waiting thread itself is dropped (it is a thread that has just acquired and not yet left the
     * registry), except for the one real self-deadlock: a read-write lock's write lock awaited by a
     * thread that holds only a read hold.
     *
     * Reported: `reported` holds the keys (sets of (thread id, lock identity)) of the cycles found in
     * the last scan; a cycle is reported when its key is not in it, and the set is replaced by the
     * keys of this scan's cycles, so a cycle is reported once while it lasts.
     */

    /** The default time between two scans, in milliseconds. */
    static final long DEFAULT_PERIOD_MILLIS = 1_000;

    /** How many hops of JDK waits a scan follows from an Interlock lock's holder (mixed cycles). */
    private static final int MAX_JDK_HOPS = 16;

    /** Where the watchdog saw a wait. */
    public enum Source {
        /** In the {@link WaitRegistry}: a thread blocked in one of Interlock's {@link TrackedLock}s. */
        INTERLOCK,
        /** Through {@link ThreadMXBean}: a platform thread at a monitor or an ownable synchronizer. */
        JDK
    }

    /**
     * One thread of a deadlock and the lock it waits for; the next link's thread holds that lock (the
     * first link's thread, for the last link).
     *
     * @param thread the waiting thread
     * @param lock   what it waits for: an Interlock lock's {@linkplain TrackedLock#name() name}, or the
     *               JDK's description of a lock ({@code class@identity})
     * @param mode   how it waits: an Interlock wait's mode ({@code "lock"}, {@code "read"},
     *               {@code "write"}), or {@code "monitor"} / {@code "lock"} for a JDK monitor / lock
     * @param source where the watchdog saw the wait
     * @param stack  the thread's stack when the deadlock was reported, innermost frame first
     */
    public record Link(Thread thread, String lock, String mode, Source source, List<StackTraceElement> stack) {
        public Link {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(source, "source");
            stack = List.copyOf(stack);
        }
    }

    /**
     * A cycle of threads each waiting for a lock the next one holds.
     *
     * @param links           the cycle in order, starting with its thread of the lowest id
     * @param detectedAtNanos when the cycle was confirmed, in {@link System#nanoTime()} units
     */
    public record Deadlock(List<Link> links, long detectedAtNanos) {
        public Deadlock {
            links = List.copyOf(links);
            if (links.isEmpty()) {
                throw new IllegalArgumentException("a deadlock has at least one thread");
            }
        }

        /** The threads in the cycle, in cycle order. */
        public List<Thread> threads() {
            return links.stream().map(Link::thread).toList();
        }

        /** The locks they wait for, in cycle order: {@code locks().get(i)} is awaited by {@code threads().get(i)}. */
        public List<String> locks() {
            return links.stream().map(Link::lock).toList();
        }

        /**
         * One line per the guide: {@code "T1 holds A, waits for B; T2 holds B, waits for A"}, where a
         * thread "holds" the lock the previous thread of the cycle waits for; a mode other than
         * {@code lock} or {@code monitor} follows the awaited lock, as in {@code "B (write)"}.
         */
        public String describe() {
            StringJoiner out = new StringJoiner("; ");
            for (int i = 0; i < links.size(); i++) {
                Link link = links.get(i);
                Link previous = links.get((i + links.size() - 1) % links.size());
                String mode = link.mode().equals("lock") || link.mode().equals("monitor") ? "" : " (" + link.mode() + ")";
                out.add(LockOrderChecker.nameOf(link.thread()) + " holds " + previous.lock() + ", waits for "
                        + link.lock() + mode);
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return "Deadlock[" + describe() + "]";
        }
    }

    private final long periodNanos;
    private final Consumer<? super Deadlock> callback;
    private final Function<? super Deadlock, ? extends Thread> recovery; // null: none
    private final String threadName;
    private final ThreadMXBean mx;                                        // null: JDK locks not watched
    private final ReentrantLock scanLock = new ReentrantLock();
    private Set<Set<LinkKey>> reported = Set.of();                        // guarded by scanLock
    private final PeriodicCheck periodic;

    private DeadlockWatchdog(Builder b) {
        this.periodNanos = b.period.toNanos();
        this.callback = b.callback;
        this.recovery = b.recovery;
        this.threadName = b.threadName;
        this.periodic = new PeriodicCheck(threadName, periodNanos, this::scanNow);
        this.mx = b.jdkLocks ? ManagementFactory.getThreadMXBean() : null;
    }

    /** A builder with the defaults: a period of one second, JDK locks watched, no recovery. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the watchdog's own daemon thread, which scans once per period until {@link #close()}.
     *
     * @return this watchdog
     * @throws IllegalStateException if it was started or closed before
     */
    public DeadlockWatchdog start() {
        periodic.start();
        return this;
    }

    /**
     * Scans now, on the calling thread, and reports the deadlocks not reported before, as the
     * periodic scan does: each to the callback, then to the recovery hook. Works whether or not the
     * watchdog was started or closed; for tests, and for callers who cannot wait for the period.
     *
     * @return the deadlocks this scan reported, in the order reported; empty if none is new
     * @throws RuntimeException the first exception a callback or hook threw, once every new deadlock
     *                          was handled
     */
    public List<Deadlock> scanNow() {
        scanLock.lock();
        try {
            List<Deadlock> fresh = scan();
            RuntimeException failure = null;
            for (Deadlock d : fresh) {
                failure = handle(d, failure);
            }
            if (failure != null) {
                throw failure;
            }
            return fresh;
        } finally {
            scanLock.unlock();
        }
    }

    private RuntimeException handle(Deadlock d, RuntimeException failure) {
        try {
            callback.accept(d);
        } catch (RuntimeException e) {
            failure = addFailure(failure, e);
        }
        if (recovery != null) {
            try {
                Thread victim = recovery.apply(d);
                if (victim != null) {
                    victim.interrupt();
                }
            } catch (RuntimeException e) {
                failure = addFailure(failure, e);
            }
        }
        return failure;
    }

    private static RuntimeException addFailure(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    /**
     * Stops the watchdog and waits for its thread to finish its current scan (callbacks included).
     * Idempotent. If the calling thread is interrupted while waiting, it stops waiting and keeps its
     * interrupt status set; {@link #close(Duration)} is the timed twin.
     */
    @Override
    public void close() {
        periodic.close();
    }

    /**
     * Stops the watchdog and waits at most {@code timeout} for its thread to end.
     *
     * @return true if the thread has ended (or never started, or is the caller: a callback closing
     *         its own watchdog), false if the timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting; the watchdog is stopped regardless
     */
    public boolean close(Duration timeout) throws InterruptedException {
        return periodic.close(timeout);
    }

    @Override
    public String toString() {
        return "DeadlockWatchdog[" + periodic.state()
                + ", period " + Duration.ofNanos(periodNanos) + (mx != null ? ", JDK and Interlock locks" : ", Interlock locks")
                + "]";
    }

    // ---- one scan ----------------------------------------------------------------------------------

    /** What one thread was seen waiting for. */
    private sealed interface Seen permits InterlockWait, JdkWait {
    }

    private record InterlockWait(WaitRegistry.Wait registered) implements Seen {
    }

    /** {@code episodes}: the thread's waits and monitor blocks begun so far, to tell one wait from the next. */
    private record JdkWait(String lock, int lockIdentity, String lockClass, long owner, String mode, long episodes)
            implements Seen {
    }

    /** One (thread, lock) pair of a cycle: what identifies a cycle between scans. */
    private record LinkKey(long thread, String lock) {
    }

    /** Builds the graph, finds and confirms its cycles, and returns those not reported before. Call holding scanLock. */
    private List<Deadlock> scan() {
        assert scanLock.isHeldByCurrentThread();
        WaitForGraph graph = new WaitForGraph();
        Map<Long, Seen> seen = new HashMap<>();
        Map<Long, Thread> threads = new HashMap<>();
        Set<Long> platformHolders = new LinkedHashSet<>();
        for (WaitRegistry.Wait w : WaitRegistry.current()) {
            long id = w.thread().threadId();
            seen.put(id, new InterlockWait(w));
            threads.put(id, w.thread());
            for (Thread holder : blockersOf(w)) {
                long h = holder.threadId();
                threads.putIfAbsent(h, holder);
                graph.addEdge(id, h);
                if (!holder.isVirtual()) {
                    platformHolders.add(h);
                }
            }
        }
        if (mx != null) {
            addJdkWaits(graph, seen, platformHolders);
        }
        List<List<Long>> cycles = graph.cycles();
        if (cycles.isEmpty()) {
            reported = Set.of();
            return List.of();
        }
        Set<Set<LinkKey>> present = new HashSet<>();
        List<Deadlock> fresh = new ArrayList<>();
        Map<Thread, StackTraceElement[]> allStacks = null;
        for (List<Long> cycle : cycles) {
            if (!confirmed(cycle, seen, threads)) {
                continue;
            }
            Set<LinkKey> key = new HashSet<>();
            for (long id : cycle) {
                key.add(new LinkKey(id, identity(seen.get(id))));
            }
            present.add(key);
            if (reported.contains(key)) {
                continue;
            }
            boolean unresolved = cycle.stream().anyMatch(id -> !threads.containsKey(id));
            if (unresolved && allStacks == null) {
                allStacks = Thread.getAllStackTraces();
                allStacks.keySet().forEach(t -> threads.putIfAbsent(t.threadId(), t));
            }
            Deadlock d = deadlock(cycle, seen, threads, allStacks);
            if (d != null) {
                fresh.add(d);
            }
        }
        reported = present;
        return fresh;
    }

    /** The threads that the waiter of {@code w} waits for, per the lock; never the waiter, but for a real self-deadlock. */
    private static Collection<Thread> blockersOf(WaitRegistry.Wait w) {
        if (w.lock() instanceof AbstractCheckedLock checked) {
            return checked.blockersOf(w.thread());
        }
        List<Thread> holders = new ArrayList<>(w.lock().holders());
        holders.remove(w.thread());
        return holders;
    }

    /**
     * Adds the JDK's waits: the threads it finds deadlocked, and, hop by hop, the JDK waits of the
     * platform threads that hold awaited Interlock locks (for mixed cycles). A thread already seen in
     * an Interlock wait keeps that description.
     */
    private void addJdkWaits(WaitForGraph graph, Map<Long, Seen> seen, Set<Long> platformHolders) {
        Set<Long> ask = new LinkedHashSet<>();
        long[] deadlocked = findDeadlocked();
        if (deadlocked != null) {
            for (long id : deadlocked) {
                ask.add(id);
            }
        }
        ask.addAll(platformHolders);
        Set<Long> asked = new HashSet<>();
        for (int hop = 0; hop < MAX_JDK_HOPS && !ask.isEmpty(); hop++) {
            ask.removeIf(id -> seen.containsKey(id) || !asked.add(id));
            if (ask.isEmpty()) {
                break;
            }
            ThreadInfo[] infos = mx.getThreadInfo(ask.stream().mapToLong(Long::longValue).toArray());
            Set<Long> next = new LinkedHashSet<>();
            for (ThreadInfo info : infos) {
                JdkWait jdk = info == null ? null : jdkWait(info);
                if (jdk == null) {
                    continue;
                }
                seen.put(info.getThreadId(), jdk);
                graph.addEdge(info.getThreadId(), jdk.owner());
                next.add(jdk.owner());
            }
            ask = next;
        }
    }

    private long[] findDeadlocked() {
        try {
            return mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        } catch (UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** A thread's JDK wait for an owned lock, or null if it waits for none. */
    private static JdkWait jdkWait(ThreadInfo info) {
        LockInfo lock = info.getLockInfo();
        long owner = info.getLockOwnerId();
        if (lock == null || owner < 0) {
            return null;
        }
        String mode = info.getThreadState() == Thread.State.BLOCKED ? "monitor" : "lock";
        return new JdkWait(lock.toString(), lock.getIdentityHashCode(), lock.getClassName(), owner, mode,
                info.getWaitedCount() + info.getBlockedCount());
    }

    /**
     * Whether every wait of {@code cycle} is still there: each edge re-read (a JDK wait must be the
     * same wait, not a later one), then each Interlock wait checked to be the same record (see the
     * implementation notes).
     */
    private boolean confirmed(List<Long> cycle, Map<Long, Seen> seen, Map<Long, Thread> threads) {
        List<Long> jdkIds = new ArrayList<>();
        for (int i = 0; i < cycle.size(); i++) {
            long id = cycle.get(i);
            long next = cycle.get((i + 1) % cycle.size());
            switch (seen.get(id)) {
                case InterlockWait iw -> {
                    Thread nextThread = threads.get(next);
                    if (nextThread == null || !blockersOf(iw.registered()).contains(nextThread)) {
                        return false;
                    }
                }
                case JdkWait jw -> jdkIds.add(id);
                case null -> {
                    return false;
                }
            }
        }
        if (!jdkIds.isEmpty()) {
            ThreadInfo[] again = mx.getThreadInfo(jdkIds.stream().mapToLong(Long::longValue).toArray());
            for (int i = 0; i < again.length; i++) {
                JdkWait before = (JdkWait) seen.get(jdkIds.get(i));
                JdkWait now = again[i] == null ? null : jdkWait(again[i]);
                if (now == null || now.lockIdentity() != before.lockIdentity() || now.owner() != before.owner()
                        || !now.lockClass().equals(before.lockClass()) || now.episodes() != before.episodes()) {
                    return false;
                }
            }
        }
        for (long id : cycle) {
            if (seen.get(id) instanceof InterlockWait iw && WaitRegistry.of(iw.registered().thread()) != iw.registered()) {
                return false;
            }
        }
        return true;
    }

    private static String identity(Seen s) {
        return switch (s) {
            case InterlockWait iw -> "interlock:" + iw.registered().lock().getClass().getName() + "@"
                    + Integer.toHexString(System.identityHashCode(iw.registered().lock()));
            case JdkWait jw -> "jdk:" + jw.lock();
        };
    }

    /** The report for a confirmed cycle; null if one of its threads cannot be found (it has ended). */
    private static Deadlock deadlock(List<Long> cycle, Map<Long, Seen> seen, Map<Long, Thread> threads,
                                     Map<Thread, StackTraceElement[]> allStacks) {
        List<Link> links = new ArrayList<>(cycle.size());
        for (long id : cycle) {
            Thread t = threads.get(id);
            if (t == null) {
                return null;
            }
            StackTraceElement[] stack = allStacks != null && allStacks.containsKey(t) ? allStacks.get(t) : t.getStackTrace();
            links.add(switch (seen.get(id)) {
                case InterlockWait iw -> new Link(t, iw.registered().lock().name(), iw.registered().mode(), Source.INTERLOCK,
                        List.of(stack));
                case JdkWait jw -> new Link(t, jw.lock(), jw.mode(), Source.JDK, List.of(stack));
            });
        }
        return new Deadlock(links, System.nanoTime());
    }

    /**
     * Configures a {@link DeadlockWatchdog}. Not thread-safe; {@link #onDeadlock} is required.
     */
    public static final class Builder {
        private Duration period = Duration.ofMillis(DEFAULT_PERIOD_MILLIS);
        private Consumer<? super Deadlock> callback;
        private Function<? super Deadlock, ? extends Thread> recovery;
        private String threadName = "interlock-deadlock-watchdog";
        private boolean jdkLocks = true;

        private Builder() {
        }

        /**
         * The time between two scans of the started watchdog: also about the longest a deadlock goes
         * unreported. Default one second.
         *
         * @throws NullPointerException     if {@code period} is null
         * @throws IllegalArgumentException if {@code period} is zero or negative
         */
        public Builder period(Duration period) {
            Objects.requireNonNull(period, "period");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("period must be positive: " + period);
            }
            this.period = period;
            return this;
        }

        /**
         * Hears each deadlock once (required).
         *
         * @throws NullPointerException if {@code callback} is null
         */
        public Builder onDeadlock(Consumer<? super Deadlock> callback) {
            this.callback = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Chooses, after the callback, a thread to interrupt to break the deadlock (return null to
         * interrupt none); e.g. {@code d -> d.threads().getLast()}. Default: none.
         *
         * @throws NullPointerException if {@code victim} is null
         */
        public Builder recovery(Function<? super Deadlock, ? extends Thread> victim) {
            this.recovery = Objects.requireNonNull(victim, "victim");
            return this;
        }

        /**
         * The name of the watchdog's thread. Default {@code interlock-deadlock-watchdog}.
         *
         * @throws NullPointerException if {@code name} is null
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Whether to watch the JDK's monitors and locks through {@link ThreadMXBean} as well as
         * Interlock's locks. Default true.
         */
        public Builder jdkLocks(boolean watch) {
            this.jdkLocks = watch;
            return this;
        }

        /**
         * A watchdog with this configuration, not started: call {@link DeadlockWatchdog#start()}, or
         * only {@link DeadlockWatchdog#scanNow()}.
         *
         * @throws IllegalStateException if no {@link #onDeadlock} callback was given
         */
        public DeadlockWatchdog build() {
            if (callback == null) {
                throw new IllegalStateException("onDeadlock(callback) is required");
            }
            return new DeadlockWatchdog(this);
        }

        /** {@code build().start()}. */
        public DeadlockWatchdog start() {
            return build().start();
        }
    }
}

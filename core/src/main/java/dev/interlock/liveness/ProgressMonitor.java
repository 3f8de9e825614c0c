package dev.interlock.liveness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Reports livelock as it happens: declared progress points that stay busy without progressing for a
 * threshold. The guide's chapter 10 symptom of livelock is threads that run, use CPU and retry, yet
 * complete nothing; no thread is blocked, so a deadlock detector sees nothing. Workers declare a
 * {@link Point} per kind of work, call {@link Point#busy()} on each attempt and {@link Point#progress()}
 * on each completion; the monitor checks the points periodically and reports each stall once.
 *
 * <p>Sample usage, as run by {@code ProgressMonitorTest.sampleUsage}:
 * <pre>{@code
 * try (ProgressMonitor monitor = ProgressMonitor.builder()
 *         .stallAfter(Duration.ofSeconds(5))
 *         .onStall(stall -> log.warn("livelock? " + stall))
 *         .start();
 *      ProgressMonitor.Point transfers = monitor.register("transfers")) {
 *     while (running) {
 *         transfers.busy();
 *         if (tryTransfer()) {
 *             transfers.progress();
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>The rule.</b> A point is <em>stalled</em> at a check when no progress has been seen for at
 * least {@link Builder#stallAfter stallAfter}, measured from the check that last saw its progress
 * count change (or from its registration), and it was busy since the previous check: {@code busy()}
 * or {@code progress()} was called. A point declared with {@link #registerHeartbeat} is always
 * busy: it is expected to progress all the time. A stall is reported once, to the
 * {@link Builder#onStall onStall} callback; the point is reported again only after it has progressed
 * and then stalled again. An idle point (registered, neither busy nor progressing) is not stalled:
 * a worker with nothing to do is not livelocked.
 *
 * <p><b>Where the guarantee stops.</b> Time is read by the checker only, at each check: a stall is
 * reported between {@code stallAfter} and {@code stallAfter + period} after the last progress, and
 * progress is timed to the check that saw it. The monitor cannot tell a livelock from very slow work,
 * nor from a worker blocked inside one attempt for longer than the threshold if it called
 * {@code busy()} just before (use {@link StarvationMonitor} or the {@code DeadlockWatchdog} for
 * blocked threads). Counts wrap after 2^63 calls, which no program reaches.
 *
 * <p><b>Thread-safety.</b> Thread-safe. {@link Point#busy()} and {@link Point#progress()} are one
 * atomic increment each, no clock read, no lock, safe from any number of threads (platform or
 * virtual). Checks are serialised; the callback runs on the checking thread (the monitor's own, or
 * the caller of {@link #check()}), one report at a time. A callback that throws: from
 * {@link #check()}, the first exception propagates after every stall of that check was reported; on
 * the monitor's thread it goes to that thread's uncaught-exception handler and the monitor keeps
 * checking.
 *
 * <p><b>Cost.</b> A check reads two counters per registered point; registering and closing a point
 * copy the list of points (copy-on-write: register points per kind of work, not per task).
 */
public final class ProgressMonitor implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Workers touch only their Point's two AtomicLongs (busy, progress). Everything else of a point (the counts seen at the previous check, when progress
     * was last seen, whether the current stall was reported) is checker state, guarded by checkLock.
     *
     * Progress is never lost: a check reads `progress` once; an increment after that read is seen by
     * the next check as a change, which resets the stall. A progress() that returns before a check
     * begins is seen by that check (AtomicLong: the increment happens-before the read that sees it).
     * A worker's progress() also counts as busy (busy is incremented first): a point whose workers
     * only call progress() is judged busy whenever it progressed.
     *
     * Lifecycle: PeriodicCheck (a stop latch whose timed await paces the monitor's thread).
     */

    /** The default time between two checks of a started monitor, in milliseconds. */
    static final long DEFAULT_PERIOD_MILLIS = 1_000;

    /**
     * One report: a point that was busy without progress.
     *
     * @param point         the point's name
     * @param progressCount its progress calls so far (unchanged for {@code stalledNanos})
     * @param busyCount     its busy calls so far: attempts that completed nothing
     * @param stalledNanos  how long no progress has been seen, at the check that reported it
     */
    public record Stall(String point, long progressCount, long busyCount, long stalledNanos) {
        public Stall {
            Objects.requireNonNull(point, "point");
        }

        /** {@link #stalledNanos} as a duration. */
        public Duration stalledFor() {
            return Duration.ofNanos(stalledNanos);
        }
    }

    private final long stallAfterNanos;
    private final long periodNanos;
    private final Consumer<? super Stall> callback;
    private final LongSupplier clock;
    private final String threadName;
    private final CopyOnWriteArrayList<Point> points = new CopyOnWriteArrayList<>();
    private final ReentrantLock checkLock = new ReentrantLock();
    private final PeriodicCheck periodic;

    private ProgressMonitor(Builder b) {
        this.stallAfterNanos = Builder.saturatedNanos(b.stallAfter);
        this.periodNanos = Builder.saturatedNanos(b.period);
        this.callback = b.callback;
        this.clock = b.clock;
        this.threadName = b.threadName;
        this.periodic = new PeriodicCheck(threadName, periodNanos, this::check);
    }

    /** A builder: {@code stallAfter} and {@code onStall} are required; the period defaults to one second. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Declares a progress point judged while busy: stalled when {@link Point#busy()} was called since
     * the previous check and no progress was seen for the threshold. Judged from now on.
     *
     * @param name the point's name in reports; names need not be unique
     * @throws NullPointerException if {@code name} is null
     */
    public Point register(String name) {
        return add(name, false);
    }

    /**
     * Declares a heartbeat: a progress point expected to progress all the time, stalled whenever no
     * progress was seen for the threshold, busy or not ({@link Point#busy()} only counts attempts).
     * Judged from now on.
     *
     * @param name the point's name in reports; names need not be unique
     * @throws NullPointerException if {@code name} is null
     */
    public Point registerHeartbeat(String name) {
        return add(name, true);
    }

    private Point add(String name, boolean heartbeat) {
        Objects.requireNonNull(name, "name");
        Point p = new Point(this, name, heartbeat, clock.getAsLong());
        points.add(p);
        return p;
    }

    /** The points registered and not closed, in registration order. */
    public List<Point> points() {
        return List.copyOf(points);
    }

    /**
     * Checks every point now, on the calling thread, and reports the new stalls to the callback, as
     * the periodic check does. Works whether or not the monitor was started or closed; for tests and
     * for callers that schedule checks themselves.
     *
     * @return the stalls this check reported, in registration order; empty if none is new
     * @throws RuntimeException the first exception the callback threw, after every new stall was reported
     */
    public List<Stall> check() {
        checkLock.lock();
        try {
            long now = clock.getAsLong();
            List<Stall> fresh = new ArrayList<>();
            for (Point p : points) {
                Stall s = p.check(now, stallAfterNanos);
                if (s != null) {
                    fresh.add(s);
                }
            }
            PeriodicCheck.deliverAll(fresh, callback);
            return fresh;
        } finally {
            checkLock.unlock();
        }
    }

    /**
     * Starts the monitor's own daemon thread, which checks once per period until {@link #close()}.
     *
     * @return this monitor
     * @throws IllegalStateException if it was started or closed before
     */
    public ProgressMonitor start() {
        periodic.start();
        return this;
    }

    /**
     * Stops the monitor and waits for its thread to finish its current check. Idempotent. If the
     * calling thread is interrupted while waiting, it stops waiting and keeps its interrupt status
     * set; {@link #close(Duration)} is the timed twin.
     */
    @Override
    public void close() {
        periodic.close();
    }

    /**
     * Stops the monitor and waits at most {@code timeout} for its thread to end.
     *
     * @return true if the thread has ended (or never started, or is the caller), false if the
     *         timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting; the monitor is stopped regardless
     */
    public boolean close(Duration timeout) throws InterruptedException {
        return periodic.close(timeout);
    }

    @Override
    public String toString() {
        return "ProgressMonitor[" + points.size() + " points, stall after " + Duration.ofNanos(stallAfterNanos) + "]";
    }

    /**
     * A declared progress point: what workers call. {@link #close()} removes it from the monitor
     * (idempotent); calls on a closed point are counted but never judged.
     *
     * <p>Thread-safe; {@link #busy()} and {@link #progress()} are one atomic increment each.
     */
    public static final class Point implements AutoCloseable {
        private final ProgressMonitor monitor;
        private final String name;
        private final AtomicLong busy = new AtomicLong();
        private final AtomicLong progress = new AtomicLong();
        private final boolean heartbeat;

        // Checker state, guarded by monitor.checkLock.
        private long seenBusy;
        private long seenProgress;
        private long progressSeenAt;
        private boolean reported;

        private Point(ProgressMonitor monitor, String name, boolean heartbeat, long now) {
            this.monitor = monitor;
            this.name = name;
            this.heartbeat = heartbeat;
            this.progressSeenAt = now;
        }

        /** The point's name. */
        public String name() {
            return name;
        }

        /** Whether this point is a heartbeat ({@link ProgressMonitor#registerHeartbeat}). */
        public boolean isHeartbeat() {
            return heartbeat;
        }

        /** Records an attempt: the workers are busy on this point. */
        public void busy() {
            busy.incrementAndGet();
        }

        /** Records a completion: the point progressed (also counts as busy). */
        public void progress() {
            busy.incrementAndGet();
            progress.incrementAndGet();
        }

        /** Attempts recorded so far ({@link #busy()} and {@link #progress()} calls). */
        public long busyCount() {
            return busy.get();
        }

        /** Completions recorded so far. */
        public long progressCount() {
            return progress.get();
        }

        /** The stall to report at {@code now}, or null. Call holding monitor.checkLock. */
        private Stall check(long now, long stallAfterNanos) {
            assert monitor.checkLock.isHeldByCurrentThread();
            long b = busy.get();
            long p = progress.get();
            boolean wasBusy = heartbeat || b != seenBusy;
            seenBusy = b;
            if (p != seenProgress) {
                seenProgress = p;
                progressSeenAt = now;
                reported = false;
                return null;
            }
            long stalled = now - progressSeenAt;
            if (reported || !wasBusy || stalled < stallAfterNanos) {
                return null;
            }
            reported = true;
            return new Stall(name, p, b, stalled);
        }

        /** Stops judging this point. */
        @Override
        public void close() {
            monitor.points.remove(this);
        }

        @Override
        public String toString() {
            return "Point[" + name + ", busy=" + busy.get() + ", progress=" + progress.get() + "]";
        }
    }

    /** Configures a {@link ProgressMonitor}. Not thread-safe; {@link #stallAfter} and {@link #onStall} are required. */
    public static final class Builder {
        private Duration stallAfter;
        private Duration period = Duration.ofMillis(DEFAULT_PERIOD_MILLIS);
        private Consumer<? super Stall> callback;
        private LongSupplier clock = System::nanoTime;
        private String threadName = "interlock-progress-monitor";

        private Builder() {
        }

        /**
         * How long a busy point may go without progress before it is reported (required).
         *
         * @throws NullPointerException     if {@code threshold} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder stallAfter(Duration threshold) {
            this.stallAfter = positive(threshold, "stallAfter");
            return this;
        }

        /**
         * The time between two checks of the started monitor. Default one second.
         *
         * @throws NullPointerException     if {@code period} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder period(Duration period) {
            this.period = positive(period, "period");
            return this;
        }

        /**
         * Hears each stall once (required).
         *
         * @throws NullPointerException if {@code callback} is null
         */
        public Builder onStall(Consumer<? super Stall> callback) {
            this.callback = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * The clock checks read, in nanoseconds (differences only). Default {@link System#nanoTime()};
         * tests pass a fake.
         *
         * @throws NullPointerException if {@code nanoClock} is null
         */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * The name of the monitor's thread. Default {@code interlock-progress-monitor}.
         *
         * @throws NullPointerException if {@code name} is null
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * A monitor with this configuration, not started: call {@link ProgressMonitor#start()}, or only
         * {@link ProgressMonitor#check()}.
         *
         * @throws IllegalStateException if {@code stallAfter} or {@code onStall} was not given
         */
        public ProgressMonitor build() {
            if (stallAfter == null || callback == null) {
                throw new IllegalStateException("stallAfter(threshold) and onStall(callback) are required");
            }
            return new ProgressMonitor(this);
        }

        /** {@code build().start()}. */
        public ProgressMonitor start() {
            return build().start();
        }

        static long saturatedNanos(Duration d) {
            try {
                return d.toNanos();
            } catch (ArithmeticException tooLong) {
                return Long.MAX_VALUE;
            }
        }

        static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}

package dev.interlock.liveness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Flags starvation as it happens: a thread that has waited for an Interlock lock longer than a
 * threshold while the program goes on. The guide's chapter 10 describes starvation as a thread that
 * could run but never gets its turn; this monitor watches every blocked acquisition of a
 * {@link TrackedLock} (through the {@link WaitRegistry}), platform and virtual threads alike, and
 * reports each wait past the threshold once, while it is still going on. Percentiles and the longest
 * wait <em>after the fact</em> are each lock's {@link TrackedLock#waitStats()}.
 *
 * <p>Sample usage, as run by {@code StarvationMonitorTest.sampleUsage}:
 * <pre>{@code
 * try (StarvationMonitor monitor = StarvationMonitor.builder()
 *         .threshold(Duration.ofSeconds(2))
 *         .onStarving(s -> log.warn(s.describe()))
 *         .start()) {
 *     runTheApplication();
 * }
 * }</pre>
 *
 * <p><b>What it watches.</b> Every wait in the {@link WaitRegistry}, or, with
 * {@link Builder#locks}, only the waits for the given locks. A wait is the time a thread spends
 * blocked in one acquisition, from just before it parks to when it gets the lock, times out or is
 * interrupted; an acquisition that does not block is not a wait. A wait is reported once, at the
 * first check at which it has lasted at least the threshold; the same thread's next wait is a new
 * wait.
 *
 * <p><b>Where the guarantee stops.</b> Only Interlock's locks register their waits: a thread starved
 * at a monitor, a {@code ReentrantLock}, a queue or a semaphore is not seen. A wait is seen at the
 * first check after it passes the threshold: up to one {@link Builder#period period} late, and a wait
 * that ends within that period after passing the threshold can go unreported (its lock's
 * {@link WaitStats} still has it). A long wait is not always starvation: a thread behind a holder
 * that is slow, or deadlocked, is flagged too; the report says which lock it waits for and the
 * {@code DeadlockWatchdog} tells the deadlocked apart.
 *
 * <p><b>Thread-safety.</b> Thread-safe. Checks are serialised; the callback runs on the checking
 * thread (the monitor's own, or the caller of {@link #check()}), one report at a time. A callback that
 * throws: from {@link #check()}, the first exception propagates after every new report of that check;
 * on the monitor's thread it goes to the uncaught-exception handler and the monitor keeps checking.
 *
 * <p><b>Cost.</b> A check copies the registry (one entry per thread blocked in an Interlock lock now);
 * nothing is added to the locks' paths beyond the registry they use anyway.
 */
public final class StarvationMonitor implements AutoCloseable {

    /*
     * Implementation notes: a WaitRegistry.Wait record lives for one blocking acquisition and is never
     * reused, so "once per wait" is "once per record", by identity. `reported` holds the records
     * reported and still present at the last check; each check replaces it by those still present, so
     * it never holds more than the waits in progress. Lifecycle: PeriodicCheck.
     */

    /** The default time between two checks of a started monitor, in milliseconds. */
    static final long DEFAULT_PERIOD_MILLIS = 1_000;

    /**
     * One thread waiting too long.
     *
     * @param thread      the waiting thread
     * @param lock        what it waits for
     * @param mode        how it waits: {@code "lock"}, {@code "read"}, {@code "write"}
     * @param waitedNanos how long it had waited at the check that reported it
     */
    public record Starving(Thread thread, TrackedLock lock, String mode, long waitedNanos) {
        public Starving {
            Objects.requireNonNull(thread, "thread");
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(mode, "mode");
        }

        /** {@link #waitedNanos} as a duration. */
        public Duration waited() {
            return Duration.ofNanos(waitedNanos);
        }

        /** One line: {@code "T3 has waited 2104 ms for accounts (lock)"}. */
        public String describe() {
            return thread.getName() + " has waited " + waitedNanos / 1_000_000 + " ms for " + lock.name()
                    + " (" + mode + ")";
        }
    }

    private final long thresholdNanos;
    private final long periodNanos;
    private final Consumer<? super Starving> callback;
    private final LongSupplier clock;
    private final Set<TrackedLock> only; // null: every lock
    private final String threadName;
    private final ReentrantLock checkLock = new ReentrantLock();
    private Set<WaitRegistry.Wait> reported = Set.of(); // guarded by checkLock
    private final PeriodicCheck periodic;

    private StarvationMonitor(Builder b) {
        this.thresholdNanos = ProgressMonitor.Builder.saturatedNanos(b.threshold);
        this.periodNanos = ProgressMonitor.Builder.saturatedNanos(b.period);
        this.callback = b.callback;
        this.clock = b.clock;
        this.only = b.locks;
        this.threadName = b.threadName;
        this.periodic = new PeriodicCheck(threadName, periodNanos, this::check);
    }

    /** A builder: {@code threshold} and {@code onStarving} are required; the period defaults to one second. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the waits now, on the calling thread, and reports those past the threshold not reported
     * before, as the periodic check does. Works whether or not the monitor was started or closed.
     *
     * @return the waits this check reported, longest first; empty if none is new
     * @throws RuntimeException the first exception the callback threw, after every new wait was reported
     */
    public List<Starving> check() {
        checkLock.lock();
        try {
            long now = clock.getAsLong();
            Set<WaitRegistry.Wait> still = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Starving> fresh = new ArrayList<>();
            for (WaitRegistry.Wait w : WaitRegistry.current()) {
                if (only != null && !only.contains(w.lock())) {
                    continue;
                }
                long waited = w.waitedNanos(now);
                if (waited < thresholdNanos) {
                    continue;
                }
                still.add(w);
                if (!reported.contains(w)) {
                    fresh.add(new Starving(w.thread(), w.lock(), w.mode(), waited));
                }
            }
            reported = still;
            fresh.sort((a, b) -> Long.compare(b.waitedNanos(), a.waitedNanos()));
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
    public StarvationMonitor start() {
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
        return "StarvationMonitor[threshold " + Duration.ofNanos(thresholdNanos)
                + (only == null ? ", every Interlock lock" : ", " + only.size() + " locks") + "]";
    }

    /** Configures a {@link StarvationMonitor}. Not thread-safe; {@link #threshold} and {@link #onStarving} are required. */
    public static final class Builder {
        private Duration threshold;
        private Duration period = Duration.ofMillis(DEFAULT_PERIOD_MILLIS);
        private Consumer<? super Starving> callback;
        private LongSupplier clock = System::nanoTime;
        private Set<TrackedLock> locks;
        private String threadName = "interlock-starvation-monitor";

        private Builder() {
        }

        /**
         * How long a wait may last before it is reported (required).
         *
         * @throws NullPointerException     if {@code threshold} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder threshold(Duration threshold) {
            this.threshold = ProgressMonitor.Builder.positive(threshold, "threshold");
            return this;
        }

        /**
         * The time between two checks of the started monitor. Default one second.
         *
         * @throws NullPointerException     if {@code period} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder period(Duration period) {
            this.period = ProgressMonitor.Builder.positive(period, "period");
            return this;
        }

        /**
         * Hears each wait past the threshold once (required).
         *
         * @throws NullPointerException if {@code callback} is null
         */
        public Builder onStarving(Consumer<? super Starving> callback) {
            this.callback = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Watches only the waits for these locks (compared by identity). Default: every Interlock lock.
         *
         * @throws NullPointerException     if {@code locks} or one of them is null
         * @throws IllegalArgumentException if no lock is given
         */
        public Builder locks(TrackedLock... locks) {
            Objects.requireNonNull(locks, "locks");
            if (locks.length == 0) {
                throw new IllegalArgumentException("at least one lock");
            }
            Set<TrackedLock> set = Collections.newSetFromMap(new IdentityHashMap<>());
            for (TrackedLock l : locks) {
                set.add(Objects.requireNonNull(l, "lock"));
            }
            this.locks = set;
            return this;
        }

        /**
         * The clock checks read, in {@link System#nanoTime()} units (the registry's). Default
         * {@code System::nanoTime}; tests pass one that runs ahead.
         *
         * @throws NullPointerException if {@code nanoClock} is null
         */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * The name of the monitor's thread. Default {@code interlock-starvation-monitor}.
         *
         * @throws NullPointerException if {@code name} is null
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * A monitor with this configuration, not started.
         *
         * @throws IllegalStateException if {@code threshold} or {@code onStarving} was not given
         */
        public StarvationMonitor build() {
            if (threshold == null || callback == null) {
                throw new IllegalStateException("threshold(duration) and onStarving(callback) are required");
            }
            return new StarvationMonitor(this);
        }

        /** {@code build().start()}. */
        public StarvationMonitor start() {
            return build().start();
        }
    }
}

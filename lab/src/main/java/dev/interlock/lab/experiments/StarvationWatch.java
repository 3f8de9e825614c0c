package dev.interlock.lab.experiments;

import dev.interlock.lab.Variant;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.liveness.StarvationMonitor;
import dev.interlock.liveness.TrackedLock;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StarvationMonitor} around one run of one Interlock lock: started before the run, watching
 * only that lock, closed after it, keeping every wait it flagged. When tracing, each flag is drawn as a
 * note of the monitor's thread ({@link #THREAD}), called from the lab's callback, not from core.
 *
 * <p>It sees only locks that implement {@link TrackedLock}: a {@code ReentrantLock} cannot be watched.
 * Thread-safe: the monitor's thread adds flags; the experiment reads {@link #flagged()} after
 * {@link #close()}.
 */
final class StarvationWatch implements AutoCloseable {

    /** The monitor thread's name, also its name in traces. */
    static final String THREAD = "starvation-monitor";
    /** Checks per threshold: a wait is flagged at most a fifteenth of the threshold late (when the monitor runs). */
    static final int CHECKS_PER_THRESHOLD = 15;
    /** The shortest period between two checks. */
    static final Duration MIN_PERIOD = Duration.ofMillis(1);
    /** The metric keys {@link #addMetrics} adds; the last only when the lock has more than one mode. */
    static final List<String> METRICS = List.of("flagged", "flagged max ms", "flagged mode");

    private final TrackedLock lock;
    private final Duration threshold;
    private final List<StarvationMonitor.Starving> flagged = new CopyOnWriteArrayList<>();
    private final StarvationMonitor monitor;

    /** Starts watching {@code lock}: a wait of {@code threshold} or more is flagged while it lasts. */
    StarvationWatch(TrackedLock lock, Duration threshold, Tracer tracer) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.monitor = StarvationMonitor.builder()
                .threshold(threshold)
                .period(period(threshold))
                .locks(lock)
                .threadName(THREAD)
                .onStarving(s -> {
                    flagged.add(s);
                    if (tracer.enabled()) {
                        tracer.note("flagged: " + s.describe());
                    }
                })
                .start();
    }

    /** The time between two checks for {@code threshold}: a fifteenth of it, at least {@link #MIN_PERIOD}. */
    static Duration period(Duration threshold) {
        Duration p = threshold.dividedBy(CHECKS_PER_THRESHOLD);
        return p.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : p;
    }

    /** {@code length / divisor}, at least {@link #MIN_PERIOD}: a threshold derived from a run's length. */
    static Duration thresholdOf(Duration length, int divisor) {
        Duration t = length.dividedBy(divisor);
        return t.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : t;
    }

    TrackedLock lock() {
        return lock;
    }

    Duration threshold() {
        return threshold;
    }

    /** The waits flagged so far, in the order they were flagged. */
    List<StarvationMonitor.Starving> flagged() {
        return List.copyOf(flagged);
    }

    /** Stops the monitor and waits for its last check to finish. */
    @Override
    public void close() {
        monitor.close();
    }

    /**
     * Adds {@link #METRICS} for the waits flagged by {@code watches}: how many, how long the longest
     * had lasted when it was flagged (0 when none was), and, if {@code withMode}, its mode
     * ({@code "read"}, {@code "write"}; {@code "none"} when none was flagged).
     */
    static Variant.Builder addMetrics(Variant.Builder variant, Collection<StarvationWatch> watches, boolean withMode) {
        List<StarvationMonitor.Starving> all = watches.stream().flatMap(w -> w.flagged().stream()).toList();
        StarvationMonitor.Starving longest = all.stream()
                .max(Comparator.comparingLong(StarvationMonitor.Starving::waitedNanos)).orElse(null);
        variant.metric("flagged", (long) all.size())
                .metric("flagged max ms", longest == null ? 0.0 : Math.round(longest.waitedNanos() / 100_000.0) / 10.0);
        return withMode ? variant.metric("flagged mode", longest == null ? "none" : longest.mode()) : variant;
    }
}

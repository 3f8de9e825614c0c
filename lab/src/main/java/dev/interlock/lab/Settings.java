package dev.interlock.lab;

import java.time.Duration;

/**
 * The options an experiment runs with. A {@code null} field means "not given": the experiment then
 * uses its own default, passed to the accessor.
 *
 * @param threads the number of worker threads (or producers), when given
 * @param ops     operations or items per thread, when given
 * @param size    a capacity: buffer slots, pool objects, accounts; when given
 * @param timeBox the longest a variant may run before the lab stops it, when given
 * @param seed    the random seed; runs with the same seed make the same choices
 * @param tracing whether a trace is being recorded (experiments then use small sizes)
 */
public record Settings(Integer threads, Integer ops, Integer size, Duration timeBox, long seed, boolean tracing) {

    /** Defaults everywhere: the experiment decides. */
    public static Settings defaults() {
        return new Settings(null, null, null, null, 42L, false);
    }

    public Settings {
        requirePositive("threads", threads);
        requirePositive("ops", ops);
        requirePositive("size", size);
        if (timeBox != null && (timeBox.isNegative() || timeBox.isZero())) {
            throw new IllegalArgumentException("time box must be positive: " + timeBox);
        }
    }

    private static void requirePositive(String name, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }

    public int threads(int dflt) {
        return threads != null ? threads : dflt;
    }

    public int ops(int dflt) {
        return ops != null ? ops : dflt;
    }

    public int size(int dflt) {
        return size != null ? size : dflt;
    }

    public Duration timeBox(Duration dflt) {
        return timeBox != null ? timeBox : dflt;
    }

    public Settings withTracing(boolean on) {
        return new Settings(threads, ops, size, timeBox, seed, on);
    }
}

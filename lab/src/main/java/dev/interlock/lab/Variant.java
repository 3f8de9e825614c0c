package dev.interlock.lab;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One variant's result: its name, its verdict and its measurements, in the order they were added.
 *
 * <p>Metric values are numbers, strings or booleans. Immutable once built.
 */
public record Variant(String name, Verdict verdict, Map<String, Object> metrics) {

    public Variant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** Starts a variant called {@code name}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Collects metrics, then the verdict. Not thread-safe: fill it from one thread. */
    public static final class Builder {
        private final String name;
        private final Map<String, Object> metrics = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder metric(String key, long value) {
            metrics.put(key, value);
            return this;
        }

        public Builder metric(String key, double value) {
            metrics.put(key, value);
            return this;
        }

        public Builder metric(String key, boolean value) {
            metrics.put(key, value);
            return this;
        }

        public Builder metric(String key, String value) {
            metrics.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /** Elapsed wall time in milliseconds, from a {@link System#nanoTime()} start. */
        public Builder elapsedSince(long startNanos) {
            return metric("ms", (System.nanoTime() - startNanos) / 1_000_000L);
        }

        public Variant verdict(Verdict verdict) {
            return new Variant(name, verdict, metrics);
        }
    }
}

package dev.interlock.liveness;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * An exponential backoff policy with full jitter and a cap: how long to pause before the next attempt
 * of something that failed because another thread got in the way. The guide's chapter 10 cure for
 * livelock: threads that retry at once, in step, keep colliding; threads that each wait a random
 * delay, drawn from a range that grows with every failure, soon try at different times.
 *
 * <p><b>Delays.</b> Before retry number {@code n} (0 for the first retry) the delay is drawn
 * uniformly from {@code [0, ceiling(n)]}, where {@code ceiling(n) = min(cap, base * multiplier^n)}
 * ("full jitter"). Randomising the whole range, not just a margin around the ceiling, is what
 * breaks the lockstep: two threads that failed together are unlikely to draw close delays. Large
 * attempt numbers are safe: the ceiling saturates at the cap, never overflows.
 *
 * <p>Sample usage, as run by {@code BackoffTest.sampleUsage}:
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(100));
 * Backoff.Attempts attempts = backoff.attempts();
 * while (!tryTheWork()) {
 *     attempts.pause();   // throws InterruptedException
 * }
 * }</pre>
 *
 * <p><b>Thread-safety.</b> A {@code Backoff} is immutable and may be shared by any number of
 * threads. It draws from {@link ThreadLocalRandom} unless built with {@link Builder#seed(long) a seed}:
 * then from one shared {@link Random}, which is thread-safe and repeats its sequence exactly when a
 * single thread uses it (for tests and reproducible experiments; contended, it is slower). The
 * per-caller state, the number of failures so far, lives in an {@link Attempts}, one per retry loop,
 * not shared between threads.
 *
 * <p><b>Where the guarantee stops.</b> Backoff makes repeated collisions unlikely, not impossible:
 * the chance that two threads collide k times in a row falls geometrically, but a retry loop without
 * a limit can still, with tiny probability, run long. Pauses use {@link TimeUnit#sleep}, so a pause
 * lasts at least its delay and often more: the OS's timer resolution (tens of microseconds on Linux)
 * is the practical floor of a non-zero delay.
 */
public final class Backoff {

    /*
     * Implementation notes: the ceiling is computed in double (base * multiplier^n can exceed a long
     * long before n reaches the int range) and compared with the cap before converting, so it is
     * exact whenever base * multiplier^n < 2^53 ns (104 days) and saturates at the cap beyond.
     * A draw from [0, c] inclusive is nextLong(c + 1), except for c = Long.MAX_VALUE where c + 1 would
     * overflow: then any non-negative long. Immutable: every field final, the seeded Random is the
     * only shared mutable object and is thread-safe by itself.
     */

    /** The multiplier of {@link #exponential}: the ceiling doubles with every failure. */
    public static final double DEFAULT_MULTIPLIER = 2.0;

    private final long baseNanos;
    private final long capNanos;
    private final double multiplier;
    private final Random seeded; // null: ThreadLocalRandom

    private Backoff(long baseNanos, long capNanos, double multiplier, Random seeded) {
        this.baseNanos = baseNanos;
        this.capNanos = capNanos;
        this.multiplier = multiplier;
        this.seeded = seeded;
    }

    /**
     * Full-jitter backoff whose ceiling starts at {@code base} and doubles up to {@code cap}.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code base} is not positive or {@code cap} is less than {@code base}
     */
    public static Backoff exponential(Duration base, Duration cap) {
        return builder().base(base).cap(cap).build();
    }

    /** A builder; {@code base} and {@code cap} are required, the multiplier defaults to 2. */
    public static Builder builder() {
        return new Builder();
    }

    /** The ceiling of the first retry's delay. */
    public Duration base() {
        return Duration.ofNanos(baseNanos);
    }

    /** The largest ceiling, reached after enough failures. */
    public Duration cap() {
        return Duration.ofNanos(capNanos);
    }

    /** How much the ceiling grows with each failure. */
    public double multiplier() {
        return multiplier;
    }

    /**
     * The largest delay before retry {@code attempt}: {@code min(cap, base * multiplier^attempt)}, in
     * nanoseconds. Deterministic; never overflows.
     *
     * @param attempt the number of failures before this retry, minus one: 0 for the first retry
     * @throws IllegalArgumentException if {@code attempt} is negative
     */
    public long ceilingNanos(int attempt) {
        requireAttempt(attempt);
        double ceiling = baseNanos * Math.pow(multiplier, attempt);
        return ceiling >= capNanos ? capNanos : (long) ceiling;
    }

    /**
     * A delay for retry {@code attempt}, drawn uniformly from {@code [0, ceilingNanos(attempt)]}.
     *
     * @throws IllegalArgumentException if {@code attempt} is negative
     */
    public long delayNanos(int attempt) {
        long ceiling = ceilingNanos(attempt);
        RandomGenerator random = seeded != null ? seeded : ThreadLocalRandom.current();
        return ceiling == Long.MAX_VALUE ? random.nextLong() & Long.MAX_VALUE : random.nextLong(ceiling + 1);
    }

    /**
     * Pauses the calling thread for a {@linkplain #delayNanos(int) delay} drawn for retry
     * {@code attempt}. Works on virtual threads (they unmount while they pause).
     *
     * @return the delay drawn, in nanoseconds (the pause lasted at least that long)
     * @throws IllegalArgumentException if {@code attempt} is negative
     * @throws InterruptedException     if the thread is interrupted before or during the pause, even
     *                                  for a delay of zero; the interrupt status is then cleared
     */
    public long pause(int attempt) throws InterruptedException {
        long delay = delayNanos(attempt);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (delay > 0) {
            TimeUnit.NANOSECONDS.sleep(delay);
        }
        return delay;
    }

    /** A fresh retry counter at zero failures, for one retry loop of one thread. */
    public Attempts attempts() {
        return new Attempts(this);
    }

    private static void requireAttempt(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative: " + attempt);
        }
    }

    @Override
    public String toString() {
        return "Backoff[base=" + base() + ", cap=" + cap() + ", multiplier=" + multiplier + ", full jitter"
                + (seeded != null ? ", seeded" : "") + "]";
    }

    /**
     * The state of one retry loop: how many times it has paused. Each {@link #pause()} draws the delay
     * for the next retry and counts it; {@link #reset()} after a success starts over at the base.
     *
     * <p>Not thread-safe: one per loop, used by one thread at a time.
     */
    public static final class Attempts {
        private final Backoff backoff;
        private int count;

        private Attempts(Backoff backoff) {
            this.backoff = backoff;
        }

        /**
         * Pauses for the delay of the next retry (see {@link Backoff#pause(int)}) and counts it. The
         * count stops growing at {@link Integer#MAX_VALUE}; the ceiling has long reached the cap by then.
         *
         * @return the delay drawn, in nanoseconds
         * @throws InterruptedException if interrupted before or during the pause (then not counted)
         */
        public long pause() throws InterruptedException {
            long delay = backoff.pause(count);
            if (count < Integer.MAX_VALUE) {
                count++;
            }
            return delay;
        }

        /** Pauses so far since creation or the last {@link #reset()}. */
        public int count() {
            return count;
        }

        /** Starts over: the next pause is drawn for the first retry again. */
        public void reset() {
            count = 0;
        }

        @Override
        public String toString() {
            return "Backoff.Attempts[" + count + "]";
        }
    }

    /**
     * Configures a {@link Backoff}. Not thread-safe. Each setter checks its argument at once and leaves
     * the builder unchanged when it throws.
     */
    public static final class Builder {
        private Duration base;
        private Duration cap;
        private double multiplier = DEFAULT_MULTIPLIER;
        private Long seed;

        private Builder() {
        }

        /**
         * The ceiling of the first retry's delay (required).
         *
         * @throws NullPointerException     if {@code base} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder base(Duration base) {
            Objects.requireNonNull(base, "base");
            if (base.isNegative() || base.isZero()) {
                throw new IllegalArgumentException("base must be positive: " + base);
            }
            this.base = base;
            return this;
        }

        /**
         * The largest ceiling (required); durations beyond {@link Long#MAX_VALUE} nanoseconds (292
         * years) are clamped to it.
         *
         * @throws NullPointerException     if {@code cap} is null
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder cap(Duration cap) {
            Objects.requireNonNull(cap, "cap");
            if (cap.isNegative() || cap.isZero()) {
                throw new IllegalArgumentException("cap must be positive: " + cap);
            }
            this.cap = cap;
            return this;
        }

        /**
         * How much the ceiling grows with each failure; default 2. A multiplier of 1 gives a constant
         * ceiling: plain random jitter.
         *
         * @throws IllegalArgumentException if it is less than 1, infinite or NaN
         */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be finite and at least 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Draws delays from one shared {@link Random} seeded with {@code seed}: reproducible runs. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalStateException    if base or cap is missing
         * @throws IllegalArgumentException if cap is less than base
         */
        public Backoff build() {
            if (base == null || cap == null) {
                throw new IllegalStateException("base and cap are required");
            }
            long baseNanos = saturatedNanos(base);
            long capNanos = saturatedNanos(cap);
            if (capNanos < baseNanos) {
                throw new IllegalArgumentException("cap " + cap + " is less than base " + base);
            }
            return new Backoff(baseNanos, capNanos, multiplier, seed == null ? null : new Random(seed));
        }

        private static long saturatedNanos(Duration d) {
            try {
                return d.toNanos();
            } catch (ArithmeticException tooLong) {
                return Long.MAX_VALUE;
            }
        }
    }
}

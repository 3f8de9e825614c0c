package dev.interlock.liveness;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wait-time accounting for one lock: how many acquisitions waited, for how long, with the maximum and
 * percentiles. The starvation chapter's measurement, built into Interlock's locks.
 *
 * <p>Thread-safe and lock-free. Acquisitions that did not have to wait are counted in a
 * {@link LongAdder} (cheap under contention); waits go into a log-linear histogram of 4 buckets per
 * power of two, so a percentile is exact to within 19% (the bucket's width), the maximum exactly.
 * Snapshots are weakly consistent while the lock is in use.
 *
 * <p>{@link #sumOf} gives a read-only view that adds up several accountings when a snapshot is taken
 * (a read/write lock's two sides, for instance), so that each acquisition updates one of them only.
 */
public final class WaitStats {

    /*
     * Implementation notes: bucket index for a wait of w > 0 ns is 4 * floor(log2 w) + the two bits
     * below w's highest bit; bucket 0 also takes waits of 0-3 ns. Buckets 0..255 cover every long.
     * A percentile reports the upper bound of the bucket it falls in (never below the true value),
     * capped at the exact maximum. A sum view has null counters and its parts in `parts`.
     */

    /** Sub-buckets per power of two. */
    private static final int SUB_BITS = 2;
    private static final int BUCKETS = 64 << SUB_BITS;

    private final LongAdder immediate;
    private final AtomicLongArray waited;
    private final LongAdder totalNanos;
    private final AtomicLong maxNanos;
    /** The accountings this view sums, or null for one that records. */
    private final WaitStats[] parts;

    /** An empty accounting, to record into. */
    public WaitStats() {
        immediate = new LongAdder();
        waited = new AtomicLongArray(BUCKETS);
        totalNanos = new LongAdder();
        maxNanos = new AtomicLong();
        parts = null;
    }

    private WaitStats(WaitStats[] parts) {
        immediate = null;
        waited = null;
        totalNanos = null;
        maxNanos = null;
        this.parts = parts;
    }

    /**
     * A read-only view whose snapshot is the sum of {@code parts}' snapshots (counts and totals
     * added, the largest maximum, percentiles over the merged histogram); {@link #reset()} resets
     * every part. Its record methods throw {@link UnsupportedOperationException}.
     *
     * @throws NullPointerException if {@code parts} or one of them is null
     */
    public static WaitStats sumOf(WaitStats... parts) {
        WaitStats[] copy = parts.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "parts[" + i + "]");
        }
        return new WaitStats(copy);
    }

    /**
     * A snapshot of the accounting.
     *
     * @param acquisitions every recorded acquisition
     * @param waits        those that had to wait
     * @param totalNanos   the sum of all waits
     * @param maxNanos     the longest wait
     * @param p50Nanos     the median wait over all acquisitions (0 when most did not wait)
     * @param p99Nanos     the 99th percentile
     * @param p999Nanos    the 99.9th percentile
     */
    public record Snapshot(long acquisitions, long waits, long totalNanos, long maxNanos, long p50Nanos,
                           long p99Nanos, long p999Nanos) {
    }

    /** Counts an acquisition that did not wait. */
    public void recordImmediate() {
        checkRecordable();
        immediate.increment();
    }

    /** Counts an acquisition that waited {@code nanos} (negative values count as 0). */
    public void recordWait(long nanos) {
        checkRecordable();
        long w = Math.max(0, nanos);
        waited.incrementAndGet(bucket(w));
        totalNanos.add(w);
        long max;
        while (w > (max = maxNanos.get()) && !maxNanos.compareAndSet(max, w)) {
            Thread.onSpinWait();
        }
    }

    public Snapshot snapshot() {
        long[] counts = new long[BUCKETS];
        long[] sums = new long[3]; // immediate, total nanos, max nanos
        addTo(counts, sums);
        long waitCount = 0;
        for (int i = 0; i < BUCKETS; i++) {
            waitCount += counts[i];
        }
        long zero = sums[0];
        long max = sums[2];
        long all = zero + waitCount;
        return new Snapshot(all, waitCount, sums[1], max,
                percentile(counts, zero, all, max, 0.50),
                percentile(counts, zero, all, max, 0.99),
                percentile(counts, zero, all, max, 0.999));
    }

    /** Adds this accounting's histogram to {@code counts}, its immediate count, total and max to {@code sums}. */
    private void addTo(long[] counts, long[] sums) {
        if (parts != null) {
            for (WaitStats part : parts) {
                part.addTo(counts, sums);
            }
            return;
        }
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += waited.get(i);
        }
        sums[0] += immediate.sum();
        sums[1] += totalNanos.sum();
        sums[2] = Math.max(sums[2], maxNanos.get());
    }

    private void checkRecordable() {
        if (parts != null) {
            throw new UnsupportedOperationException("a sum of WaitStats is read-only: record into its parts");
        }
    }

    /** Forgets everything recorded so far (not atomic with concurrent recording); a sum resets its parts. */
    public void reset() {
        if (parts != null) {
            for (WaitStats part : parts) {
                part.reset();
            }
            return;
        }
        immediate.reset();
        totalNanos.reset();
        maxNanos.set(0);
        for (int i = 0; i < BUCKETS; i++) {
            waited.set(i, 0);
        }
    }

    private static long percentile(long[] counts, long zero, long all, long max, double q) {
        if (all == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * all);
        if (rank <= zero) {
            return 0;
        }
        long seen = zero;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    static int bucket(long nanos) {
        if (nanos < (1L << SUB_BITS)) {
            return 0;
        }
        int exp = 63 - Long.numberOfLeadingZeros(nanos);
        int sub = (int) (nanos >>> (exp - SUB_BITS)) & ((1 << SUB_BITS) - 1);
        return (exp << SUB_BITS) + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    static long upperBound(int i) {
        if (i == 0) {
            return (1L << SUB_BITS) - 1;
        }
        int exp = i >>> SUB_BITS;
        int sub = i & ((1 << SUB_BITS) - 1);
        long base = 1L << exp;
        long width = base >>> SUB_BITS;
        long upper = base + (sub + 1L) * width - 1;
        return upper < 0 ? Long.MAX_VALUE : upper;
    }

    @Override
    public String toString() {
        Snapshot s = snapshot();
        return "WaitStats[acquisitions=" + s.acquisitions() + ", waits=" + s.waits() + ", max=" + s.maxNanos()
                + " ns, p99=" + s.p99Nanos() + " ns]";
    }
}

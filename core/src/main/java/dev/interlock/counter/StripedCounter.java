package dev.interlock.counter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Counter} that spreads contended updates over several cells, for counts that many threads
 * update far more often than anyone reads them (statistics, metrics, hit counts).
 *
 * <p>Thread-safe and lock-free. Without contention an update is one compare-and-set on a base value;
 * the first time two threads collide the counter creates cells, and it grows them (up to twice the
 * processor count, rounded to a power of two) while collisions continue, so that threads mostly
 * update cells nobody else touches.
 *
 * <p>Where the guarantee stops: {@link #get()} adds the base and the cells one by one. It is exact
 * once updates have returned, but while updates run it is not an atomic snapshot: with
 * {@link #increment()} alone it returns a value the counter held during the call, while concurrent
 * {@link #add(long)} calls of other sizes or signs can make it return a sum the counter never held at
 * one instant. {@code java.util.concurrent.atomic.LongAdder.sum()} has the same contract. Use
 * {@link AtomicCounter} when reads must be linearizable.
 *
 * <p>Cost: about 150 bytes per cell, at most {@code 2 * nextPowerOfTwo(processors)} cells, created
 * only under contention; {@code get()} is O(cells).
 */
public final class StripedCounter implements Counter {

    /*
     * Implementation notes.
     *
     * Cells: each cell is its own long[STRIDE] and the value lives in the middle slot, so two values are
     * at least 128 bytes apart whatever order the arrays were allocated in (no false sharing, no
     * padding class hierarchy, no @Contended). The table `cells` holds references to cells, so growing
     * it copies references: an update racing a resize lands in a cell the new table still holds, and
     * nothing is lost.
     *
     * Index: a thread's cell is a hash of its thread id and the counter's `salt`. It is stable while
     * the salt is, so threads that have found distinct cells keep them with no per-thread state.
     * A failed CAS on a cell means another thread shares it: the thread grows the table if it may,
     * otherwise it sometimes (1 in 8, to damp churn when threads outnumber cells) changes the salt,
     * which deals every thread a new cell.
     *
     * Invariants: the counter's value is base + the sum of every cell ever created; cells are never
     * removed; `cells` only ever grows, and only while holding `resizing` (a spin flag taken with CAS,
     * held for an array copy; a thread that does not get it simply retries its update).
     */

    /** Longs per cell: 16 longs = 128 bytes, two cache lines, the unit of adjacent-line prefetch. */
    private static final int STRIDE = 16;
    /** Slot of the value inside a cell: the middle, at least 64 bytes from either end. */
    private static final int SLOT = STRIDE / 2;
    /** Most cells a counter creates: twice the processor count rounded up to a power of two. */
    static final int MAX_CELLS = Integer.highestOneBit(
            Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2;
    /** Chance, as 1 in N, that a collision on a full table re-deals the cells. */
    private static final int RESALT_ONE_IN = 8;

    private static final VarHandle BASE;
    private static final VarHandle SALT;
    private static final VarHandle RESIZING;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BASE = l.findVarHandle(StripedCounter.class, "base", long.class);
            SALT = l.findVarHandle(StripedCounter.class, "salt", int.class);
            RESIZING = l.findVarHandle(StripedCounter.class, "resizing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long base;
    private volatile long[][] cells; // null until the first collision; length a power of two
    private volatile int salt;
    private volatile int resizing;   // 1 while one thread grows `cells`

    /** A counter at zero. */
    public StripedCounter() {
    }

    @Override
    public void increment() {
        add(1);
    }

    @Override
    public void add(long delta) {
        long[][] table = cells;
        if (table == null) {
            long b = base;
            if (BASE.compareAndSet(this, b, b + delta)) {
                return;
            }
            grow(null);
        }
        addToCell(delta);
    }

    private void addToCell(long delta) {
        while (true) {
            long[][] table = cells;
            if (table == null) { // another thread holds `resizing` for the first table
                long b = base;
                if (BASE.compareAndSet(this, b, b + delta)) {
                    return;
                }
                Thread.onSpinWait();
                continue;
            }
            long[] cell = table[index(table.length)];
            long v = (long) CELL.getVolatile(cell, SLOT);
            if (CELL.compareAndSet(cell, SLOT, v, v + delta)) {
                return;
            }
            onCollision(table);
        }
    }

    private int index(int length) {
        long h = (Thread.currentThread().threadId() + salt) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & (length - 1);
    }

    private void onCollision(long[][] table) {
        if (table.length < MAX_CELLS) {
            grow(table);
        } else if (ThreadLocalRandom.current().nextInt(RESALT_ONE_IN) == 0) {
            int s = salt;
            SALT.compareAndSet(this, s, s + 1);
        }
    }

    /** Replaces {@code expected} (null: no table yet) by a table twice as large, unless someone else is. */
    private void grow(long[][] expected) {
        if (!RESIZING.compareAndSet(this, 0, 1)) {
            return;
        }
        try {
            if (cells != expected) {
                return;
            }
            int length = expected == null ? 2 : expected.length * 2;
            long[][] bigger = expected == null ? new long[length][] : Arrays.copyOf(expected, length);
            for (int i = expected == null ? 0 : expected.length; i < length; i++) {
                bigger[i] = new long[STRIDE];
            }
            cells = bigger;
        } finally {
            resizing = 0;
        }
    }

    /**
     * The base plus every cell. Exact when no update runs concurrently; see the class doc for what it
     * means during updates.
     */
    @Override
    public long get() {
        long sum = base;
        long[][] table = cells;
        if (table != null) {
            for (long[] cell : table) {
                sum += (long) CELL.getVolatile(cell, SLOT);
            }
        }
        return sum;
    }

    /** Cells in use (0 until the first contention); for tests and the lab. */
    int cellCount() {
        long[][] table = cells;
        return table == null ? 0 : table.length;
    }

    @Override
    public String toString() {
        return "StripedCounter[" + get() + "]";
    }
}

package dev.interlock.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of reusable objects (connections, buffers, parsers): at most {@code maxSize} objects
 * exist, each lent to one holder at a time. The guide's semaphore-guarded connection pool, with
 * leases that cannot be returned twice, a close that wakes everyone, and diagnostics that say who
 * holds the objects when an acquire times out.
 *
 * <p>Sample usage (a pool of reusable buffers; a connection pool has the same shape):
 * <pre>{@code
 * try (ObjectPool<StringBuilder> buffers = new ObjectPool<>(4, StringBuilder::new)) {
 *     try (ObjectPool.Lease<StringBuilder> lease = buffers.acquire(Duration.ofSeconds(2))) {
 *         StringBuilder buffer = lease.get();
 *         buffer.setLength(0);
 *         buffer.append("reused");
 *     } catch (TimeoutException e) {
 *         // the message names the holders; e.getSuppressed() has their acquire stacks if captured
 *     }
 * }
 * }</pre>
 *
 * <p><b>Objects.</b> The pool creates objects lazily with its factory, only when no idle object is
 * free and fewer than {@code maxSize} exist, and never while holding a lock (there is none). If the
 * factory throws, or returns null ({@link NullPointerException}), the acquirer gets that exception
 * and the pool is as if the acquire had never happened; the same if anything else fails during the
 * acquire (an {@link OutOfMemoryError}, say), except that an object the factory had already made is
 * closed (when {@link AutoCloseable}) before its slot is given back. Idle objects are reused <b>last
 * in, first out</b>: the most recently returned object is the warmest (its caches, its connection's
 * TCP window), and under light load the same few objects serve everyone, as in HikariCP and
 * commons-pool's default.
 *
 * <p><b>Leases.</b> {@link #acquire()} returns a {@link Lease}; closing it returns the object. Close is
 * idempotent: a second close does nothing, and {@link Lease#get()} after close throws
 * {@link IllegalStateException}, so a lease its holder has closed cannot be used to reach the object
 * once someone else may hold it. A lease may be closed by a thread other than its holder; that check
 * is then best-effort: a {@code get()} that races such a close may still return the object as it
 * goes back to the pool (the pool cannot stop a thread from using a reference it already has).
 *
 * <p><b>Fairness.</b> First in, first out: a thread that finds every object taken queues, and
 * returned objects go to queued threads in arrival order; a newcomer does not overtake them (even
 * {@code tryAcquire(Duration.ZERO)} fails while others wait). No waiter starves: it waits for at
 * most as many returns as there are threads ahead of it. The cost: under saturation each return
 * wakes a parked thread instead of letting a running one barge in, which lowers peak throughput;
 * while objects are free (the usual case) fairness costs one read.
 *
 * <p><b>Interruption.</b> Every acquire throws {@link InterruptedException}, with the interrupt
 * status cleared and nothing taken, if the thread is interrupted on entry or while it waits. Timed
 * acquires never return early; a zero or negative timeout does not wait.
 *
 * <p><b>Closing.</b> {@link #close()} is idempotent. Afterwards every acquire, including those already
 * waiting, throws {@link IllegalStateException}. Idle objects that are {@link AutoCloseable} are closed
 * by {@code close()}; leased ones when their lease is closed, by the thread that closes it. An acquire
 * that overlaps {@code close()} may still succeed if it finds an idle object (it is ordered before the
 * close; the object is closed on return like any other), but once an acquirer sees the pool closed it
 * creates nothing and throws. When {@code close()} returns, every object that was idle when it was
 * called has been closed, except one that another thread took over at that moment: a concurrent
 * {@code close()} call (which closes it), the {@code Lease.close()} that was still returning it (its
 * return overlapped the close, so the object counts as leased and that call closes it), or an
 * overlapping acquire (which now holds it). Each failure is reported by the call that closed the
 * object: if objects' {@code close()} methods throw exceptions, the pool still closes every other
 * object and keeps its counts right, then throws one {@link ObjectCloseException} whose cause is the
 * first failure and whose suppressed exceptions are the rest. An {@link Error} from an object's
 * {@code close()} propagates at once; objects still idle then are closed by a later {@code close()}.
 *
 * <p><b>Diagnostics.</b> {@link #leases()} lists the current holders (thread name, id and state, and
 * how long they have held the lease); {@link #describeLeases()} writes that as text;
 * {@link #acquire(Duration)} throws a {@link TimeoutException} whose message names the holders. With
 * {@link #ObjectPool(int, Supplier, boolean) stack capture} on, each lease also records where it was
 * acquired (a stack trace per acquire: several microseconds, so it is off by default).
 *
 * <p><b>Memory effects.</b> Actions of a thread before it closes a lease happen-before the actions of
 * the thread that next acquires the same object; the factory's construction of an object
 * happens-before its first holder's use.
 *
 * <p><b>Cost.</b> While objects are free, an acquire-and-close round trip is six uncontended
 * compare-and-sets, one {@link System#nanoTime()} and one small allocation (the lease); no lock, no
 * stack walk unless capture is on. {@code bench/.../ObjectPoolBench} compares it with commons-pool2's
 * {@code GenericObjectPool} (target: at least twice its throughput at 1 and 2 threads).
 *
 * <p>Where the guarantee stops: the pool bounds and tracks objects, not what holders do with them.
 * A holder may keep using an object (through a reference it kept, not the lease) after closing the
 * lease; a lease never closed is a leak the pool can only report ({@link #leases()}), not reclaim.
 *
 * @param <T> the pooled objects' type
 */
public final class ObjectPool<T> implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Counting: `sync` (an AQS with a long state) holds the number of leases granted in its low bits
     * and CLOSED in its sign bit. An acquire takes one count with a CAS while the count is below
     * maxSize (the linearization point of a successful acquire, and what leased() reads); a returned
     * lease gives its count back with releaseShared, which wakes the first queued thread. Fairness is
     * AQS's hasQueuedPredecessors(). Once CLOSED is set, tryAcquireShared throws
     * IllegalStateException: AQS cancels that waiter's node and wakes the next, which throws in turn,
     * so close() needs to wake only the first (releaseShared(0)). AQS lets tryAcquireShared throw if it
     * does so consistently (here: always, once closed), and cancels the node as it does for a timeout.
     * The count never moves for a refused acquire, so leased() stays exact through close.
     *
     * Checkout: a thread holding a count first allocates its lease (and acquire stack), then takes an
     * idle object or, if none, reserves a creation slot (`created`) and runs the factory. So an
     * allocation failure before the take leaves only the count to give back; a failure after the
     * factory returned (inside create()) closes the new object and frees its slot; and nothing after
     * the take allocates. Objects invariant, while the pool is open: idle + (maxSize - created) >=
     * threads holding a count with neither an object nor a reserved slot, because a returner pushes
     * its object before it gives its count back and a failed creation frees its slot before its count.
     * So the search loop in take() ends at once unless another thread is between two of its steps.
     * Once the pool is closed, destroyers decrement `created` only after an object's close() returns
     * (so that at most maxSize objects exist, counting those being closed); the invariant can then
     * fail for as long as a user close() runs, and take() throws IllegalStateException rather than
     * spin or create.
     *
     * Idle stack: a Treiber stack whose nodes are the closed leases themselves (a lease is pushed once,
     * when closed, and never again), so returning allocates nothing and there is no ABA: a node cannot
     * reappear at the top once popped. A node's `nextIdle` is written before the CAS that publishes it.
     * Popping a node is not yet taking its object: the popper must also win the node's `claimed` flag
     * (one CAS), which the node's own returner may take first once the pool is closed (below). A node
     * that loses its claim is simply dropped. Retention: an idle object's node still references its
     * last holder's Thread (and acquire stack, if captured); at most maxSize of them, released when
     * the object is lent again (or, after close, when the pool is unreachable).
     *
     * Close vs return (a Dekker pair on two volatiles): close() sets CLOSED then pops every node and
     * closes the objects it claims; a returner pushes, gives its count back, then reads CLOSED and, if
     * set, claims its own node and closes its object. One of them sees the other's write, so no object
     * returned during close stays idle and unclosed; the claim makes exactly one thread close it, and
     * a returner never closes anything but its own object, so close() closes every other object that
     * was idle, and reports their failures.
     *
     * Diagnostics: every object has an Entry, created once and linked into `entries` (append-only)
     * after the factory returns, whose `current` field points to its open lease. leases() walks that
     * list; it is not an atomic snapshot across entries.
     *
     * Test seam: `probe` (null outside tests) is called at the Steps below, so that tests can stand a
     * failure (an OutOfMemoryError) or a pause exactly there; see the package-private constructor.
     */

    /** The state's sign bit: set once the pool is closed. */
    private static final long CLOSED = Long.MIN_VALUE;

    private static final VarHandle TOP;
    private static final VarHandle CREATED;
    private static final VarHandle ENTRIES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TOP = l.findVarHandle(ObjectPool.class, "top", Lease.class);
            CREATED = l.findVarHandle(ObjectPool.class, "created", int.class);
            ENTRIES = l.findVarHandle(ObjectPool.class, "entries", Entry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int maxSize;
    private final Supplier<? extends T> factory;
    private final boolean captureStacks;
    private final Sync sync;
    private final Consumer<Step> probe;  // null outside tests

    private volatile Lease<T> top;       // idle stack: closed leases whose objects are free
    private volatile int created;        // objects alive or being created, at most maxSize
    private volatile Entry<T> entries;   // every object ever created, newest first

    /**
     * A pool of at most {@code maxSize} objects made by {@code factory}, without stack capture.
     *
     * @throws IllegalArgumentException if {@code maxSize < 1}
     * @throws NullPointerException     if {@code factory} is null
     */
    public ObjectPool(int maxSize, Supplier<? extends T> factory) {
        this(maxSize, factory, false);
    }

    /**
     * A pool of at most {@code maxSize} objects made by {@code factory}.
     *
     * @param captureStacks whether each acquire records its stack trace for {@link #leases()} and
     *                      timeout messages; costs a stack walk (microseconds) per acquire
     * @throws IllegalArgumentException if {@code maxSize < 1}
     * @throws NullPointerException     if {@code factory} is null
     */
    public ObjectPool(int maxSize, Supplier<? extends T> factory, boolean captureStacks) {
        this(maxSize, factory, captureStacks, null);
    }

    /**
     * For tests: a pool that calls {@code probe} at each {@link Step} of an acquire, so that a test can
     * make an acquire fail (throw from the probe: an {@link OutOfMemoryError} at that point) or pause
     * (block in the probe) exactly there. {@code null}: no probe, as the public constructors.
     */
    ObjectPool(int maxSize, Supplier<? extends T> factory, boolean captureStacks, Consumer<Step> probe) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
        }
        this.factory = Objects.requireNonNull(factory, "factory");
        this.maxSize = maxSize;
        this.captureStacks = captureStacks;
        this.sync = new Sync(maxSize);
        this.probe = probe;
    }

    /** Where an acquire calls the test probe; see {@link #ObjectPool(int, Supplier, boolean, Consumer)}. */
    enum Step {
        /** The acquirer holds a count and has taken nothing else; next it allocates its lease. */
        GRANTED,
        /** The factory has just returned a new object, which the pool has not recorded yet. */
        CREATED
    }

    private void reach(Step step) {
        if (probe != null) {
            probe.accept(step);
        }
    }

    /**
     * Takes an object, waiting as long as it takes for one to be returned if all {@code maxSize} are
     * leased; creates one if none is idle and fewer than {@code maxSize} exist.
     *
     * @throws InterruptedException  if interrupted on entry or while waiting (nothing is taken)
     * @throws IllegalStateException if the pool is or becomes closed
     * @throws RuntimeException      whatever the factory threw; {@link NullPointerException} if it
     *                               returned null (nothing is taken)
     */
    public Lease<T> acquire() throws InterruptedException {
        sync.acquireSharedInterruptibly(1);
        return checkout();
    }

    /**
     * Takes an object if one is free or becomes free within {@code timeout}.
     *
     * @param timeout how long to wait; zero or negative: do not wait
     * @return the lease, or empty if the timeout elapsed first (never earlier)
     * @throws NullPointerException  if {@code timeout} is null
     * @throws InterruptedException  if interrupted on entry or while waiting (nothing is taken)
     * @throws IllegalStateException if the pool is or becomes closed
     * @throws RuntimeException      whatever the factory threw (nothing is taken)
     */
    public Optional<Lease<T>> tryAcquire(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(acquireNanos(TimeUnit.NANOSECONDS.convert(timeout)));
    }

    /**
     * Takes an object if one is free or becomes free within {@code timeout}, else fails with a
     * {@link TimeoutException} that says who holds the objects: its message lists each holder (thread
     * name, id, state, and how long it has held its lease) and, with stack capture on, each holder's
     * acquire stack is attached as a suppressed exception.
     *
     * @throws TimeoutException      if no object became free within {@code timeout} (never earlier)
     * @throws NullPointerException  if {@code timeout} is null
     * @throws InterruptedException  if interrupted on entry or while waiting (nothing is taken)
     * @throws IllegalStateException if the pool is or becomes closed
     * @throws RuntimeException      whatever the factory threw (nothing is taken)
     */
    public Lease<T> acquire(Duration timeout) throws InterruptedException, TimeoutException {
        Lease<T> lease = acquireNanos(TimeUnit.NANOSECONDS.convert(timeout));
        if (lease == null) {
            throw timeout(timeout);
        }
        return lease;
    }

    private Lease<T> acquireNanos(long nanos) throws InterruptedException {
        return sync.tryAcquireSharedNanos(1, nanos) ? checkout() : null;
    }

    /** Turns the count the caller holds into a lease; gives the count back if that fails. */
    private Lease<T> checkout() {
        Lease<T> lease;
        Entry<T> entry;
        try {
            reach(Step.GRANTED);
            lease = new Lease<>(this, Thread.currentThread(), System.nanoTime(),
                    captureStacks ? new Throwable("acquired here") : null);
            entry = take();
        } catch (Throwable failure) {
            sync.releaseShared(1);
            throw failure;
        }
        // Nothing below allocates: the object cannot be lost between taking and lending it.
        lease.entry = entry;
        Entry.CURRENT.setRelease(entry, lease);
        return lease;
    }

    /**
     * Takes an idle object, or creates one; the caller holds a count.
     *
     * @throws IllegalStateException if the pool is closed and no object is idle
     */
    private Entry<T> take() {
        while (true) {
            Lease<T> idle = pop();
            if (idle != null) {
                if (idle.claim()) {
                    return idle.entry;
                }
                continue; // its returner claimed it after close(), to close it
            }
            if (sync.isClosed()) {
                // Objects may be being closed (`created` not yet decremented): do not wait for them,
                // and do not create a new object for a closed pool.
                throw new IllegalStateException("pool closed");
            }
            int c = created;
            if (c < maxSize) {
                if (CREATED.compareAndSet(this, c, c + 1)) {
                    return create();
                }
            } else {
                // Every object exists and none is idle: another thread is between two of its steps
                // (see the implementation notes). Retry.
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Runs the factory for a creation slot the caller reserved. If anything fails, closes the object
     * the factory made (if it got that far) and frees the slot.
     */
    private Entry<T> create() {
        T object = null;
        try {
            object = Objects.requireNonNull(factory.get(), "the pool's factory returned null");
            reach(Step.CREATED);
            Entry<T> entry = new Entry<>(object);
            Entry<T> head;
            do {
                head = entries;
                entry.nextCreated = head;
            } while (!ENTRIES.compareAndSet(this, head, entry));
            return entry;
        } catch (Throwable failure) {
            try {
                if (object instanceof AutoCloseable closeable) {
                    closeAfterFailure(closeable, failure);
                }
            } finally {
                CREATED.getAndAdd(this, -1);
            }
            throw failure;
        }
    }

    /** Closes an object that could not be lent; its own failure is added to {@code failure}. */
    private static void closeAfterFailure(AutoCloseable object, Throwable failure) {
        try {
            object.close();
        } catch (Throwable e) {
            if (e != failure) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Called once per lease, by whoever closes it. */
    private void giveBack(Lease<T> lease) {
        Entry.CURRENT.setRelease(lease.entry, null); // before the push: after it, the entry may be re-lent
        push(lease);
        sync.releaseShared(1);
        if (sync.isClosed() && lease.claim()) {
            // The pool closed meanwhile and nobody has taken the object: close it here, and only it.
            ObjectCloseException failure = destroy(lease.entry, null);
            if (failure != null) {
                throw failure;
            }
        }
    }

    private Lease<T> pop() {
        while (true) {
            Lease<T> t = top;
            if (t == null) {
                return null;
            }
            if (TOP.compareAndSet(this, t, t.nextIdle)) {
                return t;
            }
        }
    }

    private void push(Lease<T> node) {
        Lease<T> t;
        do {
            t = top;
            node.nextIdle = t;
        } while (!TOP.compareAndSet(this, t, node));
    }

    /** Pops every idle node and closes the objects it claims; returns the collected failures, or null. */
    private ObjectCloseException destroyIdle() {
        ObjectCloseException failure = null;
        Lease<T> node;
        while ((node = pop()) != null) {
            if (node.claim()) {
                failure = destroy(node.entry, failure);
            }
        }
        return failure;
    }

    /**
     * Closes a claimed object and frees its slot; adds a failure to {@code failure} (null: none yet).
     * An Error propagates at once, with the slot freed.
     */
    private ObjectCloseException destroy(Entry<T> entry, ObjectCloseException failure) {
        try {
            if (entry.object instanceof AutoCloseable closeable) {
                closeable.close();
            }
        } catch (Exception e) {
            if (failure == null) {
                failure = new ObjectCloseException(e);
            } else {
                failure.addSuppressed(e);
            }
        } finally {
            CREATED.getAndAdd(this, -1);
        }
        return failure;
    }

    /** The most objects this pool holds at once. */
    public int maxSize() {
        return maxSize;
    }

    /**
     * How many leases are granted and not yet closed: between 0 and {@link #maxSize()}. It includes
     * acquires that have been granted an object and are still fetching or creating it.
     */
    public int leased() {
        return sync.leased();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return sync.isClosed();
    }

    /**
     * The open leases, longest-held first. Each entry is read consistently, but the list is not a
     * snapshot at one instant: leases granted or returned while it is built may or may not appear,
     * and an acquire still creating its object is counted by {@link #leased()} but not listed.
     */
    public List<LeaseInfo> leases() {
        long now = System.nanoTime();
        List<LeaseInfo> list = new ArrayList<>();
        for (Entry<T> e = entries; e != null; e = e.nextCreated) {
            @SuppressWarnings("unchecked")
            Lease<T> lease = (Lease<T>) Entry.CURRENT.getAcquire(e);
            if (lease != null && lease.isOpen()) {
                list.add(lease.info(now));
            }
        }
        list.sort(Comparator.comparing(LeaseInfo::age).reversed());
        return list;
    }

    /**
     * The current holders as text, one per line after a summary line (with stack capture on, each
     * followed by its acquire stack): the thing to log when an acquire times out.
     */
    public String describeLeases() {
        List<LeaseInfo> holders = leases();
        var out = new StringBuilder(summary());
        for (LeaseInfo info : holders) {
            out.append("\n  ").append(info);
            for (StackTraceElement frame : info.stack()) {
                out.append("\n      at ").append(frame);
            }
        }
        return out.toString();
    }

    private String summary() {
        return "ObjectPool: " + leased() + " of " + maxSize + " leased" + (isClosed() ? " (closed)" : "");
    }

    private TimeoutException timeout(Duration timeout) {
        List<LeaseInfo> holders = leases();
        var message = new StringBuilder("no pooled object became free within ")
                .append(describe(timeout)).append("; ").append(summary());
        for (int i = 0; i < holders.size(); i++) {
            message.append(i == 0 ? ": " : ", ").append(holders.get(i));
        }
        TimeoutException e = new TimeoutException(message.toString());
        for (LeaseInfo info : holders) {
            if (!info.stack().isEmpty()) {
                e.addSuppressed(new AcquireSite(info));
            }
        }
        return e;
    }

    /** {@code 250 ms}; the ISO-8601 form for a duration too long for a long of milliseconds. */
    private static String describe(Duration timeout) {
        try {
            return timeout.toMillis() + " ms";
        } catch (ArithmeticException tooLong) {
            return timeout.toString();
        }
    }

    /**
     * Closes the pool: later acquires and those waiting now throw {@link IllegalStateException}; idle
     * {@link AutoCloseable} objects are closed now, by this call, leased ones when their lease is
     * closed. Idempotent. See the class doc ("Closing") for acquires and returns that overlap it.
     *
     * @throws ObjectCloseException if one or more of the objects this call closed threw from
     *                              {@code close()}; every other object was still closed
     */
    @Override
    public void close() {
        sync.close();
        ObjectCloseException failure = destroyIdle();
        if (failure != null) {
            throw failure;
        }
    }

    /** For tests: what a thread waiting in an acquire parks on ({@code LockSupport.getBlocker}). */
    Object blockerForTests() {
        return sync;
    }

    @Override
    public String toString() {
        return "ObjectPool[leased=" + leased() + ", maxSize=" + maxSize + (isClosed() ? ", closed]" : "]");
    }

    /**
     * One object lent to one holder. {@link #close()} returns the object to its pool; it is idempotent
     * and may be called from any thread. Thread-safe.
     *
     * @param <T> the pooled object's type
     */
    public static final class Lease<T> implements AutoCloseable {

        private static final VarHandle OPEN;
        private static final VarHandle CLAIMED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                OPEN = l.findVarHandle(Lease.class, "open", boolean.class);
                CLAIMED = l.findVarHandle(Lease.class, "claimed", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final ObjectPool<T> pool;
        private Entry<T> entry;         // set by checkout before the lease reaches its acquirer, then fixed
        private final Thread holder;
        private final long acquiredNanos;
        private final Throwable site;   // null unless stack capture is on
        private volatile boolean open = true;
        Lease<T> nextIdle;              // idle-stack link, written only before this lease is pushed
        private volatile boolean claimed; // as an idle node: set by whoever takes its object (once)

        private Lease(ObjectPool<T> pool, Thread holder, long acquiredNanos, Throwable site) {
            this.pool = pool;
            this.holder = holder;
            this.acquiredNanos = acquiredNanos;
            this.site = site;
        }

        /**
         * The leased object.
         *
         * @throws IllegalStateException if this lease is closed
         */
        public T get() {
            if (!open) {
                throw new IllegalStateException("lease closed: the object is back in the pool");
            }
            return entry.object;
        }

        /** Whether this lease is still open. */
        public boolean isOpen() {
            return open;
        }

        /** As an idle node: takes its object for the caller; false if someone else already has. */
        private boolean claim() {
            return !claimed && CLAIMED.compareAndSet(this, false, true);
        }

        /**
         * Returns the object to the pool; does nothing if already closed. If the pool is closed, the
         * object is closed now (when {@link AutoCloseable}).
         *
         * @throws ObjectCloseException if the pool is closed and closing the object threw; the lease
         *                              is returned all the same
         */
        @Override
        public void close() {
            if (OPEN.compareAndSet(this, true, false)) {
                pool.giveBack(this);
            }
        }

        private LeaseInfo info(long now) {
            List<StackTraceElement> stack = List.of();
            if (site != null) {
                StackTraceElement[] frames = site.getStackTrace();
                int first = 0;
                while (first < frames.length && isPoolFrame(frames[first])) {
                    first++;
                }
                stack = List.of(Arrays.copyOfRange(frames, first, frames.length));
            }
            return new LeaseInfo(holder.getName(), holder.threadId(), holder.getState(),
                    Duration.ofNanos(Math.max(0, now - acquiredNanos)), stack);
        }

        private static boolean isPoolFrame(StackTraceElement frame) {
            String name = frame.getClassName();
            String pool = ObjectPool.class.getName();
            return name.equals(pool) || name.startsWith(pool + "$");
        }

        @Override
        public String toString() {
            return "Lease[" + (open ? "open" : "closed") + "]";
        }
    }

    /**
     * What the pool knows about one open lease.
     *
     * @param holderName  the name of the thread that acquired it (virtual threads are often unnamed)
     * @param holderId    that thread's {@link Thread#threadId() id}
     * @param holderState that thread's state now ({@code TERMINATED}: the lease was leaked)
     * @param age         how long the lease has been held
     * @param stack       where it was acquired, innermost frame first; empty unless stack capture is on
     */
    public record LeaseInfo(String holderName, long holderId, Thread.State holderState, Duration age,
                            List<StackTraceElement> stack) {

        public LeaseInfo {
            Objects.requireNonNull(holderName, "holderName");
            Objects.requireNonNull(holderState, "holderState");
            Objects.requireNonNull(age, "age");
            stack = List.copyOf(stack);
        }

        /** E.g. {@code worker-3 (id 31, TIMED_WAITING) for 1203 ms}. */
        @Override
        public String toString() {
            return (holderName.isEmpty() ? "unnamed" : holderName) + " (id " + holderId + ", " + holderState
                    + ") for " + age.toMillis() + " ms";
        }
    }

    /**
     * Thrown by {@link ObjectPool#close()} and {@link Lease#close()} when closing pooled objects failed.
     * The cause is the first failure, the suppressed exceptions the others. Thrown only after the pool
     * has finished its own bookkeeping: the pool stays consistent.
     */
    public static final class ObjectCloseException extends RuntimeException {
        ObjectCloseException(Exception first) {
            super("closing a pooled object failed: " + first, first);
        }
    }

    /** A holder's acquire stack, attached to a {@link TimeoutException} as a suppressed exception. */
    private static final class AcquireSite extends Exception {
        AcquireSite(LeaseInfo info) {
            super("lease held by " + info, null, false, true);
            setStackTrace(info.stack().toArray(StackTraceElement[]::new));
        }
    }

    /** One pooled object, for life; `current` is its open lease, for diagnostics. */
    private static final class Entry<T> {

        static final VarHandle CURRENT;

        static {
            try {
                CURRENT = MethodHandles.lookup().findVarHandle(Entry.class, "current", Lease.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final T object;
        Lease<T> current;       // release/acquire through CURRENT
        Entry<T> nextCreated;   // written before the CAS that links this entry, then fixed

        Entry(T object) {
            this.object = object;
        }
    }

    /** Lease count plus the closed bit; FIFO queue of waiting acquirers. */
    private static final class Sync extends AbstractQueuedLongSynchronizer {

        private final long maxSize;

        Sync(int maxSize) {
            this.maxSize = maxSize;
        }

        boolean isClosed() {
            return getState() < 0;
        }

        int leased() {
            return (int) (getState() & ~CLOSED);
        }

        @Override
        protected long tryAcquireShared(long unused) {
            while (true) {
                long s = getState();
                if (s < 0) {
                    // AQS cancels this waiter and wakes the next, which throws too.
                    throw new IllegalStateException("pool closed");
                }
                if (s >= maxSize || hasQueuedPredecessors()) {
                    return -1;
                }
                if (compareAndSetState(s, s + 1)) {
                    return maxSize - (s + 1); // > 0: the next waiter may succeed too
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(long n) {
            while (n != 0) {
                long s = getState();
                if (compareAndSetState(s, s - n)) {
                    return true;
                }
            }
            return true; // close(): nothing to give back, just wake the first waiter
        }

        void close() {
            while (true) {
                long s = getState();
                if (s < 0) {
                    return;
                }
                if (compareAndSetState(s, s | CLOSED)) {
                    releaseShared(0); // wakes the first waiter; see tryAcquireShared
                    return;
                }
            }
        }
    }
}

package dev.interlock.lock;

import dev.interlock.liveness.TrackedLock;
import dev.interlock.liveness.WaitRegistry;
import dev.interlock.liveness.WaitStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery the three reader/writer locks share: one state word, per-thread read holds, the write
 * owner, the write lock's conditions, wait tracking. A subclass is a preference policy: which
 * newcomers must wait ({@link #readerBlocked}, {@link #writerBlocked}) and, for the phase-fair lock,
 * how waiters are let in. The public contract is in each subclass's class doc and in
 * {@code package-info.java}.
 */
abstract sealed class AbstractReadWriteLock implements ReadWriteLock, TrackedLock
        permits ReaderPreferringReadWriteLock, WriterPreferringReadWriteLock, PhaseFairReadWriteLock {

    /*
     * Implementation notes.
     *
     * State word (`state`, a long updated by CAS):
     *   bits 0..39  READERS: the number of threads holding the read lock (threads, not holds: a
     *               re-entrant read acquisition changes only the thread's own ReadHold);
     *   bit 40      WRITER: the write lock is held (by `owner`, with `writeHolds` holds);
     *   bit 41      WRITERS_WAITING: at least one writer is registered as waiting (under `mutex`);
     *   bit 42      READERS_WAITING: at least one reader is registered as waiting;
     *   bit 43      WRITER_CLAIM: phase-fair only: the first queued writer owns the next phase, so new
     *               readers wait although no writer holds the lock yet.
     * READERS and WRITER are both non-zero only while the owner holds the read lock as well (a
     * downgrade in progress): a reader enters while WRITER is set only if it is the owner.
     *
     * Fast path: an acquisition the policy allows at once is one CAS on `state` (plus, for a read,
     * a check of the lastHold cache, or a map lookup on a miss); a release with nobody registered as waiting is one CAS. A thread
     * that cannot enter retries for SPIN_TRIES spins, then takes the slow path.
     *
     * Wait accounting: readStats and writeStats are recorded; waitStats() is their sum, read when a
     * snapshot is taken, so an acquisition updates one WaitStats. Only a parked acquisition reads the
     * clock to time its wait (a timed one also reads it once before its spin, for its deadline); one
     * that gets in while spinning counts as immediate. A clock read costs 25-80 ns
     * on a virtual machine, and timing every spin halved throughput at 90% reads (ReadWriteLockBench).
     *
     * Slow path: `mutex` guards the waiting side (`waitingReaders`, `waitingWriters`, the phase-fair
     * lock's writer queue and grant epoch) and its two conditions, `readersGo` and `writersGo`. A
     * waiter, holding `mutex`, registers by setting its WAITING bit with a CAS that also re-validates
     * that it is still blocked, then waits on its condition and re-checks in a loop. A release that
     * finds a WAITING bit set (or, for a reader, leaves READERS == 0 with writers waiting) takes
     * `mutex` and signals. No wake-up is lost: the waiter sets its bit before its last check and
     * holds `mutex` from that check until it waits, so a release either happened before the check
     * (which sees it) or sees the bit and signals after the waiter waits. A waiter that gives up
     * (timeout, interrupt) re-evaluates and signals on its way out, because others may have waited
     * only because of it (a waiting writer blocks readers in the writer-preferring lock, a waiting
     * reader blocks writers in the reader-preferring one).
     *
     * Read holds: `readHolds` maps each thread that has read-locked this lock to its ReadHold
     * (count written only by that thread). Entries persist while the thread lives, so a thread's
     * repeated read acquisitions do not allocate; entries of ended threads with no holds are pruned
     * when the map has doubled since the last pruning. `lastHold` caches the last hold used, which
     * saves the map lookup (about 17 ns of a 60 ns uncontended read lock and unlock here) while one
     * thread reads repeatedly. With several readers taking turns, most lookups miss: each miss costs
     * the map lookup plus a write of lastHold, on a line other threads use. This is what lets a re-entrant reader skip
     * the policy (no deadlock behind a waiting writer), lets unlock detect a thread that holds
     * nothing, lets a write request from a reader fail fast, and gives holders() its readers.
     *
     * Invariants, whenever `mutex` is free:
     *   (I1) READERS == the number of threads whose ReadHold count is positive, plus readers granted
     *        by a phase-fair hand-off that have not yet woken to set their count;
     *   (I2) WRITER set <=> `owner` != null (except in the instants between the owner's CAS and its
     *        write of `owner`), and `writeHolds` > 0 exactly while the owner holds it;
     *   (I3) READERS_WAITING <=> waitingReaders > 0; WRITERS_WAITING <=> waitingWriters > 0 (for the
     *        phase-fair lock: <=> its writer queue is not empty);
     *   (I4) a registered waiter is blocked by the policy or about to re-check after a signal.
     */

    static final long READER_UNIT = 1L;
    static final long READER_MASK = (1L << 40) - 1;
    static final long WRITER = 1L << 40;
    static final long WRITERS_WAITING = 1L << 41;
    static final long READERS_WAITING = 1L << 42;
    static final long WRITER_CLAIM = 1L << 43;

    /** Failed tries (each after a {@link Thread#onSpinWait()}) before an acquirer parks: ~1-3 us. */
    static final int SPIN_TRIES = 64;
    /** Map size below which ended threads' read-hold entries are not pruned. */
    private static final int MIN_PRUNE_SIZE = 64;

    /** Acquisition modes. */
    static final int TRY = 0;
    static final int UNINTERRUPTIBLE = 1;
    static final int INTERRUPTIBLE = 2;
    static final int TIMED = 3;

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final VarHandle STATE;
    private static final VarHandle OWNER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(AbstractReadWriteLock.class, "state", long.class);
            OWNER = l.findVarHandle(AbstractReadWriteLock.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private volatile long state;
    /** The write lock's holder; written only by that thread (benign race: others read it opaquely). */
    private Thread owner;
    /** The owner's write holds; read and written only by the owner. */
    private int writeHolds;
    private final ConcurrentHashMap<Thread, ReadHold> readHolds = new ConcurrentHashMap<>();
    /**
     * The read hold looked up or made last, by any thread: a cache in front of readHolds. A plain
     * field, racy by design: a read gives null or some ReadHold, whose final `thread` says whose it
     * is; a thread uses it only if it is its own (whose count only it writes).
     */
    private ReadHold lastHold;
    /** Prune ended threads' entries when the map grows past this. */
    private volatile int pruneAt = MIN_PRUNE_SIZE;

    final ReentrantLock mutex = new ReentrantLock();
    /** Readers registered as waiting wait here. */
    final Condition readersGo = mutex.newCondition();
    /** Writers registered as waiting wait here. */
    final Condition writersGo = mutex.newCondition();
    int waitingReaders; // guarded by mutex
    int waitingWriters; // guarded by mutex

    private final WaitStats readStats = new WaitStats();
    private final WaitStats writeStats = new WaitStats();
    /** Both sides' accounting summed when read: an acquisition updates one WaitStats, not two. */
    private final WaitStats stats = WaitStats.sumOf(readStats, writeStats);
    private final Lock readLock = new ReadLock();
    private final Lock writeLock = new WriteLock();

    /** A lock called {@code name}, or {@code "ClassName@N"} (N a process-wide sequence) if null. */
    AbstractReadWriteLock(String name) {
        this.name = name != null ? name : getClass().getSimpleName() + "@" + SEQUENCE.incrementAndGet();
    }

    // ---------------------------------------------------------------- the policy

    /** Whether a reader that holds nothing and does not own the write lock must wait in state {@code s}. */
    abstract boolean readerBlocked(long s);

    /** Whether a writer that holds nothing must wait in state {@code s}. */
    abstract boolean writerBlocked(long s);

    // ---------------------------------------------------------------- public API

    /** The read lock: shared among readers; see the class doc for when a reader waits. */
    @Override
    public Lock readLock() {
        return readLock;
    }

    /** The write lock: exclusive, reentrant, with conditions; see the class doc. */
    @Override
    public Lock writeLock() {
        return writeLock;
    }

    /** The name given at construction, or {@code "ClassName@N"} with N unique in this process. */
    @Override
    public String name() {
        return name;
    }

    /**
     * The write lock's owner, if any, followed by the threads holding the read lock: a snapshot that
     * may be stale by the time it is read (and may miss a reader that a phase-fair hand-off has let in
     * but that has not run yet). A thread holding both appears once.
     */
    @Override
    public Collection<Thread> holders() {
        List<Thread> out = new ArrayList<>();
        Thread w = (Thread) OWNER.getOpaque(this);
        if (w != null) {
            out.add(w);
        }
        for (ReadHold h : readHolds.values()) {
            if (h.countOpaque() > 0 && h.thread != w) {
                out.add(h.thread);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Every acquisition of either lock: re-entrant ones, downgrades and waits alike; the sum of
     * {@link #readWaitStats()} and {@link #writeWaitStats()}, read when its snapshot is taken
     * (resetting it resets both).
     */
    @Override
    public WaitStats waitStats() {
        return stats;
    }

    /** The read lock's acquisitions only (also counted in {@link #waitStats()}, so is resetting it). */
    public WaitStats readWaitStats() {
        return readStats;
    }

    /** The write lock's acquisitions only (also counted in {@link #waitStats()}, so is resetting it). */
    public WaitStats writeWaitStats() {
        return writeStats;
    }

    /** Whether some thread holds the write lock. */
    public boolean isWriteLocked() {
        return (state & WRITER) != 0;
    }

    /** Whether the calling thread holds the write lock. */
    public boolean isWriteLockedByCurrentThread() {
        return OWNER.getOpaque(this) == Thread.currentThread();
    }

    /** The calling thread's holds of the write lock, 0 if it does not hold it. */
    public int getWriteHoldCount() {
        return isWriteLockedByCurrentThread() ? writeHolds : 0;
    }

    /** The calling thread's holds of the read lock, 0 if it does not hold it. */
    public int getReadHoldCount() {
        ReadHold h = readHolds.get(Thread.currentThread());
        return h == null ? 0 : h.count;
    }

    /** The number of threads holding the read lock (threads, not holds). */
    public int getReaderCount() {
        return (int) (state & READER_MASK);
    }

    /** Whether some reader is waiting (registered as blocked; a reader still spinning is not counted). */
    public boolean hasQueuedReaders() {
        return (state & READERS_WAITING) != 0;
    }

    /** Whether some writer is waiting (registered as blocked; a writer still spinning is not counted). */
    public boolean hasQueuedWriters() {
        return (state & WRITERS_WAITING) != 0;
    }

    @Override
    public String toString() {
        long s = state;
        Thread w = (Thread) OWNER.getOpaque(this);
        String held;
        if ((s & WRITER) != 0) {
            held = "write locked by " + (w == null ? "?" : w.getName())
                    + ((s & READER_MASK) != 0 ? ", read locked by it too" : "");
        } else if ((s & READER_MASK) != 0) {
            held = "read locked by " + (s & READER_MASK) + " thread" + ((s & READER_MASK) == 1 ? "" : "s");
        } else {
            held = "unlocked";
        }
        return name + "[" + held + ((s & WRITERS_WAITING) != 0 ? ", writers waiting" : "")
                + ((s & READERS_WAITING) != 0 ? ", readers waiting" : "") + "]";
    }

    // ---------------------------------------------------------------- read side

    /**
     * Acquires a read hold in {@code mode}; {@code nanos} is the timeout for {@link #TIMED}.
     *
     * @return whether acquired (always true for the waiting modes but {@code TIMED})
     */
    final boolean acquireRead(int mode, long nanos) throws InterruptedException {
        if (mode >= INTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        Thread me = Thread.currentThread();
        ReadHold hold = holdOf(me);
        if (hold != null && hold.count > 0) {
            // Re-entry never waits, whatever the policy: a waiting writer cannot get in before this
            // thread lets go anyway, so making it wait would deadlock it with the writer.
            hold.set(plusOne(hold.count));
            readStats.recordImmediate();
            return true;
        }
        if (OWNER.getOpaque(this) == me) {
            // Downgrade: the writer may always take the read lock too.
            STATE.getAndAdd(this, READER_UNIT);
            holdOf(me, hold).set(1);
            readStats.recordImmediate();
            return true;
        }
        if (tryEnterRead()) {
            readStats.recordImmediate();
        } else {
            if (mode == TRY || (mode == TIMED && nanos <= 0L)) {
                return false;
            }
            long deadline = mode == TIMED ? System.nanoTime() + nanos : 0L; // the timeout includes the spin
            if (spinRead()) {
                readStats.recordImmediate(); // a spin is not timed: see "Wait accounting"
            } else {
                long start = System.nanoTime();
                if (!parkRead(mode, deadline)) {
                    return false;
                }
                readStats.recordWait(System.nanoTime() - start);
            }
        }
        holdOf(me, hold).set(1);
        return true;
    }

    /** Enters as a reader if the policy lets a newcomer in now. */
    private boolean tryEnterRead() {
        for (;;) {
            long s = state;
            if (readerBlocked(s)) {
                return false;
            }
            if (STATE.weakCompareAndSet(this, s, s + READER_UNIT)) {
                return true;
            }
        }
    }

    private boolean spinRead() {
        for (int i = 0; i < SPIN_TRIES; i++) {
            Thread.onSpinWait();
            if (tryEnterRead()) {
                return true;
            }
        }
        return false;
    }

    private boolean parkRead(int mode, long deadline) throws InterruptedException {
        WaitRegistry.Wait wait = WaitRegistry.begin(this, "read");
        try {
            return awaitRead(mode, deadline);
        } finally {
            WaitRegistry.end(wait);
        }
    }

    /**
     * The read slow path: waits until this thread holds the read lock (READERS counts it) or gives
     * up. This version lets waiters enter by themselves once the policy allows.
     */
    boolean awaitRead(int mode, long deadline) throws InterruptedException {
        mutex.lock();
        boolean registered = false;
        boolean acquired = false;
        try {
            for (;;) {
                long s = state;
                if (!readerBlocked(s)) {
                    acquired = STATE.compareAndSet(this, s, s + READER_UNIT);
                    if (acquired) {
                        return true;
                    }
                } else if (!registered) {
                    if (STATE.compareAndSet(this, s, s | READERS_WAITING)) {
                        waitingReaders++;
                        registered = true;
                    }
                } else if (!park(readersGo, mode, deadline)) {
                    return false;
                }
            }
        } finally {
            if (registered && --waitingReaders == 0) {
                clearBits(READERS_WAITING);
            }
            if (!acquired) {
                wakeWaiters();
            }
            mutex.unlock();
        }
    }

    final void unlockRead() {
        ReadHold h = holdOf(Thread.currentThread());
        if (h == null || h.count == 0) {
            throw new IllegalMonitorStateException(
                    Thread.currentThread().getName() + " does not hold the read lock of " + name);
        }
        h.set(h.count - 1);
        if (h.count == 0) {
            releaseRead();
        }
    }

    /** Takes the calling thread out of READERS and wakes a writer if it was the last reader. */
    final void releaseRead() {
        long s = (long) STATE.getAndAdd(this, -READER_UNIT) - READER_UNIT;
        if ((s & READER_MASK) == 0 && (s & WRITERS_WAITING) != 0) {
            mutex.lock();
            try {
                wakeWaiters();
            } finally {
                mutex.unlock();
            }
        }
    }

    /** The read hold of {@code me}, or null if it has none yet: the last one used, else a map lookup. */
    private ReadHold holdOf(Thread me) {
        ReadHold h = lastHold;
        if (h != null && h.thread == me) {
            return h;
        }
        h = readHolds.get(me);
        if (h != null) {
            lastHold = h;
        }
        return h;
    }

    private ReadHold holdOf(Thread me, ReadHold known) {
        if (known != null) {
            return known;
        }
        ReadHold h = new ReadHold(me);
        readHolds.put(me, h); // only `me` ever inserts the key `me`
        lastHold = h;
        if (readHolds.size() > pruneAt) {
            pruneEndedReaders();
        }
        return h;
    }

    /** Drops the entries of ended threads that hold nothing; amortised O(1) per new entry. */
    private void pruneEndedReaders() {
        readHolds.values().removeIf(h -> h.countOpaque() == 0 && !h.thread.isAlive());
        ReadHold last = lastHold;
        if (last != null && !last.thread.isAlive()) {
            lastHold = null; // do not keep an ended thread reachable through the cache
        }
        pruneAt = Math.max(MIN_PRUNE_SIZE, 2 * readHolds.size());
    }

    /** For tests: entries in the read-hold map. */
    int readHoldEntries() {
        return readHolds.size();
    }

    // ---------------------------------------------------------------- write side

    /** Acquires a write hold in {@code mode}; see {@link #acquireRead}. */
    final boolean acquireWrite(int mode, long nanos) throws InterruptedException {
        if (mode >= INTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        Thread me = Thread.currentThread();
        if (OWNER.getOpaque(this) == me) {
            writeHolds = plusOne(writeHolds);
            writeStats.recordImmediate();
            return true;
        }
        ReadHold hold = readHolds.get(me);
        if (hold != null && hold.count > 0) {
            throw new IllegalMonitorStateException("read-to-write upgrade refused: " + me.getName() + " holds "
                    + hold.count + " read hold(s) of " + name
                    + "; waiting for the write lock would wait for itself. Release the read lock first.");
        }
        if (tryEnterWrite()) {
            writeStats.recordImmediate();
        } else {
            if (mode == TRY || (mode == TIMED && nanos <= 0L)) {
                return false;
            }
            long deadline = mode == TIMED ? System.nanoTime() + nanos : 0L;
            if (spinWrite()) {
                writeStats.recordImmediate();
            } else {
                long start = System.nanoTime();
                if (!parkWrite(mode, deadline)) {
                    return false;
                }
                writeStats.recordWait(System.nanoTime() - start);
            }
        }
        OWNER.setOpaque(this, me);
        writeHolds = 1;
        return true;
    }

    private boolean tryEnterWrite() {
        for (;;) {
            long s = state;
            if (writerBlocked(s)) {
                return false;
            }
            if (STATE.weakCompareAndSet(this, s, s | WRITER)) {
                return true;
            }
        }
    }

    private boolean spinWrite() {
        for (int i = 0; i < SPIN_TRIES; i++) {
            Thread.onSpinWait();
            if (tryEnterWrite()) {
                return true;
            }
        }
        return false;
    }

    private boolean parkWrite(int mode, long deadline) throws InterruptedException {
        WaitRegistry.Wait wait = WaitRegistry.begin(this, "write");
        try {
            return awaitWrite(mode, deadline);
        } finally {
            WaitRegistry.end(wait);
        }
    }

    /** The write slow path: waits until this thread has set WRITER, or gives up. */
    boolean awaitWrite(int mode, long deadline) throws InterruptedException {
        mutex.lock();
        boolean registered = false;
        boolean acquired = false;
        try {
            for (;;) {
                long s = state;
                if (!writerBlocked(s)) {
                    acquired = STATE.compareAndSet(this, s, s | WRITER);
                    if (acquired) {
                        return true;
                    }
                } else if (!registered) {
                    if (STATE.compareAndSet(this, s, s | WRITERS_WAITING)) {
                        waitingWriters++;
                        registered = true;
                    }
                } else if (!park(writersGo, mode, deadline)) {
                    return false;
                }
            }
        } finally {
            if (registered && --waitingWriters == 0) {
                clearBits(WRITERS_WAITING);
            }
            if (!acquired) {
                wakeWaiters();
            }
            mutex.unlock();
        }
    }

    final void unlockWrite() {
        if (OWNER.getOpaque(this) != Thread.currentThread()) {
            throw new IllegalMonitorStateException(
                    Thread.currentThread().getName() + " does not hold the write lock of " + name);
        }
        if (--writeHolds == 0) {
            releaseWrite();
        }
    }

    /** Clears WRITER (the owner's last hold is gone) and lets in whoever the policy lets in next. */
    private void releaseWrite() {
        OWNER.setOpaque(this, null);
        for (;;) {
            long s = state;
            if ((s & (WRITERS_WAITING | READERS_WAITING)) != 0) {
                break;
            }
            if (STATE.weakCompareAndSet(this, s, s & ~WRITER)) {
                return;
            }
        }
        mutex.lock();
        try {
            releaseWriteLocked();
        } finally {
            mutex.unlock();
        }
    }

    /** The release with waiters: clear WRITER and signal. Call only holding mutex. */
    void releaseWriteLocked() {
        assert mutex.isHeldByCurrentThread();
        clearBits(WRITER);
        wakeWaiters();
    }

    /**
     * Signals the waiters the policy now lets in: all readers, one writer (a writer that then finds
     * itself blocked again waits again; the next release signals again). Call only holding mutex.
     */
    void wakeWaiters() {
        assert mutex.isHeldByCurrentThread();
        long s = state;
        if ((s & READERS_WAITING) != 0 && !readerBlocked(s)) {
            readersGo.signalAll();
        }
        if ((s & WRITERS_WAITING) != 0 && !writerBlocked(s)) {
            writersGo.signal();
        }
    }

    // ---------------------------------------------------------------- helpers for the slow paths

    final long state() {
        return state;
    }

    final boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update);
    }

    final void clearBits(long bits) {
        STATE.getAndBitwiseAnd(this, ~bits);
    }

    /**
     * Waits once on {@code c} as {@code mode} allows. Call only holding mutex.
     *
     * @return false if the deadline ({@link #TIMED} only) has passed, without waiting
     */
    static boolean park(Condition c, int mode, long deadline) throws InterruptedException {
        switch (mode) {
            case TIMED -> {
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    return false;
                }
                c.awaitNanos(left);
            }
            case INTERRUPTIBLE -> c.await();
            default -> c.awaitUninterruptibly();
        }
        return true;
    }


    /** For tests: what a waiting reader parks on ({@code LockSupport.getBlocker}). */
    final Object readerBlocker() {
        return readersGo;
    }

    /** For tests: what a waiting writer parks on. */
    final Object writerBlocker() {
        return writersGo;
    }

    /** One thread's read holds of this lock. */
    static final class ReadHold {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(ReadHold.class, "count", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        /** Written only by {@code thread}, which also reads it plainly; others read it opaquely. */
        int count;

        ReadHold(Thread thread) {
            this.thread = thread;
        }

        void set(int n) {
            COUNT.setOpaque(this, n);
        }

        int countOpaque() {
            return (int) COUNT.getOpaque(this);
        }
    }

    // ---------------------------------------------------------------- the two views

    /** For the uninterruptible modes, whose signature shares the interruptible ones' {@code throws}. */
    private static AssertionError impossible(InterruptedException e) {
        return new AssertionError("an uninterruptible acquisition threw", e);
    }

    /** {@code n + 1}, or the JDK locks' error when a hold count would overflow. */
    private static int plusOne(int n) {
        if (n == Integer.MAX_VALUE) {
            throw new Error("Maximum lock count exceeded");
        }
        return n + 1;
    }

    private final class ReadLock implements Lock {
        @Override
        public void lock() {
            try {
                acquireRead(UNINTERRUPTIBLE, 0L);
            } catch (InterruptedException e) {
                throw impossible(e);
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            acquireRead(INTERRUPTIBLE, 0L);
        }

        @Override
        public boolean tryLock() {
            try {
                return acquireRead(TRY, 0L);
            } catch (InterruptedException e) {
                throw impossible(e);
            }
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return acquireRead(TIMED, unit.toNanos(time));
        }

        @Override
        public void unlock() {
            unlockRead();
        }

        /** Always throws: readers share the lock, so there is no owner to wait and re-acquire. */
        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("the read lock of " + name + " has no conditions");
        }

        @Override
        public String toString() {
            return name + ".readLock[readers=" + getReaderCount() + "]";
        }
    }

    private final class WriteLock implements Lock {
        @Override
        public void lock() {
            try {
                acquireWrite(UNINTERRUPTIBLE, 0L);
            } catch (InterruptedException e) {
                throw impossible(e);
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            acquireWrite(INTERRUPTIBLE, 0L);
        }

        @Override
        public boolean tryLock() {
            try {
                return acquireWrite(TRY, 0L);
            } catch (InterruptedException e) {
                throw impossible(e);
            }
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return acquireWrite(TIMED, unit.toNanos(time));
        }

        @Override
        public void unlock() {
            unlockWrite();
        }

        @Override
        public Condition newCondition() {
            return new WriteCondition();
        }

        @Override
        public String toString() {
            Thread w = (Thread) OWNER.getOpaque(AbstractReadWriteLock.this);
            return name + ".writeLock[" + (w == null ? "unlocked" : "locked by " + w.getName()) + "]";
        }
    }

    /**
     * A condition of the write lock, with {@link java.util.concurrent.locks.ReentrantReadWriteLock}'s
     * write-lock condition semantics: await releases every write hold and re-acquires as many before
     * it returns or throws, in all cases.
     *
     * <p>Implementation notes: the waiter takes {@code mutex}, releases the write lock and waits on
     * {@code waitSet}, a condition of {@code mutex}, in one critical section; a signaller must hold
     * the write lock and takes {@code mutex} to signal, so it cannot signal between the release and
     * the wait. After the wait the waiter re-acquires the write lock uninterruptibly, as a newcomer
     * writer. Interrupt and signal ordering are {@code waitSet}'s (AQS): interrupted before being
     * signalled, the await throws; after, it returns with the interrupt status set.
     */
    private final class WriteCondition implements Condition {
        private final Condition waitSet = mutex.newCondition();

        /** Checks that the caller may wait here: it owns the write lock and holds no read lock. */
        private void checkMayAwait() {
            Thread me = Thread.currentThread();
            if (OWNER.getOpaque(AbstractReadWriteLock.this) != me) {
                throw new IllegalMonitorStateException(me.getName() + " does not hold the write lock of " + name);
            }
            ReadHold h = readHolds.get(me);
            if (h != null && h.count > 0) {
                throw new IllegalMonitorStateException(me.getName() + " holds the read lock of " + name
                        + " as well: after the wait it would have to upgrade. Release the read lock first.");
            }
        }

        /** Releases every write hold; returns how many there were. Call only holding mutex. */
        private int releaseAll() {
            int saved = writeHolds;
            writeHolds = 0;
            releaseWrite();
            return saved;
        }

        private void reacquire(int saved) {
            try {
                acquireWrite(UNINTERRUPTIBLE, 0L);
            } catch (InterruptedException e) {
                throw impossible(e);
            }
            writeHolds = saved;
        }

        @Override
        public void await() throws InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            checkMayAwait();
            int saved;
            InterruptedException interrupted = null;
            mutex.lock();
            try {
                saved = releaseAll();
                try {
                    waitSet.await();
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            } finally {
                mutex.unlock();
            }
            reacquire(saved);
            if (interrupted != null) {
                throw interrupted;
            }
        }

        @Override
        public void awaitUninterruptibly() {
            checkMayAwait();
            int saved;
            mutex.lock();
            try {
                saved = releaseAll();
                waitSet.awaitUninterruptibly();
            } finally {
                mutex.unlock();
            }
            reacquire(saved);
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            checkMayAwait();
            long deadline = System.nanoTime() + nanosTimeout;
            int saved;
            InterruptedException interrupted = null;
            mutex.lock();
            try {
                saved = releaseAll();
                try {
                    waitSet.awaitNanos(nanosTimeout);
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            } finally {
                mutex.unlock();
            }
            reacquire(saved);
            if (interrupted != null) {
                throw interrupted;
            }
            long left = deadline - System.nanoTime();
            return left <= nanosTimeout ? left : Long.MIN_VALUE; // as AQS: guard against overflow
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            long nanos = unit.toNanos(time);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            checkMayAwait();
            int saved;
            boolean signalled = false;
            InterruptedException interrupted = null;
            mutex.lock();
            try {
                saved = releaseAll();
                try {
                    signalled = waitSet.await(nanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            } finally {
                mutex.unlock();
            }
            reacquire(saved);
            if (interrupted != null) {
                throw interrupted;
            }
            return signalled;
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            Objects.requireNonNull(deadline, "deadline");
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            checkMayAwait();
            int saved;
            boolean signalled = false;
            InterruptedException interrupted = null;
            mutex.lock();
            try {
                saved = releaseAll();
                try {
                    signalled = waitSet.awaitUntil(deadline);
                } catch (InterruptedException e) {
                    interrupted = e;
                }
            } finally {
                mutex.unlock();
            }
            reacquire(saved);
            if (interrupted != null) {
                throw interrupted;
            }
            return signalled;
        }

        @Override
        public void signal() {
            requireOwner();
            mutex.lock();
            try {
                waitSet.signal();
            } finally {
                mutex.unlock();
            }
        }

        @Override
        public void signalAll() {
            requireOwner();
            mutex.lock();
            try {
                waitSet.signalAll();
            } finally {
                mutex.unlock();
            }
        }

        private void requireOwner() {
            if (OWNER.getOpaque(AbstractReadWriteLock.this) != Thread.currentThread()) {
                throw new IllegalMonitorStateException(
                        Thread.currentThread().getName() + " does not hold the write lock of " + name);
            }
        }

        /** For tests: what a thread awaiting this condition parks on. */
        Object blocker() {
            return waitSet;
        }

        @Override
        public String toString() {
            return name + ".writeLock.condition";
        }
    }

    /** For tests: what a thread awaiting {@code c} (a write-lock condition of this lock) parks on. */
    static Object conditionBlocker(Condition c) {
        return ((WriteCondition) c).blocker();
    }
}

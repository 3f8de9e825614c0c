package dev.interlock.lock;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A {@link java.util.concurrent.locks.ReadWriteLock} in which reader phases and writer phases
 * alternate while both sides wait, so that neither side starves: the phase-fair policy of Brandenburg
 * and Anderson ("Spin-based reader-writer synchronization for multiprocessor real-time systems",
 * Real-Time Systems 46(1), 2010), here with blocking instead of spinning. Beyond the guide's two
 * variants: {@link ReaderPreferringReadWriteLock} starves writers, {@link WriterPreferringReadWriteLock}
 * readers; this lock bounds both waits, at the cost of some reader throughput when writers are
 * frequent.
 *
 * <h2>Acquisition order and preference policy</h2>
 * A <i>writer phase</i> is one writer's critical section; a <i>reader phase</i> is the time in which
 * readers hold the lock without a writer.
 * <ul>
 *   <li>A writer that finds no writer ahead of it <i>claims</i> the next phase: from then on new
 *       readers wait, and the writer enters as soon as the readers inside have left. Writers enter in
 *       the order they started waiting (FIFO); a writer arriving when the lock is free and nobody
 *       waits enters at once.</li>
 *   <li>A reader enters at once unless a writer holds the lock or has claimed the next phase. A reader
 *       that waits is let in when the writer phase it waited for ends: the releasing writer admits
 *       every reader waiting at that moment, together, <i>before</i> the next writer, even if a writer
 *       is already waiting. (A thread that already holds the read lock, or the write lock, enters at
 *       once, whatever waits: see Reentrancy.)</li>
 *   <li><b>The bounds.</b> A reader waits for at most one writer phase (plus the end of the reader
 *       phase in progress if a writer had claimed it). A writer waits for at most one reader phase
 *       when no writer is ahead of it; with k writers ahead, for their k writer phases and at most
 *       k + 1 reader phases. So neither side starves while every holder eventually releases.</li>
 *   <li>{@code tryLock()} follows the policy, on both locks: it succeeds exactly when {@code lock()}
 *       would enter without waiting (a read {@code tryLock()} fails while a writer has claimed the
 *       next phase; a write {@code tryLock()} fails while any writer waits). It does not barge.</li>
 * </ul>
 *
 * <h2>Reentrancy</h2>
 * Both locks are reentrant: a thread may acquire a lock it holds again, and must unlock it as many
 * times. Write holds are counted in the lock; read holds per thread, in a map from thread to count
 * (one entry of about 100 bytes per thread that has read-locked this lock; entries of threads that
 * have ended are dropped each time the map has doubled). A re-entrant read acquisition never waits,
 * even in a claimed phase: the claiming writer waits for that reader anyway.
 *
 * <h2>Upgrade and downgrade</h2>
 * <b>Downgrade works</b>: the write lock's owner may acquire the read lock (at once, whatever the
 * policy), then release the write lock, and go on reading with no writer able to get in between.
 * <b>Upgrade fails fast</b>: a thread that holds the read lock but not the write lock and asks for the
 * write lock gets an {@link IllegalMonitorStateException} from {@code lock()},
 * {@code lockInterruptibly()}, {@code tryLock()} and {@code tryLock(time, unit)} alike, at once, the
 * lock unchanged. (Granting it would mean waiting for every reader to leave, itself included:
 * {@code ReentrantReadWriteLock} deadlocks there.) Release the read lock, take the write lock, and
 * check again what was read: it may have changed in between.
 *
 * <h2>Interruption</h2>
 * {@code lockInterruptibly()} and {@code tryLock(time, unit)} throw {@link InterruptedException},
 * with the interrupt status cleared, if the thread is interrupted on entry (even when it could enter
 * at once, or already holds the lock) or while it waits; the lock is then unchanged. That includes a
 * waiting reader that a writer's release admitted just as the interrupt came: it gives its admission
 * back before it throws. A waiting writer that had already been woken to enter when the interrupt
 * came may enter and return normally, with its interrupt status set. A writer that gives up
 * (interrupt or timeout) while it claims the next phase passes the claim to the next writer, or, if
 * none waits, admits the readers its claim held back. {@code lock()} waits through interrupts and
 * returns with the status set. {@code tryLock()} never waits and ignores interrupts.
 *
 * <h2>Timeouts</h2>
 * A {@code tryLock(time, unit)} that returns {@code false} has waited at least its timeout (by
 * {@link System#nanoTime()}): it never gives up early on a spurious or stolen wake-up. A timeout of
 * zero or less means "try once", as {@code tryLock()} but after the interrupt check. A waiting reader
 * admitted by a writer's release when its timeout has just expired returns {@code true}.
 *
 * <h2>Conditions</h2>
 * {@code writeLock().newCondition()} gives a {@link java.util.concurrent.locks.Condition} with the
 * semantics of {@code ReentrantReadWriteLock}'s write-lock conditions: {@code await} releases every
 * write hold (which ends the writer phase) and, before it returns or throws, re-acquires as many,
 * queueing as a new writer, through interrupts; waits and signals by a thread that does not hold the
 * write lock throw {@code IllegalMonitorStateException}, and so does a wait by one that also holds the
 * read lock (re-acquiring the write lock after the wait would be an upgrade).
 * {@code readLock().newCondition()} throws {@link UnsupportedOperationException}.
 *
 * <h2>Memory effects</h2>
 * As for every {@link java.util.concurrent.locks.Lock}: a successful acquisition of either lock
 * <i>happens-after</i> every earlier release of the write lock, so readers see everything writers did
 * before releasing (readers admitted by a release included); a writer's acquisition happens-after the
 * releases of the read lock before it.
 *
 * <h2>Monitoring</h2>
 * A {@link dev.interlock.liveness.TrackedLock}: {@link #holders()} names the writer and the
 * readers; {@link #waitStats()} accounts for every acquisition (an acquisition that gets in
 * while spinning, before it parks, counts as immediate: only a parked wait is timed, from the end
 * of the spin, which keeps clock reads off the contended path) and {@link #readWaitStats()},
 * {@link #writeWaitStats()} for each side; blocked acquirers appear in
 * {@link dev.interlock.liveness.WaitRegistry} with mode {@code "read"} or {@code "write"}, so the
 * deadlock watchdog sees through the lock, virtual threads included. The query methods are snapshots
 * for monitoring, not for synchronisation.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>The bounds count phases, not time: a phase lasts as long as its holders hold the lock. A
 *       reader that never releases stops every writer, as in any reader/writer lock.</li>
 *   <li>When writers are frequent, readers are let in in batches, one batch per writer phase: read
 *       throughput is lower than under {@link ReaderPreferringReadWriteLock}.</li>
 *   <li>Holds belong to threads: a read lock released by a thread that did not acquire it throws
 *       {@code IllegalMonitorStateException} (it is not a semaphore). A thread that ends while holding
 *       a lock leaves it held; {@link #holders()} still names it.</li>
 *   <li>All readers update one shared word on entry and exit, so read-only throughput is bounded by
 *       how fast that cache line moves between cores.</li>
 *   <li>A thread that cannot enter spins briefly (64 tries, a few microseconds) before it parks.</li>
 *   <li>At most {@code Integer.MAX_VALUE} holds of each lock per thread ({@link Error} beyond).</li>
 * </ul>
 *
 * <h2>Sample usage</h2>
 * As run by {@code PhaseFairReadWriteLockTest.sampleUsage}: a routing table read on every request
 * and replaced now and then, where neither a flood of requests nor a burst of updates may stall the
 * other side.
 * <pre>{@code
 * ReadWriteLock lock = new PhaseFairReadWriteLock("routes");
 * Map<String, String> routes = new HashMap<>(); // guarded by lock
 *
 * String route(String path) throws InterruptedException {
 *     if (!lock.readLock().tryLock(100, TimeUnit.MILLISECONDS)) {
 *         return null;                       // waited at most one writer phase, and that long
 *     }
 *     try {
 *         return routes.get(path);
 *     } finally {
 *         lock.readLock().unlock();
 *     }
 * }
 *
 * void replace(Map<String, String> newRoutes) {
 *     lock.writeLock().lock();
 *     try {
 *         routes.clear();
 *         routes.putAll(newRoutes);
 *     } finally {
 *         lock.writeLock().unlock();
 *     }
 * }
 * }</pre>
 */
public final class PhaseFairReadWriteLock extends AbstractReadWriteLock {

    /*
     * Implementation notes (the state word and the shared machinery are in AbstractReadWriteLock).
     *
     * Policy: a newcomer reader is blocked by WRITER or WRITER_CLAIM; a newcomer writer by
     * READERS > 0, WRITER, WRITER_CLAIM or WRITERS_WAITING (so it never passes a queued writer).
     *
     * Writers queue in `writerQueue` (FIFO, under mutex). Only the head may enter; while no writer
     * holds the lock, the head owns WRITER_CLAIM, which stops new readers; it enters when READERS
     * drops to 0, in one CAS that clears the claim and sets WRITER.
     *
     * Readers that wait are admitted by hand-off, never by re-checking: the writer release (or an
     * abandoned claim with no writer left) adds the number of waiting readers to READERS in the same
     * CAS that clears WRITER (and sets WRITER_CLAIM for the next queued writer), bumps `grantEpoch`
     * and signals them. A waiter knows it was admitted when `grantEpoch` differs from the value it
     * saw when it registered. Because admission is one CAS, no newcomer and no writer can slip in
     * between the end of a writer phase and the admitted readers' entry: that is what makes "the
     * waiting readers all enter before the next writer" exact.
     *
     * Invariants, whenever mutex is free:
     *   (P1) WRITERS_WAITING <=> writerQueue is not empty;
     *   (P2) writerQueue not empty and WRITER clear => WRITER_CLAIM set (the head's claim);
     *        WRITER_CLAIM set => WRITER clear and writerQueue not empty;
     *   (P3) READERS_WAITING <=> waitingReaders > 0, and => WRITER or WRITER_CLAIM (readers wait
     *        only for a writer phase, held or claimed; whatever ends it admits them);
     *   (P4) every waiting reader registered while grantEpoch had its current value.
     */

    /** Writers waiting, in arrival order; the head owns the claim. Guarded by mutex. */
    private final ArrayDeque<Thread> writerQueue = new ArrayDeque<>();
    /** Incremented by every hand-off to the waiting readers. Guarded by mutex. */
    private long grantEpoch;

    /** A lock named {@code "PhaseFairReadWriteLock@N"}, N unique in this process. */
    public PhaseFairReadWriteLock() {
        super(null);
    }

    /**
     * A lock named {@code name} in reports ({@link #name()}, the deadlock watchdog, {@code toString}).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public PhaseFairReadWriteLock(String name) {
        super(Objects.requireNonNull(name, "name"));
    }

    @Override
    boolean readerBlocked(long s) {
        return (s & (WRITER | WRITER_CLAIM)) != 0;
    }

    @Override
    boolean writerBlocked(long s) {
        return (s & (READER_MASK | WRITER | WRITER_CLAIM | WRITERS_WAITING)) != 0;
    }

    @Override
    boolean awaitRead(int mode, long deadline) throws InterruptedException {
        mutex.lock();
        try {
            for (;;) { // enter if the phase is still a reader phase, else register as waiting
                long s = state();
                if (!readerBlocked(s)) {
                    if (casState(s, s + READER_UNIT)) {
                        return true;
                    }
                } else if (casState(s, s | READERS_WAITING)) {
                    break;
                }
            }
            waitingReaders++;
            long epoch = grantEpoch;
            try {
                while (grantEpoch == epoch) {
                    if (!park(readersGo, mode, deadline)) {
                        leaveReaderWait();
                        return false;
                    }
                }
                return true; // admitted: the releasing writer counted this thread in READERS
            } catch (InterruptedException e) {
                if (grantEpoch == epoch) {
                    leaveReaderWait();
                } else {
                    giveBackAdmission();
                }
                throw e;
            }
        } finally {
            mutex.unlock();
        }
    }

    /** A registered reader gives up before being admitted. Call only holding mutex. */
    private void leaveReaderWait() {
        if (--waitingReaders == 0) {
            clearBits(READERS_WAITING);
        }
    }

    /** An admitted reader was interrupted before it noticed: it leaves READERS again. Holding mutex. */
    private void giveBackAdmission() {
        releaseRead(); // takes mutex again (reentrant) if it was the last reader and a writer waits
    }

    @Override
    boolean awaitWrite(int mode, long deadline) throws InterruptedException {
        Thread me = Thread.currentThread();
        mutex.lock();
        boolean queued = false;
        try {
            for (;;) {
                long s = state();
                if (!queued) {
                    if (!writerBlocked(s)) {
                        if (casState(s, s | WRITER)) {
                            return true;
                        }
                        continue;
                    }
                    // Join the queue; with no writer holding the lock, the head claims the next phase
                    // (if others queue already, the claim is set and stays with the head).
                    long n = s | WRITERS_WAITING;
                    if ((s & WRITER) == 0) {
                        n |= WRITER_CLAIM;
                    }
                    if (casState(s, n)) {
                        writerQueue.addLast(me);
                        queued = true;
                    }
                    continue;
                }
                if (writerQueue.peekFirst() == me && (s & (WRITER | READER_MASK)) == 0) {
                    long n = (s & ~WRITER_CLAIM) | WRITER;
                    if (writerQueue.size() == 1) {
                        n &= ~WRITERS_WAITING;
                    }
                    if (casState(s, n)) {
                        writerQueue.removeFirst();
                        queued = false;
                        return true;
                    }
                    continue;
                }
                if (!park(writersGo, mode, deadline)) {
                    return false;
                }
            }
        } finally {
            if (queued) {
                leaveWriterQueue(me);
            }
            mutex.unlock();
        }
    }

    /**
     * A queued writer gives up. If it was the head and no writer holds the lock, its claim passes to
     * the next writer, or, if none is left, ends: the readers it held back are admitted. Call only
     * holding mutex.
     */
    private void leaveWriterQueue(Thread me) {
        boolean wasHead = writerQueue.peekFirst() == me;
        writerQueue.remove(me);
        if (writerQueue.isEmpty()) {
            for (;;) {
                long s = state();
                long n = s & ~(WRITERS_WAITING | WRITER_CLAIM);
                int admitted = (s & WRITER) == 0 ? waitingReaders : 0;
                if (admitted > 0) {
                    n = (n & ~READERS_WAITING) + admitted * READER_UNIT;
                }
                if (casState(s, n)) {
                    if (admitted > 0) {
                        admitWaitingReaders();
                    }
                    break;
                }
            }
        } else if (wasHead) {
            writersGo.signalAll(); // the new head may enter if the readers have gone
        }
    }

    /**
     * The writer phase ends: admit every waiting reader and let the next writer claim the next phase,
     * in one CAS. Call only holding mutex.
     */
    @Override
    void releaseWriteLocked() {
        assert mutex.isHeldByCurrentThread();
        int admitted = waitingReaders;
        boolean writersQueued = !writerQueue.isEmpty();
        for (;;) {
            long s = state();
            long n = (s & ~(WRITER | READERS_WAITING)) + admitted * READER_UNIT;
            if (writersQueued) {
                n |= WRITER_CLAIM;
            }
            if (casState(s, n)) {
                break;
            }
        }
        if (admitted > 0) {
            admitWaitingReaders();
        }
        if (writersQueued) {
            writersGo.signalAll(); // the head enters if no reader was admitted
        }
    }

    /** After a CAS that counted the waiting readers in READERS: let them know. Holding mutex. */
    private void admitWaitingReaders() {
        waitingReaders = 0;
        grantEpoch++;
        readersGo.signalAll();
    }

    /** Readers never enter by re-checking here; only the head writer does, once no one holds the lock. */
    @Override
    void wakeWaiters() {
        assert mutex.isHeldByCurrentThread();
        long s = state();
        if ((s & WRITERS_WAITING) != 0 && (s & (WRITER | READER_MASK)) == 0) {
            writersGo.signalAll();
        }
    }

    /** For tests: the writers queued, in order. */
    int queuedWriterCount() {
        mutex.lock();
        try {
            return writerQueue.size();
        } finally {
            mutex.unlock();
        }
    }
}

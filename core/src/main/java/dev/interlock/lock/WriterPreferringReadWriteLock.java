package dev.interlock.lock;

import java.util.Objects;

/**
 * A {@link java.util.concurrent.locks.ReadWriteLock} in which a waiting writer stops new readers: the
 * guide's second reader/writer lock ("writers preference"). Once a writer waits, readers that arrive
 * wait behind it, so the readers inside drain and the writer gets in after at most their critical
 * sections, however many readers keep coming. The price moves to the other side: under a steady
 * stream of writers, <b>readers can starve</b>. This is the usual choice for read-mostly data whose
 * updates must not be put off: caches, configuration, routing tables.
 *
 * <h2>Acquisition order and preference policy</h2>
 * <ul>
 *   <li>A reader enters at once if no writer holds the lock and none is waiting; otherwise it waits
 *       until no writer holds or waits for the lock. Exception: a thread that already holds the read
 *       lock (a re-entrant read) or the write lock (a downgrade) enters at once, whatever waits.
 *       Without that exception a reader re-entering behind a waiting writer would wait for the
 *       writer, which waits for the reader: the classic writer-preference self-deadlock.</li>
 *   <li>A writer enters when no thread holds either lock. Writers do not wait for waiting readers,
 *       and have no order among themselves: a waiting or an arriving writer, whichever gets there
 *       first, enters.</li>
 *   <li>{@code tryLock()} follows the policy, on both locks: it succeeds exactly when {@code lock()}
 *       would enter without waiting (a read {@code tryLock()} fails while a writer waits). It does not
 *       barge, unlike {@code ReentrantReadWriteLock}'s.</li>
 * </ul>
 *
 * <h2>Reentrancy</h2>
 * Both locks are reentrant: a thread may acquire a lock it holds again, and must unlock it as many
 * times. Write holds are counted in the lock; read holds per thread, in a map from thread to count
 * (one entry of about 100 bytes per thread that has read-locked this lock; entries of threads that
 * have ended are dropped each time the map has doubled). A re-entrant read acquisition never waits.
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
 * at once, or already holds the lock) or while it waits; the lock is then unchanged. A waiter that
 * had already been woken to enter when the interrupt came may enter and return normally, with its
 * interrupt status set. A writer that gives up (interrupt or timeout) lets in the readers it was
 * holding back, if no other writer waits. {@code lock()} waits through interrupts and returns with
 * the status set. {@code tryLock()} never waits and ignores interrupts.
 *
 * <h2>Timeouts</h2>
 * A {@code tryLock(time, unit)} that returns {@code false} has waited at least its timeout (by
 * {@link System#nanoTime()}): it never gives up early on a spurious or stolen wake-up. A timeout of
 * zero or less means "try once", as {@code tryLock()} but after the interrupt check.
 *
 * <h2>Conditions</h2>
 * {@code writeLock().newCondition()} gives a {@link java.util.concurrent.locks.Condition} with the
 * semantics of {@code ReentrantReadWriteLock}'s write-lock conditions: {@code await} releases every
 * write hold and, before it returns or throws, re-acquires as many (waiting like any writer, through
 * interrupts); waits and signals by a thread that does not hold the write lock throw
 * {@code IllegalMonitorStateException}, and so does a wait by one that also holds the read lock
 * (re-acquiring the write lock after the wait would be an upgrade). {@code readLock().newCondition()}
 * throws {@link UnsupportedOperationException}.
 *
 * <h2>Memory effects</h2>
 * As for every {@link java.util.concurrent.locks.Lock}: a successful acquisition of either lock
 * <i>happens-after</i> every earlier release of the write lock, so readers see everything writers did
 * before releasing; a writer's acquisition happens-after the releases of the read lock before it.
 *
 * <h2>Monitoring</h2>
 * A {@link dev.interlock.liveness.TrackedLock}: {@link #holders()} names the writer and the
 * readers; {@link #waitStats()} accounts for every acquisition (an acquisition that gets in
 * while spinning, before it parks, counts as immediate: only a parked wait is timed, from the end
 * of the spin, which keeps clock reads off the contended path) and {@link #readWaitStats()},
 * {@link #writeWaitStats()} for each side; blocked acquirers appear in
 * {@link dev.interlock.liveness.WaitRegistry} with mode {@code "read"} or {@code "write"}, so the
 * deadlock watchdog sees through the lock, virtual threads included. The query methods
 * ({@link #isWriteLocked()}, {@link #hasQueuedWriters()}, ...) are snapshots for monitoring, not for
 * synchronisation.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>A writer waits for the readers inside when it arrives and for the writers that get in
 *       before it; with writers arriving faster than they leave, a writer can be overtaken without
 *       bound (no order among writers), and readers wait for as long as writers keep waiting.
 *       {@link PhaseFairReadWriteLock} bounds both.</li>
 *   <li>Holds belong to threads: a read lock released by a thread that did not acquire it throws
 *       {@code IllegalMonitorStateException} (it is not a semaphore). A thread that ends while holding
 *       a lock leaves it held; {@link #holders()} still names it.</li>
 *   <li>All readers update one shared word on entry and exit, so read-only throughput is bounded by
 *       how fast that cache line moves between cores; {@code StampedLock}'s optimistic reads write
 *       nothing and scale further, at the price of validation and no reentrancy.</li>
 *   <li>A thread that cannot enter spins briefly (64 tries, a few microseconds) before it parks.</li>
 *   <li>At most {@code Integer.MAX_VALUE} holds of each lock per thread ({@link Error} beyond).</li>
 * </ul>
 *
 * <h2>Sample usage</h2>
 * As run by {@code WriterPreferringReadWriteLockTest.sampleUsage}: a price table whose updates
 * must not be held back by a stream of readers, and a downgrade that publishes a change and then
 * reads it back with no other writer in between.
 * <pre>{@code
 * ReadWriteLock lock = new WriterPreferringReadWriteLock("prices");
 * Map<String, Long> centsBySymbol = new HashMap<>(); // guarded by lock
 *
 * long reprice(String symbol, long cents) {
 *     lock.writeLock().lock();
 *     try {
 *         centsBySymbol.put(symbol, cents);
 *         lock.readLock().lock();          // downgrade: take the read lock before
 *     } finally {
 *         lock.writeLock().unlock();       // releasing the write lock
 *     }
 *     try {
 *         return centsBySymbol.values().stream().mapToLong(Long::longValue).sum();
 *     } finally {
 *         lock.readLock().unlock();
 *     }
 * }
 * }</pre>
 */
public final class WriterPreferringReadWriteLock extends AbstractReadWriteLock {

    /*
     * Implementation notes (the state word and slow paths are described in AbstractReadWriteLock).
     *
     * Policy: a newcomer reader is blocked by WRITER or WRITERS_WAITING; a writer by READERS > 0 or
     * WRITER. A writer that cannot enter registers (WRITERS_WAITING) within a few microseconds of
     * spinning, and from then on no new reader enters; re-entrant readers and the owner skip the
     * policy (AbstractReadWriteLock.acquireRead checks the thread's ReadHold and the owner first).
     *
     * Invariant: WRITERS_WAITING is set exactly while waitingWriters > 0; when the last registered
     * writer enters, it clears the bit (readers then stay out because WRITER is set) and when it
     * gives up it clears the bit and signals the readers (wakeWaiters in the slow path's finally).
     */

    /** A lock named {@code "WriterPreferringReadWriteLock@N"}, N unique in this process. */
    public WriterPreferringReadWriteLock() {
        super(null);
    }

    /**
     * A lock named {@code name} in reports ({@link #name()}, the deadlock watchdog, {@code toString}).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public WriterPreferringReadWriteLock(String name) {
        super(Objects.requireNonNull(name, "name"));
    }

    @Override
    boolean readerBlocked(long s) {
        return (s & (WRITER | WRITERS_WAITING)) != 0;
    }

    @Override
    boolean writerBlocked(long s) {
        return (s & (READER_MASK | WRITER)) != 0;
    }
}

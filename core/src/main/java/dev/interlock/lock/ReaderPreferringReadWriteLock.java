package dev.interlock.lock;

import java.util.Objects;

/**
 * A {@link java.util.concurrent.locks.ReadWriteLock} that lets a reader in whenever no writer holds
 * it, even while writers wait: the guide's first reader/writer lock ("readers preference"). It gives
 * readers the most throughput, and its price is that a steady stream of overlapping readers keeps
 * writers out for as long as the stream lasts: <b>writers can starve</b>. The {@code reader-writer}
 * lab experiment ({@code ./interlock run reader-writer}) measures it: the writer's wait grows with the
 * length of the run. Use it only where a write may be put off indefinitely; otherwise use
 * {@link WriterPreferringReadWriteLock} or {@link PhaseFairReadWriteLock}.
 *
 * <h2>Acquisition order and preference policy</h2>
 * <ul>
 *   <li>A reader enters at once unless a writer holds the lock. Waiting writers do not stop it.</li>
 *   <li>A writer enters when no thread holds the lock and no reader is waiting. Readers wait only while
 *       a writer holds the lock; when it releases it, the readers waiting then all enter before any
 *       writer. So a reader waits for at most one writer's critical section.</li>
 *   <li>Writers have no order among themselves: a waiting or an arriving writer, whichever gets there
 *       first, enters.</li>
 *   <li>{@code tryLock()} follows the policy, on both locks: it succeeds exactly when {@code lock()}
 *       would enter without waiting (a write {@code tryLock()} fails while readers wait, for
 *       instance). It does not barge, unlike {@code ReentrantReadWriteLock}'s.</li>
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
 * interrupt status set. {@code lock()} waits through interrupts and returns with the status set.
 * {@code tryLock()} never waits and ignores interrupts.
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
 * {@link #writeWaitStats()} for each side (the writers' maximum wait is the starvation signal);
 * blocked acquirers appear in {@link dev.interlock.liveness.WaitRegistry} with mode {@code "read"}
 * or {@code "write"}, so the deadlock watchdog sees through the lock, virtual threads included.
 * The query methods ({@link #isWriteLocked()}, {@link #getReaderCount()}, ...) are snapshots for
 * monitoring, not for synchronisation.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>Writers can wait for ever (above). Readers cannot be starved by writers, only delayed by one
 *       writer's critical section; but a writer can be overtaken by other writers without bound.</li>
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
 * As run by {@code ReaderPreferringReadWriteLockTest.sampleUsage}: a directory that is read far more
 * often than it changes, and whose rare changes may wait.
 * <pre>{@code
 * ReadWriteLock lock = new ReaderPreferringReadWriteLock("directory");
 * Map<String, String> entries = new HashMap<>(); // guarded by lock
 *
 * String lookUp(String key) {
 *     lock.readLock().lock();
 *     try {
 *         return entries.get(key);
 *     } finally {
 *         lock.readLock().unlock();
 *     }
 * }
 *
 * void register(String key, String value) {
 *     lock.writeLock().lock();
 *     try {
 *         entries.put(key, value);
 *     } finally {
 *         lock.writeLock().unlock();
 *     }
 * }
 * }</pre>
 */
public final class ReaderPreferringReadWriteLock extends AbstractReadWriteLock {

    /*
     * Implementation notes (the state word and slow paths are described in AbstractReadWriteLock).
     *
     * Policy: a newcomer reader is blocked by WRITER only; a writer by READERS > 0, WRITER, or
     * READERS_WAITING. The last makes the readers that waited for a writer go before the next
     * writer: they register (READERS_WAITING) while the writer holds the lock, its release signals
     * them all, and writers stay out until the last of them has entered (or given up) and cleared the
     * bit; by then READERS > 0 keeps writers out until every reader has left.
     *
     * Invariant: a registered reader waits only while WRITER is set; when WRITER clears with readers
     * registered, the release saw READERS_WAITING (its fast path refuses to clear WRITER then) and
     * signalled readersGo.
     */

    /** A lock named {@code "ReaderPreferringReadWriteLock@N"}, N unique in this process. */
    public ReaderPreferringReadWriteLock() {
        super(null);
    }

    /**
     * A lock named {@code name} in reports ({@link #name()}, the deadlock watchdog, {@code toString}).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public ReaderPreferringReadWriteLock(String name) {
        super(Objects.requireNonNull(name, "name"));
    }

    @Override
    boolean readerBlocked(long s) {
        return (s & WRITER) != 0;
    }

    @Override
    boolean writerBlocked(long s) {
        return (s & (READER_MASK | WRITER | READERS_WAITING)) != 0;
    }
}

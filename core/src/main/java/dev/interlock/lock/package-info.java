/**
 * Locks: the guide's chapters on locks, reader/writer locks and avoiding deadlock, made into reusable
 * {@link java.util.concurrent.locks.Lock} and {@link java.util.concurrent.locks.ReadWriteLock}
 * implementations that the liveness tools can see through.
 *
 * <ul>
 *   <li>{@link dev.interlock.lock.FairLock}: the guide's FairLock, a reentrant lock granted in strict
 *       first-in, first-out order by direct hand-off to the longest waiter, with conditions, timeouts
 *       and interrupts; no barging, not even by {@code tryLock()}. The fix for the starvation that an
 *       unfair lock allows, at the cost of a lock convoy under contention.</li>
 *   <li>{@link dev.interlock.lock.ReaderPreferringReadWriteLock}: readers enter whenever no writer
 *       holds the lock; the guide's first variant. Best for readers; writers can starve.</li>
 *   <li>{@link dev.interlock.lock.WriterPreferringReadWriteLock}: a waiting writer stops new readers;
 *       the guide's second variant. Writers get in after the readers inside; readers can starve
 *       under a stream of writers.</li>
 *   <li>{@link dev.interlock.lock.PhaseFairReadWriteLock}: beyond the guide, Brandenburg and
 *       Anderson's phase-fair policy: reader and writer phases alternate, a reader waits for at most
 *       one writer phase and a writer for at most one reader phase per writer ahead of it.</li>
 *   <li>{@link dev.interlock.lock.ReadMostlyCache}: the guide's {@code ThreadSafeCache}, a map
 *       behind any {@code ReadWriteLock} passed in, with a {@code computeIfAbsent} that releases the
 *       read lock before taking the write lock and checks again.</li>
 *   <li>{@link dev.interlock.lock.Locks}: {@code lockAll} takes several locks all or nothing, in one
 *       global order, with randomized backoff, so that callers naming the same locks in any order
 *       cannot deadlock; {@code unlockAll} releases them.</li>
 * </ul>
 *
 * <p>What the read-write locks share: both sides are reentrant (read holds are counted per thread, so
 * a re-entrant reader never waits, even behind a waiting writer); downgrade (write, then read, then
 * release the write lock) works and upgrade fails fast with {@code IllegalMonitorStateException}
 * instead of deadlocking; the write lock has conditions, the read lock none; {@code tryLock()}
 * follows the preference policy instead of barging.
 *
 * <p>Every lock here implements {@link dev.interlock.liveness.TrackedLock}: it names its holders,
 * records each acquisition's wait in {@link dev.interlock.liveness.WaitStats}, and registers its
 * parked waiters in {@link dev.interlock.liveness.WaitRegistry}, so the deadlock watchdog and the
 * starvation tools work on platform and virtual threads alike. Conventions: blocking methods honour
 * interrupts and have timed twins that never return early; unlock without holding throws
 * {@code IllegalMonitorStateException}; no {@code synchronized}, {@code Object.wait} or
 * {@code notify}. Detecting lock-order inversions and real deadlocks is the liveness package's work:
 * {@code dev.interlock.liveness.LockOrderChecker} and {@code dev.interlock.liveness.DeadlockWatchdog}.
 *
 * <p>Lab experiments: {@code reader-writer} (the preference policies under a stream of readers),
 * {@code starvation} (this package's fair lock beside the JDK's unfair and fair {@code ReentrantLock}),
 * {@code deadlock} (inverted lock order, detected and fixed by one order and {@code lockAll}).
 */
package dev.interlock.lock;

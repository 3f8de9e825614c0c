/**
 * Locks: the guide's reader/writer locks (chapter on read-write locks) and the read-mostly cache
 * built on them.
 *
 * <ul>
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
 * </ul>
 *
 * <p>What the three locks share: both sides are reentrant (read holds are counted per thread, so a
 * re-entrant reader never waits, even behind a waiting writer); downgrade (write, then read, then
 * release the write lock) works and upgrade fails fast with {@code IllegalMonitorStateException}
 * instead of deadlocking; both sides honour the whole {@link java.util.concurrent.locks.Lock}
 * contract (interruptible and timed acquisition that never returns early, unlock without holding
 * throws {@code IllegalMonitorStateException}); the write lock has conditions, the read lock none;
 * {@code tryLock()} follows the preference policy instead of barging. Each is a
 * {@link dev.interlock.liveness.TrackedLock}: it names its holders, accounts for its waits per side,
 * and registers its blocked acquirers with {@link dev.interlock.liveness.WaitRegistry}, so the
 * deadlock watchdog and the starvation tools see through it. No {@code synchronized}: a CAS on one
 * state word when the policy lets a thread in, a {@code ReentrantLock} and two conditions when it
 * must wait.
 *
 * <p>The {@code reader-writer} lab experiment measures the policies: under a steady stream of readers
 * the reader-preferring lock's writer waits for as long as the stream lasts, while the
 * writer-preferring and phase-fair locks' writer waits for the readers inside only.
 */
package dev.interlock.lock;

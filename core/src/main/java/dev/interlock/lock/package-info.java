/**
 * Locks and lock helpers: the guide's chapters on explicit locks and on avoiding deadlock.
 *
 * <ul>
 *   <li>{@link dev.interlock.lock.Locks}: {@code lockAll} takes several locks all or nothing, in one
 *       global order, with randomized backoff, so that callers naming the same locks in any order
 *       cannot deadlock; {@code unlockAll} releases them.</li>
 * </ul>
 *
 * <p>Detecting lock-order inversions and real deadlocks is the liveness package's work:
 * {@code dev.interlock.liveness.LockOrderChecker} and {@code dev.interlock.liveness.DeadlockWatchdog}.
 */
package dev.interlock.lock;

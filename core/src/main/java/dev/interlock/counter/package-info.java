/**
 * Thread-safe counters: the guide's first chapter (thread-safety basics, the lost update) made into
 * three reusable building blocks with one interface.
 *
 * <ul>
 *   <li>{@link dev.interlock.counter.LockedCounter}: mutual exclusion with a {@code ReentrantLock};
 *       simplest to reason about, slowest under contention.</li>
 *   <li>{@link dev.interlock.counter.AtomicCounter}: one compare-and-set loop on one variable;
 *       linearizable, lock-free, one contended cache line.</li>
 *   <li>{@link dev.interlock.counter.StripedCounter}: updates spread over padded cells that grow
 *       under contention; fastest for write-heavy counting, with a read that sums the cells and is
 *       therefore not an atomic snapshot.</li>
 * </ul>
 *
 * <p>The unsafe {@code count++} the guide starts from lives only in the lab
 * ({@code dev.interlock.lab.broken.RacyCounter}), where its lost updates are measured.
 */
package dev.interlock.counter;

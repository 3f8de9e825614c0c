/**
 * Liveness: the guide's chapter 10 (deadlock, livelock, starvation) made visible and detectable.
 *
 * <p>The shared service every Interlock lock plugs into: a {@link dev.interlock.liveness.TrackedLock}
 * tells who holds it and keeps {@link dev.interlock.liveness.WaitStats} (wait-time accounting, max and
 * percentiles); while one of its acquirers blocks, the {@link dev.interlock.liveness.WaitRegistry}
 * records "thread waits for lock". Together they are the wait-for graph in which the deadlock
 * watchdog looks for cycles and the starvation monitor for waits past a threshold: platform and
 * virtual threads alike.
 *
 * <p>Deadlock, before and while it happens:
 * <ul>
 *   <li>{@link dev.interlock.liveness.LockOrderChecker}: named locks that record the order in which
 *       they are taken and flag the first acquisition that closes a cycle, a
 *       {@link dev.interlock.liveness.PotentialDeadlockException}, in a run that need not deadlock
 *       (throw, warn, or check nothing).</li>
 *   <li>{@link dev.interlock.liveness.DeadlockWatchdog}: finds real deadlocks periodically, through
 *       Interlock's wait-for graph (virtual threads included) and the JDK's
 *       {@code ThreadMXBean} (monitors and {@code java.util.concurrent} locks), reports each cycle once
 *       and can interrupt a victim to break it.</li>
 * </ul>
 * The cure, taking several locks in one global order, is {@code dev.interlock.lock.Locks.lockAll}.
 */
package dev.interlock.liveness;

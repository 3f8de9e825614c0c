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
 *
 * <p>Livelock: threads that stay busy and make no progress.
 * <ul>
 *   <li>{@link dev.interlock.liveness.Backoff}: the cure, exponential backoff with full jitter and a
 *       cap, so that threads that collided retry at different times.</li>
 *   <li>{@link dev.interlock.liveness.ProgressMonitor}: the detector, declared progress points that
 *       report "busy but no progress for T", once per stall.</li>
 * </ul>
 *
 * <p>Starvation: a thread that could run but never gets its turn.
 * <ul>
 *   <li>Measured per lock after the fact: each {@link dev.interlock.liveness.TrackedLock#waitStats()}
 *       (max and percentiles of its waits).</li>
 *   <li>{@link dev.interlock.liveness.StarvationMonitor}: flags a thread waiting for an Interlock lock
 *       past a threshold while it still waits, once per wait.</li>
 *   <li>{@link dev.interlock.liveness.AgingPriorityQueue}: the guide's priority aging, a blocking
 *       priority queue in which waiting raises an element's priority, so no element waits forever
 *       behind newer, more urgent ones. The fair lock, the other cure, is
 *       {@code dev.interlock.lock.FairLock}.</li>
 * </ul>
 */
package dev.interlock.liveness;

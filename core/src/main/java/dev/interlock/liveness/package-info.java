/**
 * Liveness: the guide's chapter 10 (deadlock, livelock, starvation) made visible and detectable.
 *
 * <p>The shared service every Interlock lock plugs into: a {@link dev.interlock.liveness.TrackedLock}
 * tells who holds it and keeps {@link dev.interlock.liveness.WaitStats} (wait-time accounting, max and
 * percentiles); while one of its acquirers blocks, the {@link dev.interlock.liveness.WaitRegistry}
 * records "thread waits for lock". Together they are the wait-for graph in which the deadlock
 * watchdog looks for cycles and the starvation monitor for waits past a threshold: platform and
 * virtual threads alike.
 */
package dev.interlock.liveness;

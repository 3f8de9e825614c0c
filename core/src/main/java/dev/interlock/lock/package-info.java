/**
 * Locks: the guide's chapter on locks and liveness made into reusable {@link java.util.concurrent.locks.Lock}
 * implementations that the liveness tools can see through.
 *
 * <ul>
 *   <li>{@link dev.interlock.lock.FairLock}: the guide's FairLock, a reentrant lock granted in strict
 *       first-in, first-out order by direct hand-off to the longest waiter, with conditions, timeouts
 *       and interrupts; no barging, not even by {@code tryLock()}. The fix for the starvation that an
 *       unfair lock allows, at the cost of a lock convoy under contention.</li>
 * </ul>
 *
 * <p>Every lock here implements {@link dev.interlock.liveness.TrackedLock}: it names its holders,
 * records each acquisition's wait in {@link dev.interlock.liveness.WaitStats}, and registers its
 * parked waiters in {@link dev.interlock.liveness.WaitRegistry}, so the deadlock and starvation tools
 * work on platform and virtual threads alike. Conventions: blocking methods honour interrupts and
 * have timed twins that never return early; no {@code synchronized}, {@code Object.wait} or
 * {@code notify}.
 *
 * <p>The {@code starvation} lab experiment sets this lock beside the JDK's unfair and fair
 * {@code ReentrantLock}: wait-time percentiles and acquisitions per thread.
 */
package dev.interlock.lock;

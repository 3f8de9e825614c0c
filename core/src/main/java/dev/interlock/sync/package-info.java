/**
 * Blocking building blocks built on locks and conditions: the guide's chapter 2 (condition
 * variables: wait in a loop, signal on every change) and chapter 3 (producer-consumer, connection
 * pools, one-shot events) made into reusable classes.
 *
 * <ul>
 *   <li>{@link dev.interlock.sync.BoundedBuffer}: a bounded FIFO {@code BlockingQueue} over an array
 *       ring, one {@code ReentrantLock} and two conditions ({@code notEmpty}, {@code notFull}). The
 *       building block of the guide's producer-consumer pipeline, and its condition-variable example
 *       done right: {@code while}, not {@code if}, around every wait; O(1) put and take where the
 *       guide's list-based buffer pops from the front in O(n).</li>
 *   <li>{@link dev.interlock.sync.ObjectPool}: the guide's semaphore-guarded connection pool: at most
 *       N objects, created lazily, lent through leases that return each object once; first-in,
 *       first-out waiting; {@code close} refuses waiters and closes the objects; when an acquire
 *       times out, diagnostics name the holders (thread, age, and the acquiring stack if
 *       enabled).</li>
 *   <li>{@link dev.interlock.sync.Event}: the guide's quick-reference {@code Event} (Python's
 *       {@code threading.Event}): a resettable flag with set, clear and await, where a waiter
 *       already waiting never misses a set even if it is cleared at once.</li>
 * </ul>
 *
 * <p>Conventions for every class here: blocking methods honour interrupts (they throw
 * {@code InterruptedException} with the status cleared) and have timed twins that never return
 * early; no {@code synchronized}, {@code Object.wait} or {@code notify}; each class doc has the
 * headings of {@code java.util.concurrent} (capacity, fairness, interruption, memory consistency
 * effects) and says where its guarantee stops.
 *
 * <p>The broken versions the guide warns about live only in the lab ({@code dev.interlock.lab.broken}):
 * the {@code if}-instead-of-{@code while} wait, whose lost and invented items the
 * {@code bounded-buffer} experiment counts, and the unlocked check-then-act ring, whose lost race
 * the jcstress suite shows; and the check-then-act pool that lends more objects than it has, shown
 * by the {@code connection-pool} experiment.
 */
package dev.interlock.sync;

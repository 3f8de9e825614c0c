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
 *   <li>{@code ObjectPool}: the guide's semaphore-guarded connection pool: a fixed set of objects
 *       borrowed and returned, with a timed borrow.</li>
 *   <li>{@code Event}: the guide's quick-reference {@code Event}: a flag that threads wait on until
 *       another thread sets it.</li>
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
 * the jcstress suite shows.
 */
package dev.interlock.sync;

/**
 * Work execution: the guide's producer-consumer pipeline (chapter 3) and thread pool (chapter 5) as
 * components that own their threads, bound their queues, say exactly what happens to every item on
 * shutdown, and work the same on platform and virtual threads.
 *
 * <ul>
 *   <li>{@link dev.interlock.exec.WorkQueue}: a bounded queue drained by a fixed set of consumer
 *       threads that run one handler. Producers block while it is full; a handler that throws is
 *       reported and its consumer carries on; {@code close} stops intake and delivers everything
 *       already accepted, {@code shutdownNow} returns exactly the items never handed out. Every
 *       accepted item is delivered or returned exactly once, also when {@code submit} races
 *       {@code close}.</li>
 *   <li>{@code FixedThreadPool}: the guide's thread pool: a fixed number of workers running submitted
 *       tasks from a bounded queue, with a {@code RejectionPolicy} that decides what a full or
 *       shut-down pool does with a task it cannot accept.</li>
 * </ul>
 *
 * <p>Virtual threads: pass {@code Thread.ofVirtual().factory()} as the thread factory. Every wait in
 * this package is a {@code java.util.concurrent.locks.Condition} wait, which unmounts a virtual thread
 * from its carrier; nothing here uses {@code synchronized}, {@code Object.wait} or {@code notify}, so
 * nothing here pins a carrier thread.
 *
 * <p>Conventions, as in {@code dev.interlock.sync}: blocking methods honour interrupts and have timed
 * twins that never return early; closing is idempotent; each class doc has the
 * {@code java.util.concurrent} headings and says where its guarantee stops.
 *
 * <p>The broken way the guide warns about lives only in the lab: {@code dev.interlock.lab.broken}'s
 * close that stops the consumers without draining, whose lost items the {@code producer-consumer}
 * experiment counts.
 */
package dev.interlock.exec;

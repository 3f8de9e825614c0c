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
 *   <li>{@link dev.interlock.exec.FixedThreadPool}: the guide's thread pool as an
 *       {@code ExecutorService}: a fixed number of workers, started on demand from a thread factory
 *       (virtual threads included), one lock-free FIFO queue, unbounded by default or bounded with a
 *       {@link dev.interlock.exec.RejectionPolicy}. A failing task never shrinks it; {@code shutdown}
 *       runs what is queued, {@code shutdownNow} returns exactly the tasks never started; every task
 *       is run once, returned, or rejected, never lost. The guide's hand-rolled dictionary of results
 *       becomes a real {@code Future}.</li>
 *   <li>{@link dev.interlock.exec.RejectionPolicy}: {@code ThreadPoolExecutor}'s four policies,
 *       except that after shutdown every policy throws, and a dropped {@code Future} is
 *       cancelled.</li>
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
 * <p>The broken ways the guide warns about live only in the lab ({@code dev.interlock.lab.broken}): a
 * close that stops the consumers without draining, whose lost items the {@code producer-consumer}
 * experiment counts, and a pool whose workers die with a failing task, which the {@code thread-pool}
 * experiment watches shrink to nothing.
 */
package dev.interlock.exec;

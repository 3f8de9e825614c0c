package dev.interlock.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A bounded queue drained by a fixed set of consumer threads that run one handler: the guide's
 * producer-consumer pipeline (chapter 3) as one object. Producers {@link #submit submit} items, waiting
 * while the queue is full; the consumers take them in order and call the handler on each; a handler
 * that throws is reported to an error callback and its consumer goes on with the next item.
 * {@link #close()} stops intake, lets the consumers finish everything already accepted and waits for
 * them; {@link #shutdownNow()} stops them early and returns what they had not started.
 *
 * <p>The promise: <b>every accepted item is handed to the handler exactly once, or returned by
 * {@link #shutdownNow()} exactly once</b>; an item that is not accepted is refused with an exception
 * its producer sees ({@link IllegalStateException} once the queue is closed, or
 * {@link InterruptedException}) or, for the timed {@link #offer(Object, Duration) offer}, with
 * {@code false}. Nothing is silently dropped, also when {@code submit} races {@code close} or
 * {@code shutdownNow}.
 *
 * <h2>Building</h2>
 * {@link #builder(Consumer) WorkQueue.builder(handler)}, then optional settings and {@link
 * Builder#build() build()}, which starts the consumers:
 * <ul>
 *   <li>{@link Builder#capacity(int) capacity}: the most items waiting at once, at least 1; default
 *       {@value #DEFAULT_CAPACITY}.</li>
 *   <li>{@link Builder#consumers(int) consumers}: the number of consumer threads, at least 1; default
 *       {@value #DEFAULT_CONSUMERS}, so that by default the handler never runs concurrently with itself
 *       and items are handled in submission order. Raise it for parallelism.</li>
 *   <li>{@link Builder#threadFactory(ThreadFactory) threadFactory}: makes the consumer threads; default:
 *       non-daemon platform threads named {@code workqueue-N-consumer-M} ({@code N} numbers the queues
 *       of this JVM from 1, {@code M} the consumers from 1). Non-daemon because accepted items are a
 *       promise: a JVM does not exit, dropping them, while a queue is open, as with the JDK's
 *       executors. Threads from a factory of yours keep the names it gives them. Pass
 *       {@code Thread.ofVirtual().factory()} for virtual consumers.</li>
 *   <li>{@link Builder#onError(BiConsumer) onError}: called on the consumer thread with the item and
 *       what the handler threw; default: the consumer thread's
 *       {@linkplain Thread#getUncaughtExceptionHandler() uncaught-exception handler} (which, unless
 *       you installed one, prints the stack trace), so a failure is never silently swallowed.</li>
 * </ul>
 * Bad values throw at once ({@link IllegalArgumentException} for a capacity or consumer count below 1,
 * {@link NullPointerException} for nulls) and leave the builder as it was. A builder may be reused:
 * each {@code build()} makes a new, independent queue with its own consumers; changing the builder
 * afterwards does not affect queues already built. A builder is not thread-safe.
 *
 * <h2>Capacity</h2>
 * Fixed, at least 1, counted in items waiting: items a consumer has taken (its handler is running) no
 * longer count. So at most {@code capacity + consumers} accepted items are in the queue's hands at
 * once. {@code submit} waits while the queue is full; the timed {@code offer} waits up to its
 * timeout. The array is allocated by {@code build()}.
 *
 * <h2>Consumers and handler failures</h2>
 * Each consumer takes the oldest waiting item, calls the handler, and repeats; a consumer with nothing
 * to do waits without spinning. Every {@link Throwable} from the handler, {@link Error}s included, is
 * counted as {@code failed} and passed to {@code onError}; the consumer then takes the next item. (A
 * consumer that died would strand the items behind it; an {@code onError} that wants a failure to be
 * fatal can act on it, e.g. call {@link #shutdownNow()}.) The item is not retried. If {@code onError}
 * itself throws, its exception (with the handler's added as {@linkplain Throwable#addSuppressed
 * suppressed}) goes to the consumer thread's uncaught-exception handler, and the consumer still
 * carries on; the counts are unaffected. If that handler throws too, the exception is ignored, as the
 * JVM ignores it for a dying thread.
 *
 * <h2>Ordering</h2>
 * Items are taken in the order they were accepted (FIFO). With one consumer they are handled one at a
 * time in that order. With several, handlers start in that order but run in parallel and may finish in
 * any order. Producers waiting on a full queue are not served in arrival order: the lock is non-fair,
 * and a newcomer may take a freed slot first (as in {@code ArrayBlockingQueue}'s default mode).
 *
 * <h2>Interruption</h2>
 * {@link #submit}, {@link #offer(Object, Duration) offer}, {@link #close(Duration)} and
 * {@link #awaitTermination} throw {@link InterruptedException}, with the interrupt status cleared, if
 * the thread is interrupted on entry or while it waits; an interrupted {@code submit} or {@code offer}
 * has not accepted its item. {@link #close()} cannot throw it ({@link AutoCloseable}): interrupted while
 * waiting, it returns with the interrupt status set, the queue closed and its consumers still draining
 * (wait again with {@code awaitTermination}, or give up with {@code shutdownNow}). Unlike
 * {@link java.util.concurrent.ExecutorService#close()}, it does not turn the interrupt into a
 * {@code shutdownNow}: that would drop the leftovers with no one to return them to.
 *
 * <p>Consumer threads belong to the queue. An interrupt of a consumer that does not come from
 * {@code shutdownNow} reaches at most the handler running (or about to run) at the time and is then
 * cleared: the next item's handler starts uninterrupted, and a waiting consumer keeps waiting.
 *
 * <h2>Closing</h2>
 * <ul>
 *   <li>{@link #close()}: stops intake, lets the consumers hand every accepted item to the handler,
 *       then waits until every consumer has exited; {@link #close(Duration)} waits at most a timeout
 *       and says whether they had. Producers waiting in {@code submit} or {@code offer} when the queue
 *       closes throw {@link IllegalStateException}: their items were not accepted.</li>
 *   <li>{@link #shutdownNow()}: stops intake, removes the items no consumer has taken and returns
 *       them, oldest first, and interrupts the consumer threads (except the calling thread, if it is
 *       one), like {@link java.util.concurrent.ExecutorService#shutdownNow()}: running handlers see the
 *       interrupt; the items they hold were handed out and are not returned. It does not wait: follow
 *       it with {@link #awaitTermination}.</li>
 *   <li>Both are idempotent and may be combined: {@code shutdownNow} after {@code close} returns
 *       what is still waiting; a second {@code shutdownNow} returns an empty list.</li>
 *   <li>After either, {@code submit} and {@code offer} throw {@link IllegalStateException}.</li>
 *   <li>From inside the handler (on a consumer thread) {@code close} stops intake and returns at once,
 *       without waiting: the queue cannot terminate while its caller, a consumer, is still running.
 *       {@code close(Duration)} and {@code awaitTermination} likewise return {@code false} at once
 *       there. The consumers then finish the accepted items and exit as usual.</li>
 * </ul>
 *
 * <h2>Metrics</h2>
 * {@link #metrics()} returns a {@link Metrics} snapshot: items submitted (accepted), completed (the
 * handler returned), failed (the handler threw), waiting now, and the most ever waiting. The snapshot
 * is atomic: it is read in one hold of the queue's lock, so for example
 * {@code completed + failed + queueDepth <= submitted} always holds; the difference is the items in
 * handlers now and those returned by {@code shutdownNow}. An item's outcome is counted when its
 * consumer comes back for its next item, after {@code onError} has returned. Once the queue has
 * terminated, {@code submitted == completed + failed + (items returned by shutdownNow)}.
 *
 * <h2>Cost</h2>
 * Per item: one hold of the queue's lock by its producer and one by its consumer (which also records
 * the previous item's outcome there), one condition signal each, no allocation (the ring is allocated
 * by {@code build()}) and no atomic operation beyond the lock's. Under contention the producers and
 * consumers share one lock, as in {@code ArrayBlockingQueue}. {@code bench/.../WorkQueueBench}
 * compares the hand-off with hand-written consumer loops over {@code ArrayBlockingQueue} and
 * {@code LinkedBlockingQueue} (target: at least the {@code ArrayBlockingQueue} loop's throughput, at
 * one and at two producer/consumer pairs; no measured figure yet: benchmarks are run by the lead on a
 * quiet machine).
 *
 * <h2>Virtual threads</h2>
 * Producers and consumers may be virtual threads. Every wait is a {@link Condition} wait on a
 * {@link ReentrantLock}, which unmounts a virtual thread from its carrier; the queue never uses
 * {@code synchronized}, {@code Object.wait} or native blocking, so it never pins a carrier (a
 * {@code jdk.VirtualThreadPinned} JFR recording of a blocking-heavy run shows none:
 * {@code WorkQueuePinningTest}). A handler that pins (blocks in native code, say) pins its own
 * carrier: that is the handler's business.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it submits an item <i>happen-before</i> the handler's actions on that
 * item, and before {@code shutdownNow} returns it. The handler's and {@code onError}'s actions on an
 * item happen-before a {@link #metrics()} snapshot that counts the item, and before
 * {@link #awaitTermination}, {@link #close()} or {@link #close(Duration)} returns having seen the
 * queue terminate.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>"Exactly once" means handed to the handler exactly once. What the handler does with an item,
 *       and whether a failed or interrupted handler finished its work, is the handler's business:
 *       nothing is retried, and items handed out are never returned.</li>
 *   <li>The queue is in memory. Accepted items die with the JVM ({@code System.exit}, a crash);
 *       it is not a durable log.</li>
 *   <li>{@code close()} waits as long as handlers take; a handler that never returns makes it wait
 *       for ever. Use {@code close(Duration)}, then {@code shutdownNow()}, which can only interrupt a
 *       handler, not stop it.</li>
 *   <li>A {@code ThreadFactory} must return a new, unstarted thread that runs the task it is given;
 *       a thread that does not run it is a consumer that never consumes. If the factory throws or
 *       returns {@code null} ({@link NullPointerException}), or a thread fails to start,
 *       {@code build()} throws and stops the consumers it had started.</li>
 *   <li>An {@link Error} thrown by the queue's own code on a consumer thread (an
 *       {@link OutOfMemoryError} while taking the lock) ends that consumer, through its thread's
 *       uncaught-exception handler; the others carry on.</li>
 *   <li>No fairness between producers (above), and {@code ThreadLocal} values of a consumer thread
 *       carry over from one item to the next.</li>
 * </ul>
 *
 * <h2>Sample usage</h2>
 * As run by {@code WorkQueueTest.sampleUsage}:
 * <pre>{@code
 * try (WorkQueue<Order> orders = WorkQueue.<Order>builder(order -> ledger.record(order))
 *         .capacity(256)
 *         .consumers(2)
 *         .threadFactory(Thread.ofVirtual().name("ledger-", 1).factory())
 *         .onError((order, failure) -> log.add(order + " failed: " + failure))
 *         .build()) {
 *     for (Order order : incoming) {
 *         orders.submit(order);   // waits while 256 orders are waiting
 *     }
 * }   // close(): no more orders; every accepted one is recorded before this line ends
 * }</pre>
 *
 * @param <T> the type of the items
 */
public final class WorkQueue<T> implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Why not BoundedBuffer: a closed-aware queue must decide "is it open?" and "insert" in one step,
     * and wake producers blocked on a full queue when it closes. BoundedBuffer's put() waits only for
     * a take: a producer that checked "open" and then called put() could insert after the consumers,
     * seeing the queue closed and empty, had exited (an accepted item that nobody delivers), and a
     * producer blocked in put() could only be released by interrupting it, a thread that is not ours.
     * Wrapping every put in an outer lock would serialise the waits. So the queue keeps its own
     * minimal ring (no iterators, no removal from the middle) under one ReentrantLock with three
     * conditions: notEmpty (consumers wait), notFull (producers wait), terminated (closers wait).
     *
     * State, written only under the lock: RUNNING -> SHUTDOWN (close) -> STOP (shutdownNow); it never
     * goes back. RUNNING -> STOP directly is allowed. Terminated means live == 0: every consumer has
     * left its loop (its thread ends right after). Closers wait on `terminated`, not Thread.join: a
     * platform thread's join is an Object.wait, which pins a virtual caller on JDK 21 to 23.
     *
     * Invariants, whenever the lock is free:
     *   (R) the ring holds exactly `count` items at head, head+1, ... (mod capacity), oldest first;
     *       every other slot is null; 0 <= count <= capacity.
     *   (A) an item is accepted only while state == RUNNING, in the same lock hold that checks it
     *       (submit/offer re-check the state after every wake-up).
     *   (X) a consumer exits only when count == 0 and state != RUNNING, checked in one lock hold.
     *   (S) state == STOP implies count == 0 (shutdownNow empties the ring in the hold that sets it).
     *   (M) submitted == completed + failed + count + taken-but-unreported + returned-by-shutdownNow;
     *       maxDepth >= count.
     * Exactly once: an item enters the ring once (A) and leaves it once, by a consumer's dequeue (then
     * it is handed to the handler once) or by shutdownNow's drain (then it is returned once). Nothing
     * is stranded: by (X) and (A), once any consumer has exited no item can be accepted and the ring
     * was empty, so the last consumer leaves an empty ring behind.
     *
     * Wake-ups: each insertion signals notEmpty once, each removal notFull once; close and shutdownNow
     * signalAll both, so every waiting consumer re-checks (X) and every waiting producer re-checks (A).
     * Waiters loop; a signalled waiter that is then interrupted or times out still consumes its
     * signal's effect because the loop re-checks the ring before giving up.
     *
     * Counting: completed and failed are plain fields under the lock. A consumer reports its previous
     * item's outcome in the same lock hold in which it takes the next one (or decides to exit), so
     * counting costs no extra atomic operation on the hot path, and metrics() is one consistent
     * snapshot. (A StripedCounter would cost a CAS per item and give a sum that is not a snapshot.)
     */

    /** Capacity when the builder is not given one, in items. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** Consumer threads when the builder is not given a count. */
    public static final int DEFAULT_CONSUMERS = 1;

    /** Numbers the queues of this JVM for the default thread names, from 1. */
    private static final AtomicInteger QUEUE_NUMBERS = new AtomicInteger();

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;

    /** A consumer's report of the item it just handled. */
    private static final int NOTHING = 0;
    private static final int COMPLETED = 1;
    private static final int FAILED = 2;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an item is accepted, and on close: consumers wait on it. */
    private final Condition notEmpty = lock.newCondition();
    /** Signalled when an item is taken, and on close: producers wait on it. */
    private final Condition notFull = lock.newCondition();
    /** Signalled when the last consumer exits: closers wait on it. */
    private final Condition terminated = lock.newCondition();

    private final Consumer<? super T> handler;
    private final BiConsumer<? super T, Throwable> onError; // null: the thread's uncaught-exception handler
    private final Thread[] consumers;

    private final Object[] items;   // contents guarded by lock
    private int head;               // guarded by lock; slot of the oldest item
    private int count;              // guarded by lock
    private volatile int state;     // written under lock; read anywhere
    private int live;               // guarded by lock; consumers that have not exited
    private long submitted;         // guarded by lock
    private long completed;         // guarded by lock
    private long failed;            // guarded by lock
    private int maxDepth;           // guarded by lock

    private WorkQueue(Builder<T> b, ThreadFactory factory) {
        this.handler = b.handler;
        this.onError = b.onError;
        this.items = new Object[b.capacity];
        this.consumers = new Thread[b.consumers];
        for (int i = 0; i < consumers.length; i++) {
            Thread t = factory.newThread(this::consume);
            consumers[i] = Objects.requireNonNull(t, "the thread factory returned null");
        }
        this.live = consumers.length;
    }

    /**
     * Starts a builder for a queue whose consumers call {@code handler} on every item.
     *
     * @param handler what to do with each item; called on consumer threads, concurrently with itself
     *                when there are several consumers
     * @param <T>     the type of the items
     * @return a builder with the defaults
     * @throws NullPointerException if {@code handler} is null
     */
    public static <T> Builder<T> builder(Consumer<? super T> handler) {
        return new Builder<>(handler);
    }

    /** Starts every consumer; if one fails to start, stops those started and rethrows. */
    private void start() {
        int started = 0;
        try {
            for (Thread t : consumers) {
                t.start();
                started++;
            }
        } catch (Throwable failure) {
            lock.lock();
            try {
                state = STOP;
                live -= consumers.length - started;
                notEmpty.signalAll();
            } finally {
                lock.unlock();
            }
            throw failure;
        }
    }

    // ---------------------------------------------------------------- intake

    /**
     * Accepts {@code item}, waiting while the queue is full.
     *
     * @param item the item; its handler call happens later, on a consumer thread
     * @throws NullPointerException  if {@code item} is null
     * @throws InterruptedException  if interrupted on entry or while waiting; the item was not accepted
     * @throws IllegalStateException if the queue is closed, or closes while this call waits; the item
     *                               was not accepted
     */
    public void submit(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        lock.lockInterruptibly();
        try {
            while (true) {
                ensureOpen();
                if (count < items.length) {
                    break;
                }
                notFull.await();
            }
            enqueue(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Accepts {@code item} if there is room now or within {@code timeout}.
     *
     * @param item    the item; its handler call happens later, on a consumer thread
     * @param timeout how long to wait while the queue is full; zero or negative: do not wait (the
     *                call still throws if the thread is interrupted)
     * @return {@code true} if accepted; {@code false} if the queue stayed full for the whole timeout
     *         (never earlier), in which case the item was not accepted
     * @throws NullPointerException  if {@code item} or {@code timeout} is null
     * @throws InterruptedException  if interrupted on entry or while waiting; the item was not accepted
     * @throws IllegalStateException if the queue is closed, or closes while this call waits; the item
     *                               was not accepted
     */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (true) {
                ensureOpen();
                if (count < items.length) {
                    break;
                }
                if (nanos <= 0L) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            enqueue(item);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Call only holding lock. */
    private void ensureOpen() {
        assert lock.isHeldByCurrentThread();
        if (state != RUNNING) {
            throw new IllegalStateException("WorkQueue closed: item not accepted");
        }
    }

    /** Appends {@code item} (ring not full, state RUNNING); wakes one consumer. Call only holding lock. */
    private void enqueue(T item) {
        assert lock.isHeldByCurrentThread();
        int tail = head + count;
        if (tail >= items.length) {
            tail -= items.length;
        }
        items[tail] = item;
        count++;
        submitted++;
        if (count > maxDepth) {
            maxDepth = count;
        }
        notEmpty.signal();
    }

    /** Removes and returns the oldest item (ring not empty). Call only holding lock. */
    @SuppressWarnings("unchecked")
    private T dequeue() {
        assert lock.isHeldByCurrentThread();
        T item = (T) items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        count--;
        return item;
    }

    // ---------------------------------------------------------------- consumers

    /** A consumer thread's body. */
    private void consume() {
        int outcome = NOTHING;
        try {
            T item;
            while ((item = next(outcome)) != null) {
                outcome = handle(item);
                // An interrupt aimed at this item's handler (or sent by someone else) ends with it.
                Thread.interrupted();
            }
        } finally {
            exited();
        }
    }

    /**
     * Records the previous item's outcome, then takes the next item, waiting while the queue is empty
     * and open; returns null when the consumer should exit (invariant X).
     */
    private T next(int outcome) {
        lock.lock();
        try {
            if (outcome == COMPLETED) {
                completed++;
            } else if (outcome == FAILED) {
                failed++;
            }
            while (count == 0) {
                if (state != RUNNING) {
                    return null;
                }
                try {
                    notEmpty.await();
                } catch (InterruptedException e) {
                    // Not from shutdownNow (which also signals): consumers ignore it and re-check.
                }
            }
            T item = dequeue();
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the handler on {@code item}; reports a failure; never throws. */
    private int handle(T item) {
        try {
            handler.accept(item);
            return COMPLETED;
        } catch (Throwable failure) {
            report(item, failure);
            return FAILED;
        }
    }

    /** Passes a handler's failure to onError, or to the uncaught-exception handler; never throws. */
    private void report(T item, Throwable failure) {
        if (onError != null) {
            try {
                onError.accept(item, failure);
                return;
            } catch (Throwable callbackFailure) {
                if (callbackFailure != failure) {
                    callbackFailure.addSuppressed(failure);
                }
                failure = callbackFailure;
            }
        }
        Thread self = Thread.currentThread();
        try {
            self.getUncaughtExceptionHandler().uncaughtException(self, failure);
        } catch (Throwable ignored) {
            // As the JVM does when a dying thread's uncaught-exception handler throws.
        }
    }

    private void exited() {
        lock.lock();
        try {
            if (--live == 0) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean calledByConsumer() {
        Thread self = Thread.currentThread();
        for (Thread t : consumers) {
            if (t == self) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- closing

    /**
     * Stops intake, lets the consumers hand every accepted item to the handler, and waits until they
     * have all exited (finished their last item and left the queue; each thread then ends, with
     * nothing left to run). Producers waiting in {@code submit} or {@code offer} throw
     * {@link IllegalStateException}. Idempotent.
     *
     * <p>If the calling thread is interrupted, on entry or while waiting, this returns early with the
     * interrupt status set: the queue is closed and its consumers go on draining it (see
     * {@link #awaitTermination} and {@link #shutdownNow()}). Called from a consumer thread (inside the
     * handler), it returns once intake has stopped, without waiting.
     */
    @Override
    public void close() {
        shutdown();
        if (calledByConsumer()) {
            return;
        }
        boolean interrupted = false;
        lock.lock();
        try {
            while (live > 0) {
                try {
                    terminated.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@link #close()} with a bound on the wait: stops intake (at once, even if this then throws) and
     * waits up to {@code timeout} for the consumers to deliver every accepted item and exit.
     *
     * @param timeout how long to wait; zero or negative: do not wait
     * @return {@code true} if every consumer has exited; {@code false} if the timeout elapsed first
     *         (never earlier), or at once when called from a consumer thread
     * @throws NullPointerException if {@code timeout} is null (the queue is not closed)
     * @throws InterruptedException if interrupted on entry or while waiting; the queue is closed and
     *                              its consumers go on draining it
     */
    public boolean close(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        shutdown();
        return awaitTermination(timeout);
    }

    /** Stops intake and wakes every waiting producer and consumer. */
    private void shutdown() {
        lock.lock();
        try {
            if (state == RUNNING) {
                state = SHUTDOWN;
                notEmpty.signalAll();
                notFull.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops intake, removes every item no consumer has taken yet, and interrupts the consumer threads
     * (except the calling thread, if it is one) so that running handlers can stop early. Does not
     * wait; see {@link #awaitTermination}. Producers waiting in {@code submit} or {@code offer} throw
     * {@link IllegalStateException}.
     *
     * @return the accepted items that were never handed to the handler, oldest first; empty if there
     *         are none (for instance on a second call)
     */
    public List<T> shutdownNow() {
        List<T> leftovers;
        lock.lock();
        try {
            if (state != STOP) {
                state = STOP;
                notEmpty.signalAll();
                notFull.signalAll();
            }
            leftovers = new ArrayList<>(count);
            while (count > 0) {
                leftovers.add(dequeue());
            }
        } finally {
            lock.unlock();
        }
        Thread self = Thread.currentThread();
        for (Thread t : consumers) {
            if (t != self && t.isAlive()) {
                t.interrupt();
            }
        }
        return leftovers;
    }

    /**
     * Waits up to {@code timeout} until every consumer has exited, which happens only after
     * {@link #close()} or {@link #shutdownNow()}.
     *
     * @param timeout how long to wait; zero or negative: do not wait
     * @return {@code true} if every consumer has exited; {@code false} if the timeout elapsed first
     *         (never earlier), or at once when called from a consumer thread, which cannot see its own
     *         queue terminate
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        lock.lockInterruptibly();
        try {
            while (live > 0) {
                if (nanos <= 0L || calledByConsumer()) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether intake has stopped: {@link #close()}, {@link #close(Duration)} or {@link #shutdownNow()} was called. */
    public boolean isClosed() {
        return state != RUNNING;
    }

    /** Whether every consumer thread has exited (so every accepted item was handled or returned). */
    public boolean isTerminated() {
        lock.lock();
        try {
            return live == 0;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- inspection

    /** The most items that wait at once, as built. */
    public int capacity() {
        return items.length;
    }

    /** An atomic snapshot of the queue's counts; see the class doc. */
    public Metrics metrics() {
        lock.lock();
        try {
            return new Metrics(submitted, completed, failed, count, maxDepth);
        } finally {
            lock.unlock();
        }
    }

    /** E.g. {@code WorkQueue[running, waiting=3/1024, consumers=2/2, submitted=40, completed=35, failed=0]}. */
    @Override
    public String toString() {
        lock.lock();
        try {
            String s = switch (state) {
                case RUNNING -> "running";
                case SHUTDOWN -> live == 0 ? "terminated" : "closing";
                default -> live == 0 ? "terminated" : "stopping";
            };
            return "WorkQueue[" + s + ", waiting=" + count + "/" + items.length + ", consumers=" + live + "/"
                    + consumers.length + ", submitted=" + submitted + ", completed=" + completed
                    + ", failed=" + failed + "]";
        } finally {
            lock.unlock();
        }
    }

    /** For tests: checks invariants (R), (S) and (M)'s bound, holding the lock. */
    boolean invariantsHold() {
        lock.lock();
        try {
            if (count < 0 || count > items.length || head < 0 || head >= items.length || maxDepth < count
                    || (state == STOP && count != 0) || live < 0 || live > consumers.length
                    || completed + failed + count > submitted) {
                return false;
            }
            for (int offset = 0; offset < items.length; offset++) {
                int slot = (head + offset) % items.length;
                if ((items[slot] != null) != (offset < count)) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of a queue's counts, read atomically (see {@link WorkQueue#metrics()}).
     *
     * @param submitted  items accepted since the queue was built
     * @param completed  items whose handler call returned normally
     * @param failed     items whose handler call threw (each was passed to {@code onError})
     * @param queueDepth items waiting now: accepted, not yet taken by a consumer
     * @param maxDepth   the most items ever waiting at once, at most the capacity
     */
    public record Metrics(long submitted, long completed, long failed, int queueDepth, int maxDepth) {
    }

    /**
     * Settings for a {@link WorkQueue}; {@link #build()} makes and starts one. Reusable: each
     * {@code build()} makes a new queue from the settings at that moment. Not thread-safe.
     *
     * @param <T> the type of the items
     */
    public static final class Builder<T> {
        private final Consumer<? super T> handler;
        private int capacity = DEFAULT_CAPACITY;
        private int consumers = DEFAULT_CONSUMERS;
        private ThreadFactory threadFactory;             // null: numbered non-daemon platform threads
        private BiConsumer<? super T, Throwable> onError; // null: the thread's uncaught-exception handler

        private Builder(Consumer<? super T> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * The most items waiting at once; default {@value WorkQueue#DEFAULT_CAPACITY}.
         *
         * @param capacity at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity < 1} (the builder is unchanged)
         */
        public Builder<T> capacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * The number of consumer threads; default {@value WorkQueue#DEFAULT_CONSUMERS}.
         *
         * @param consumers at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code consumers < 1} (the builder is unchanged)
         */
        public Builder<T> consumers(int consumers) {
            if (consumers < 1) {
                throw new IllegalArgumentException("consumers must be at least 1: " + consumers);
            }
            this.consumers = consumers;
            return this;
        }

        /**
         * Makes the consumer threads, e.g. {@code Thread.ofVirtual().factory()}; it must return a new,
         * unstarted thread that runs the task it is given. Default: non-daemon platform threads named
         * {@code workqueue-N-consumer-M}.
         *
         * @param threadFactory makes one thread per consumer, when the queue is built
         * @return this builder
         * @throws NullPointerException if {@code threadFactory} is null (the builder is unchanged)
         */
        public Builder<T> threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Called on the consumer thread with an item and what its handler threw. Default: the consumer
         * thread's uncaught-exception handler. See the class doc for what happens if it throws.
         *
         * @param onError receives the item and the handler's exception
         * @return this builder
         * @throws NullPointerException if {@code onError} is null (the builder is unchanged)
         */
        public Builder<T> onError(BiConsumer<? super T, Throwable> onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        /**
         * Makes a queue with these settings and starts its consumers.
         *
         * @return the new queue, open
         * @throws NullPointerException if the thread factory returned null
         * @throws RuntimeException     whatever the thread factory or {@link Thread#start()} threw; the
         *                              consumers already started are stopped
         */
        public WorkQueue<T> build() {
            ThreadFactory factory = threadFactory != null ? threadFactory
                    : Thread.ofPlatform().daemon(false)
                            .name("workqueue-" + QUEUE_NUMBERS.incrementAndGet() + "-consumer-", 1)
                            .factory();
            WorkQueue<T> queue = new WorkQueue<>(this, factory);
            queue.start();
            return queue;
        }
    }
}

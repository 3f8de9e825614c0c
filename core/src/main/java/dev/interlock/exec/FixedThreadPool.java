package dev.interlock.exec;

import dev.interlock.counter.StripedCounter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link java.util.concurrent.ExecutorService} with a fixed number of worker threads that take
 * tasks from one FIFO queue: the guide's thread pool (chapter 5), with a real {@link Future} for every
 * submitted task in place of the guide's hand-rolled dictionary of results. {@code new
 * FixedThreadPool(n)} behaves like {@code Executors.newFixedThreadPool(n)}; the {@link #builder()}
 * adds a bounded queue, a {@link RejectionPolicy} and a thread factory.
 *
 * <h2>Threads</h2>
 * At most {@link #threads()} worker threads, all made by the pool's {@link ThreadFactory}, started on
 * demand: each call to {@code execute} (or {@code submit}, {@code invokeAll}, ...) starts one new
 * worker while fewer than {@code threads} are alive and hands it the task directly, so the first
 * {@code threads} tasks start {@code threads} workers and never wait in the queue, as in
 * {@code Executors.newFixedThreadPool}; a pool never used creates no thread. A worker then serves until the
 * pool shuts down: a failing task never ends it (see Failures), and idle workers never time out, so
 * once started the pool keeps its size until shutdown.
 * <p>The default factory makes non-daemon platform threads of normal priority named
 * {@code FixedThreadPool-P-worker-N} (P numbers pools, N workers from 1): like the JDK's pools, a
 * running pool keeps the JVM alive until it is shut down. A given factory names its own threads; a
 * virtual-thread factory ({@code Thread.ofVirtual().factory()}) works: the pool never blocks while
 * holding a monitor (no {@code synchronized} anywhere), so a waiting worker never pins its carrier.
 * <p>If the factory throws or returns {@code null} when a worker is needed, that worker is simply
 * not started and the pool is otherwise unchanged: the task is queued if some worker is alive to run
 * it (the next {@code execute} tries to start the missing worker again); if none is,
 * {@code execute} throws {@link RejectedExecutionException} with the factory's exception (a
 * {@link NullPointerException} for {@code null}) as its cause.
 *
 * <h2>Queue and capacity</h2>
 * Tasks wait in one FIFO queue and start in the order they were accepted (they may of course finish in
 * any order). By default the queue is unbounded (its capacity is {@link #UNBOUNDED},
 * {@code Integer.MAX_VALUE}, as {@code newFixedThreadPool}'s {@code LinkedBlockingQueue}): memory is the
 * limit. {@code Builder.queueCapacity(c)} bounds it to {@code c} waiting tasks (tasks being run, or
 * handed to a worker being started, do not count; a task queued for an idle worker counts until that
 * worker has taken it, so a burst into a small queue can be refused while a worker is waking up, as
 * with {@code ThreadPoolExecutor} and an {@code ArrayBlockingQueue}). The queue is a linked list
 * whatever the capacity, allocating one small node per task and nothing up front, so a large bound
 * costs nothing until used.
 *
 * <h2>Rejection</h2>
 * A task is rejected when the pool is shut down (always with {@link RejectedExecutionException},
 * whatever the policy) or when the queue is full; the pool's {@link RejectionPolicy} decides what a
 * full queue means: {@code ABORT} (the default) throws, {@code CALLER_RUNS} runs the task in the
 * caller, {@code DISCARD} drops it, {@code DISCARD_OLDEST} drops the oldest queued task and queues the
 * new one. A dropped task that is a {@link Future} is cancelled, so nobody waits on it for ever.
 *
 * <h2>Failures</h2>
 * A task's exception never ends its worker, and the pool never shrinks:
 * <ul>
 *   <li>through {@code submit} (and {@code invokeAll}, {@code invokeAny}) the task is a
 *       {@link java.util.concurrent.FutureTask}: its exception, or {@link Error}, completes the
 *       {@code Future} exceptionally ({@link java.util.concurrent.ExecutionException} from
 *       {@code get()}) and nothing else sees it;</li>
 *   <li>through {@code execute}, whatever the task throws, an {@link Error} included, is handed to
 *       the worker thread's {@link Thread.UncaughtExceptionHandler} (its own, or its group's, which by
 *       default prints the stack trace), exactly as if the thread had died of it; then the same
 *       worker takes the next task. An exception thrown by the handler itself is ignored, as the JVM
 *       ignores one thrown by a dying thread's handler.</li>
 * </ul>
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown()} stops accepting tasks and lets the workers run every task already queued; each
 * worker exits when it finds the queue empty and closed (a "poison pill" that every worker sees and
 * none consumes). {@link #shutdownNow()} stops accepting tasks, interrupts every worker, and removes
 * and returns, in queue order, exactly the tasks that never started: each as the {@link Runnable} that
 * was queued (for {@code submit}, its {@code FutureTask}), neither run nor cancelled. A task handed to
 * a worker being started counts as started: it was accepted before any shutdown that follows, it runs
 * (with its thread interrupted if {@code shutdownNow} came first) and is never returned. Every task
 * ever passed to {@code execute} is therefore exactly one of: run (once), returned by
 * {@code shutdownNow}, or rejected (with an exception, or discarded by the policy); a task racing a shutdown
 * is either accepted (and then run or returned) or rejected, never lost. Both methods are idempotent,
 * never wait for tasks, and may be called from a task of this pool. {@link #isShutdown()} is true from
 * the start of the first shutdown; {@link #isTerminated()} becomes true only once every queued task
 * has been run or returned and every thread the pool created has ended ({@link Thread#isAlive()}
 * false), and {@link #awaitTermination} waits for exactly that. {@link #close()} shuts down and waits,
 * as {@link java.util.concurrent.ExecutorService#close()} specifies (on interrupt:
 * {@code shutdownNow}, keep waiting, restore the interrupt status).
 *
 * <h2>Interruption</h2>
 * The pool interrupts a worker only in {@code shutdownNow} (and {@link Future#cancel(boolean)
 * cancel(true)} interrupts the worker running that task). A task that starts after
 * {@code shutdownNow} began runs with its thread's interrupt status set; otherwise every task starts
 * with the status clear, whatever the previous task on that worker left behind. Interrupting an idle
 * worker has no effect. {@link #awaitTermination} and {@link #close()} honour the caller's interrupts.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it submits a task <i>happen-before</i> the task's execution, which in
 * turn happens-before the result is retrieved through its {@code Future}. Actions of every task
 * happen-before {@code awaitTermination} returns {@code true}, and before {@code isTerminated()}
 * returns {@code true}.
 *
 * <h2>Metrics</h2>
 * {@link #metrics()} returns worker threads alive, tasks running, tasks queued, tasks completed,
 * tasks rejected and the total time tasks spent queued. They cost the hot path two
 * {@link System#nanoTime()} calls per task (one when queued, one when started) and writes to the
 * worker's own fields, no shared counter; reading them walks the workers.
 *
 * <h2>Cost</h2>
 * Per task: one queue node (about 32 bytes), about four compare-and-sets, and the two
 * {@code nanoTime} calls, which are the largest item on a virtual machine (27 to 80 ns each on the
 * project's 2-core KVM guest, 2026-11-26). A worker is woken (an unpark, microseconds) only when a
 * task arrives in an empty queue or a worker sees a backlog behind the task it takes, as in
 * {@code LinkedBlockingQueue}; no lock is taken on the way. {@code bench/.../ThreadPoolBench} compares
 * it with {@code ThreadPoolExecutor} and {@code ForkJoinPool} on tiny tasks (target: at least
 * {@code ThreadPoolExecutor}'s throughput); an interleaved check on that loaded 2-core machine found
 * the two within its noise (0.7x to 1.1x), to be settled by a real JMH run.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>A task that never returns holds its worker for ever; {@code shutdownNow} can only interrupt
 *       it. A pool whose tasks wait for other tasks of the same pool (a task calling
 *       {@code invokeAll} on its own pool, or blocking on a sibling's {@code Future}) deadlocks once
 *       every worker waits: the classic thread-starvation deadlock of any fixed pool.</li>
 *   <li>{@code awaitTermination} called from a task of this pool cannot see the pool terminate (its
 *       own worker is still running): it waits out its timeout and returns {@code false}.
 *       {@code close()} from such a task shuts the pool down and returns at once instead of waiting
 *       for itself for ever.</li>
 *   <li>An unbounded queue is unbounded: a producer faster than the workers fills the heap. Bound it
 *       and pick a policy when that can happen.</li>
 *   <li>Metrics are read field by field while workers run: each value is exact when the pool is
 *       quiescent, but a snapshot taken during activity is not atomic across values. A task is
 *       counted as completed after its {@code run()} returns, so its {@code Future} may be done a
 *       moment before it is counted.</li>
 *   <li>Differences from {@link java.util.concurrent.ThreadPoolExecutor}, all deliberate: after
 *       shutdown every policy rejects with an exception (TPE's caller-runs and discard policies drop
 *       the task in silence); a dropped {@code Future} is cancelled (TPE leaves it pending for ever);
 *       an exception from an {@code execute}d task leaves its worker alive (TPE lets the thread die
 *       and creates a replacement: one new thread per failure); {@code isTerminated} and
 *       {@code awaitTermination} include the end of the worker threads themselves (TPE's may still be
 *       alive for a moment); {@code close()} from a task does not deadlock (TPE's waits for ever); a
 *       factory failure with no worker alive rejects the task instead of leaving it queued with no
 *       thread to run it. There are no core/maximum sizes, keep-alive times, hooks
 *       ({@code beforeExecute}, ...) or queue access: the size is fixed.</li>
 * </ul>
 *
 * <h2>Sample usage</h2>
 * As run by {@code FixedThreadPoolTest.sampleUsage}:
 * <pre>{@code
 * List<String> log = new CopyOnWriteArrayList<>();
 * try (FixedThreadPool pool = FixedThreadPool.builder()
 *         .threads(4)
 *         .queueCapacity(1_000)
 *         .rejection(RejectionPolicy.CALLER_RUNS)   // back-pressure: a full queue slows the producer
 *         .build()) {
 *     Future<Integer> answer = pool.submit(() -> 6 * 7);
 *     pool.execute(() -> log.add("fire and forget"));
 *     log.add("answer " + answer.get());            // waits for the task: "answer 42"
 * }                                                 // close(): runs what is queued, then waits
 * }</pre>
 */
public final class FixedThreadPool extends AbstractExecutorService {

    /*
     * Implementation notes.
     *
     * State: `ctl` holds the run state (high 32 bits: RUNNING < SHUTDOWN < STOP < TERMINATED, only
     * ever increasing) and the number of workers (low 32 bits: reserved by a CAS before a thread is
     * made, released when the worker exits or its start fails), as ThreadPoolExecutor packs them, so
     * that "start a worker only while RUNNING and below `threads`" and "terminate only with no worker"
     * are single CASes.
     *
     * Queue: a Michael-Scott linked queue of Nodes (task, enqueue time, next) with a dummy `head`;
     * producers link at the tail with a CAS on the last node's `next`, consumers take by moving
     * `head` one node on with a CAS, and the taken node becomes the new dummy (the old one is
     * self-linked so that a dequeued node never keeps younger ones reachable). `tail` may lag behind
     * the last node, and even behind head; a producer that meets a self-linked node restarts from
     * head. Closing links the shared sentinel CLOSED (whose `next` is itself) at the end: from then on
     * no CAS on a `next` of null can succeed at the end of the list, so
     *   (Q1) a task is accepted exactly when its node is linked before CLOSED (the link CAS is the
     *        linearization point of execute, the CLOSED link that of shutdown), or when the CAS on
     *        `ctl` that counts a new worker, possible only while RUNNING, hands it to that worker as
     *        its first task (ThreadPoolExecutor's firstTask: it never enters the queue, so it does not
     *        count against the capacity). No task is accepted after shutdown() returns, and none that
     *        was accepted is lost;
     *   (Q2) every accepted node is taken exactly once, by the head CAS: by a worker (which runs it),
     *        by shutdownNow (which returns it), or by a DISCARD_OLDEST producer (which drops it);
     *   (Q3) CLOSED is never taken: a consumer that finds head.next == CLOSED knows every task
     *        accepted has been taken: the poison pill that every worker sees and none consumes.
     * `size` counts queued nodes plus slots producers have reserved (a CAS while below capacity, before
     * linking) minus nodes taken whose slot is not yet given back: 0 <= size <= capacity. A
     * DISCARD_OLDEST producer keeps the slot of the task it drops, so it can never overshoot.
     * Why not BoundedBuffer or LinkedBlockingQueue: acceptance must be atomic with shutdown (Q1)
     * without a second check and a remove-if-still-there (ThreadPoolExecutor's recheck), the node
     * must carry the enqueue time (no wrapper object per task), and a large bound must not allocate
     * its whole array up front.
     *
     * Idle workers: a worker that finds the queue empty pushes a fresh Waiter on the Treiber stack
     * `idle`, re-reads head.next, and parks unless work (or CLOSED, or STOP) has appeared; if it has,
     * it takes its waiter back off the stack (or, if others pushed on top, marks it CANCELLED for a
     * later pop to skip). Signalling pops waiters until one moves from WAITING to SIGNALLED (then
     * unparks it) or the stack is empty. Who signals, as LinkedBlockingQueue does it (one wake-up per
     * empty-to-non-empty transition, then a chain), because a wake-up per task made the producer spend
     * most of its time unparking workers that would have found the work anyway:
     *   - a producer whose node is first in the queue (head.next == its node, read after linking);
     *   - a worker that takes a task and sees another queued behind it (so bursts spread out);
     *   - shutdown and shutdownNow, which take the whole stack and signal every waiter.
     * Why no task waits while every worker sleeps: (I1) while the queue is non-empty, some worker is
     * awake (or signalled) and will look at the queue again. The queue becomes non-empty only by a
     * link into an empty queue, whose producer then signals; the Dekker pair push-then-read-head.next
     * (worker) against link-then-read-idle (producer), all volatile, means a worker whose waiter the
     * producer did not see will see the node itself and not park. While the queue stays non-empty, the
     * worker covering it takes a task (or a DISCARD_OLDEST producer takes one and links its own) and
     * comes back for more before it can idle, and (I2) a worker parks only after seeing the queue
     * empty. A Waiter is never pushed twice (one per idle episode), so the stack has no ABA problem: a
     * CAS that takes a waiter off the top succeeds only if it is still on top, with the same node below
     * it. There is no lock anywhere in the pool.
     *
     * Workers: `workers` is an append-only list of every worker ever created, each with its thread
     * and its own metric fields, written only by that worker (opaque writes; `completed` with release,
     * so that a reader who sees a task counted also sees its worker no longer busy) and summed by
     * metrics(). A worker is linked into the list before its thread starts, so shutdownNow, which
     * sets STOP before walking the list, either interrupts it or is seen by it (another Dekker pair:
     * the worker reads the state before taking each task).
     *
     * Invariants:
     *   (W1) 0 <= worker count <= threads; a worker exits normally only when the state is >= STOP
     *        or it finds head.next == CLOSED.
     *   (W2) TERMINATED implies worker count == 0 and head.next == CLOSED: no task left queued and no
     *        worker left. The transition is a CAS from (SHUTDOWN or STOP, 0 workers) taken only
     *        after checking head.next == CLOSED, and then the termination latch opens.
     *   (W3) a task that starts while the state is >= STOP (a first task can, and a task taken just
     *        before the stop) starts with its thread interrupted: shutdownNow sets STOP before it
     *        interrupts, and a worker that clears a stale interrupt re-reads the state after clearing.
     * A worker that dies of an error in the pool's own code (not a task's: those are all caught) is
     * replaced if the pool still has tasks for it; a task accepted while no worker is alive (a start
     * that failed, or a race with shutdown) makes its producer, and shutdown, start one.
     */

    /** The capacity of an unbounded queue: {@code Integer.MAX_VALUE} tasks. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int TERMINATED = 3;
    private static final String[] STATE_NAMES = {"Running", "Shutting down", "Stopping", "Terminated"};

    /** Numbers pools for the default factory's thread names. */
    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

    /** The end-of-queue sentinel linked by shutdown; its {@code next} is itself, so nothing links after it. */
    private static final Node CLOSED = new Node(null, 0L);

    private static final VarHandle CTL;
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SIZE;
    private static final VarHandle WORKERS;
    private static final VarHandle IDLE;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CTL = l.findVarHandle(FixedThreadPool.class, "ctl", long.class);
            HEAD = l.findVarHandle(FixedThreadPool.class, "head", Node.class);
            TAIL = l.findVarHandle(FixedThreadPool.class, "tail", Node.class);
            SIZE = l.findVarHandle(FixedThreadPool.class, "size", int.class);
            WORKERS = l.findVarHandle(FixedThreadPool.class, "workers", Worker.class);
            IDLE = l.findVarHandle(FixedThreadPool.class, "idle", Waiter.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        CLOSED.next = CLOSED;
    }

    private final int threads;
    private final int capacity;
    private final RejectionPolicy rejection;
    private final ThreadFactory threadFactory;

    private volatile long ctl;           // run state << 32 | worker count
    private volatile Node head;          // dummy node; head.next is the oldest queued task
    private volatile Node tail;          // the last node, or a node before it (or a taken node)
    private volatile int size;           // queued tasks plus reserved slots, 0..capacity
    private volatile Worker workers;     // every worker created, newest first; append-only
    private final StripedCounter rejected = new StripedCounter();

    private volatile Waiter idle;        // idle workers' waiters, newest first (Treiber stack)

    /** Opens when the state becomes TERMINATED. */
    private final CountDownLatch terminationLatch = new CountDownLatch(1);
    /** Set once every worker thread has been seen ended after termination (a cache for isTerminated). */
    private volatile boolean threadsEnded;

    /**
     * A pool of {@code threads} workers with an unbounded queue, {@link RejectionPolicy#ABORT} and the
     * default thread factory: the equivalent of {@code Executors.newFixedThreadPool(threads)}.
     *
     * @param threads the number of worker threads, at least 1
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public FixedThreadPool(int threads) {
        this(builder().threads(threads));
    }

    private FixedThreadPool(Builder b) {
        this.threads = b.threads;
        this.capacity = b.queueCapacity;
        this.rejection = b.rejection;
        this.threadFactory = b.threadFactory != null ? b.threadFactory : defaultThreadFactory();
        Node dummy = new Node(null, 0L);
        this.head = dummy;
        this.tail = dummy;
    }

    /** A builder with the defaults listed in {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    private static ThreadFactory defaultThreadFactory() {
        return Thread.ofPlatform()
                .name("FixedThreadPool-" + POOL_NUMBER.incrementAndGet() + "-worker-", 1)
                .daemon(false)
                .priority(Thread.NORM_PRIORITY)
                .factory();
    }

    // ---------------------------------------------------------------- configuration

    /** The number of worker threads the pool runs once started (its fixed size). */
    public int threads() {
        return threads;
    }

    /** The most tasks the queue holds; {@link #UNBOUNDED} unless the builder set a bound. */
    public int queueCapacity() {
        return capacity;
    }

    /** What the pool does with a task when its queue is full. */
    public RejectionPolicy rejectionPolicy() {
        return rejection;
    }

    // ---------------------------------------------------------------- execute

    /**
     * Runs {@code task} on a worker thread some time in the future: queues it, or applies the
     * rejection policy if the queue is full.
     *
     * @throws RejectedExecutionException if the pool is shut down (whatever the policy), if the queue
     *                                    is full and the policy is {@link RejectionPolicy#ABORT}, or if
     *                                    no worker is alive and the thread factory failed to make one
     *                                    (the factory's exception is the cause)
     * @throws NullPointerException       if {@code task} is null
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        long c = ctl;
        if (stateOf(c) != RUNNING) {
            throw rejectShutDown();
        }
        if (workersOf(c) < threads) {
            try {
                if (addWorker(false, task)) {
                    return; // handed to the new worker, which runs it first
                }
            } catch (WorkerStartFailure failure) {
                if (workersOf(ctl) == 0) {
                    if (stateOf(ctl) != RUNNING) {
                        throw rejectShutDown(); // shut down meanwhile: that, not the factory, decides
                    }
                    rejected.increment();
                    throw new RejectedExecutionException("no worker thread: the thread factory failed",
                            failure.getCause());
                }
                // some worker is alive: queue the task for it (the queue refuses it if shut down)
            }
        }
        if (reserveSlot()) {
            enqueueReserved(task);
        } else {
            saturated(task);
        }
    }

    /** Links {@code task} into the queue using a slot the caller reserved; gives the slot back if shut down. */
    private void enqueueReserved(Runnable task) {
        Node node = new Node(task, System.nanoTime());
        if (!link(node)) {
            SIZE.getAndAdd(this, -1);
            throw rejectShutDown();
        }
        if (workersOf(ctl) == 0) {
            startWorkerForQueuedTasks(); // accepted while no worker was alive (a start failed, or a shutdown raced)
        }
        if (idle != null && head.next == node) {
            signalIdleWorker(); // first in the queue: no awake worker is bound to reach it (see notes)
        }
    }

    /** The queue was full: the policy decides, unless the pool is shut down. */
    private void saturated(Runnable task) {
        if (stateOf(ctl) != RUNNING) {
            throw rejectShutDown();
        }
        switch (rejection) {
            case ABORT -> {
                rejected.increment();
                throw new RejectedExecutionException("queue full (capacity " + capacity + "): task rejected");
            }
            case CALLER_RUNS -> {
                rejected.increment();
                task.run();
            }
            case DISCARD -> {
                rejected.increment();
                cancelIfFuture(task);
            }
            case DISCARD_OLDEST -> discardOldestAndEnqueue(task);
        }
    }

    private void discardOldestAndEnqueue(Runnable task) {
        while (true) {
            if (stateOf(ctl) != RUNNING) {
                throw rejectShutDown();
            }
            Node oldest = dequeue();
            if (oldest == CLOSED) {
                throw rejectShutDown();
            }
            if (oldest != null) {
                Runnable dropped = oldest.task;
                oldest.task = null;
                rejected.increment();
                try {
                    enqueueReserved(task); // in the dropped task's slot, which this thread now holds
                } finally {
                    cancelIfFuture(dropped);
                }
                return;
            }
            if (reserveSlot()) {
                enqueueReserved(task);
                return;
            }
            // Full, yet nothing to drop: producers hold slots they are about to fill, or workers have
            // taken tasks and not yet given their slots back. Either finishes in a few instructions.
            Thread.onSpinWait();
        }
    }

    private static void cancelIfFuture(Runnable task) {
        if (task instanceof Future<?> future) {
            future.cancel(false);
        }
    }

    private RejectedExecutionException rejectShutDown() {
        rejected.increment();
        return new RejectedExecutionException("task rejected: the pool is shut down");
    }

    // ---------------------------------------------------------------- queue

    /** Takes a queue slot if the queue is below capacity. */
    private boolean reserveSlot() {
        int s;
        do {
            s = size;
            if (s >= capacity) {
                return false;
            }
        } while (!SIZE.weakCompareAndSet(this, s, s + 1));
        return true;
    }

    /** Appends {@code node} (a task, or CLOSED); false if the queue is already closed. */
    private boolean link(Node node) {
        Node t = tail;
        Node p = t;
        while (true) {
            Node q = p.next;
            if (q == null) {
                if (NEXT.compareAndSet(p, null, node)) {
                    TAIL.compareAndSet(this, t, node); // may fail: tail only ever lags, and others advance it
                    return true;
                }
            } else if (q == CLOSED) {
                return false;
            } else if (q == p) {
                p = head; // p was taken and self-linked: the live list starts at head
            } else {
                p = q;
            }
        }
    }

    /** Closes the queue: nothing links after this returns. Idempotent. */
    private void closeQueue() {
        link(CLOSED);
    }

    /** Takes the oldest task's node; null if the queue is empty, CLOSED if it is closed and empty. */
    private Node dequeue() {
        while (true) {
            Node h = head;
            Node q = h.next;
            if (q == null || q == CLOSED) {
                return q;
            }
            if (q != h && HEAD.compareAndSet(this, h, q)) {
                NEXT.setRelease(h, h);
                return q;
            }
        }
    }

    /** Whether the queue is closed and every task accepted before the close has been taken. */
    private boolean drained() {
        while (true) {
            Node h = head;
            Node q = h.next;
            if (q != h) {
                return q == CLOSED;
            }
        }
    }

    /** Wakes one idle worker, if any is waiting. */
    private void signalIdleWorker() {
        Waiter w;
        while ((w = idle) != null) {
            if (IDLE.compareAndSet(this, w, w.next) && w.signal()) {
                return;
            }
        }
    }

    /** Wakes every idle worker: called after closing the queue or stopping. */
    private void signalAllIdleWorkers() {
        for (Waiter w = (Waiter) IDLE.getAndSet(this, null); w != null; w = w.next) {
            w.signal();
        }
    }

    // ---------------------------------------------------------------- workers

    /**
     * Starts one worker if the state and the count allow: RUNNING and below {@code threads}; or, with
     * {@code forQueuedTasks}, SHUTDOWN with tasks still queued. The worker runs {@code firstTask}, if
     * not null, before it turns to the queue; the task is accepted by the CAS that counts the worker,
     * which a shutdown (a CAS on the same word) either precedes, and then no worker starts, or follows.
     *
     * @return whether a worker was started (and given {@code firstTask})
     * @throws WorkerStartFailure if the factory threw or returned null, or the thread did not start;
     *                            the pool is then as before the call
     */
    private boolean addWorker(boolean forQueuedTasks, Runnable firstTask) throws WorkerStartFailure {
        while (true) {
            long c = ctl;
            int state = stateOf(c);
            if (state >= STOP || workersOf(c) >= threads) {
                return false;
            }
            if (state == SHUTDOWN && (!forQueuedTasks || drained())) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c + 1)) {
                break;
            }
        }
        Worker w = new Worker(this);
        Thread thread;
        try {
            thread = threadFactory.newThread(w);
            if (thread == null) {
                throw new NullPointerException("the thread factory returned null");
            }
        } catch (Throwable failure) {
            workerGone();
            throw new WorkerStartFailure(failure);
        }
        if (thread.getState() != Thread.State.NEW) { // the factory started it: it must not run our loop
            workerGone();
            throw new WorkerStartFailure(
                    new IllegalThreadStateException("the thread factory returned a started thread"));
        }
        w.thread = thread;
        w.firstTask = firstTask;
        Worker first;
        do {
            first = workers;
            w.nextCreated = first;
        } while (!WORKERS.compareAndSet(this, first, w));
        try {
            w.launched = true;
            thread.start();
        } catch (Throwable failure) { // out of native threads
            w.firstTask = null;
            workerGone();
            throw new WorkerStartFailure(failure);
        }
        return true;
    }

    /**
     * Starts a worker for tasks that are queued with no worker alive to run them, if the pool may.
     * A failure is left to the next attempt (the next execute, or shutdownNow, which returns them).
     */
    private void startWorkerForQueuedTasks() {
        try {
            addWorker(true, null);
        } catch (WorkerStartFailure ignored) {
            // the tasks stay queued: see the class doc on factory failures
        }
    }

    /** A worker could not be started; the cause is the factory's exception or Thread.start's. */
    private static final class WorkerStartFailure extends Exception {
        WorkerStartFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** Gives back a worker's count (it exited, or never started) and terminates if that was the last. */
    private void workerGone() {
        CTL.getAndAdd(this, -1L);
        tryTerminate();
    }

    /** The body of every worker thread. */
    private void runWorker(Worker w) {
        Thread me = Thread.currentThread();
        boolean normalExit = false;
        try {
            Runnable first = w.firstTask;
            if (first != null) {
                w.firstTask = null;
                runTask(w, me, first, 0L); // accepted when this worker was counted: runs even if stopping
            }
            while (stateOf(ctl) < STOP) {
                Node n = dequeue();
                if (n == CLOSED) {
                    break;
                }
                if (n == null) {
                    awaitWork();
                } else {
                    SIZE.getAndAdd(this, -1);
                    if (idle != null) {
                        Node more = n.next;
                        if (more != null && more != CLOSED && more != n) {
                            signalIdleWorker(); // more work queued behind this task: wake a helper
                        }
                    }
                    Runnable task = n.task;
                    n.task = null; // n stays in the queue as its dummy head: do not keep the task reachable
                    runTask(w, me, task, System.nanoTime() - n.enqueuedNanos);
                }
            }
            normalExit = true;
        } finally {
            CTL.getAndAdd(this, -1L);
            if (!normalExit) {
                startWorkerForQueuedTasks(); // died of an error in the pool's own code: replace it if needed
            }
            tryTerminate();
        }
    }

    /** Waits until the queue is not empty (a task, or closed) or the pool stops. */
    private void awaitWork() {
        Waiter w = new Waiter(Thread.currentThread());
        Waiter top;
        do {
            top = idle;
            w.next = top;
        } while (!IDLE.compareAndSet(this, top, w));
        while (true) {
            if (head.next != null || stateOf(ctl) >= STOP) {
                if (!IDLE.compareAndSet(this, w, w.next)) { // still on top (the usual case): take it off
                    w.cancel(); // else leave it, cancelled, for a pop to skip (or, if signalled, ignore that)
                }
                return;
            }
            LockSupport.park(this);
            if (w.isSignalled()) {
                return;
            }
            // A spurious wake-up, or an interrupt: the pool wakes workers with signals, and an idle
            // worker has no task to pass an interrupt to. Clear it (park would not block again), but
            // keep shutdownNow's: the check above then sees STOP and the worker exits interrupted.
            if (Thread.interrupted() && stateOf(ctl) >= STOP) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs one task on worker {@code w} (the current thread, {@code me}) that waited {@code waitNanos} queued. */
    private void runTask(Worker w, Thread me, Runnable task, long waitNanos) {
        Worker.WAIT_NANOS.setOpaque(w, w.waitNanos + waitNanos);
        if (stateOf(ctl) >= STOP) {
            if (!me.isInterrupted()) {
                me.interrupt();
            }
        } else if (Thread.interrupted() && stateOf(ctl) >= STOP) {
            me.interrupt(); // the status just cleared was shutdownNow's: keep it (W3)
        }
        Worker.BUSY.setOpaque(w, true);
        try {
            task.run();
        } catch (Throwable failure) {
            try {
                me.getUncaughtExceptionHandler().uncaughtException(me, failure);
            } catch (Throwable ignored) {
                // As the JVM ignores an exception thrown by a dying thread's handler.
            }
        } finally {
            Worker.BUSY.setOpaque(w, false);
            Worker.COMPLETED.setRelease(w, w.completed + 1); // publishes busy == false with it
        }
    }

    // ---------------------------------------------------------------- shutdown and termination

    /**
     * Stops accepting tasks; the workers run every task already queued, then exit. Does not wait:
     * use {@link #awaitTermination} for that. Idempotent; may be called from a task of this pool.
     */
    @Override
    public void shutdown() {
        advanceRunState(SHUTDOWN);
        closeQueue();
        signalAllIdleWorkers();
        if (workersOf(ctl) == 0) {
            startWorkerForQueuedTasks(); // a task accepted in a race with this shutdown while no worker was alive
        }
        tryTerminate();
    }

    /**
     * Stops accepting tasks, interrupts every worker (and so every running task), and removes and
     * returns the tasks that never started, in queue order. Tasks already running finish in their
     * own time (the interrupt is a request); returned tasks are neither run nor cancelled. Concurrent
     * calls split the unstarted tasks between them. Does not wait for running tasks to finish.
     *
     * @return the tasks that were queued and never started, as they were queued (for {@code submit},
     *         the {@code FutureTask}s)
     */
    @Override
    public List<Runnable> shutdownNow() {
        advanceRunState(STOP);
        closeQueue();
        signalAllIdleWorkers();
        for (Worker w = workers; w != null; w = w.nextCreated) {
            w.thread.interrupt();
        }
        List<Runnable> unstarted = new ArrayList<>();
        Node n;
        while ((n = dequeue()) != CLOSED && n != null) {
            SIZE.getAndAdd(this, -1);
            unstarted.add(n.task);
            n.task = null;
        }
        tryTerminate();
        return unstarted;
    }

    private void advanceRunState(int target) {
        while (true) {
            long c = ctl;
            if (stateOf(c) >= target || CTL.compareAndSet(this, c, ctlOf(target, workersOf(c)))) {
                return;
            }
        }
    }

    /** Moves to TERMINATED if shut down, with no worker and nothing queued (W2). */
    private void tryTerminate() {
        while (true) {
            long c = ctl;
            int state = stateOf(c);
            if (state == RUNNING || state == TERMINATED || workersOf(c) != 0 || !drained()) {
                return;
            }
            if (CTL.compareAndSet(this, c, ctlOf(TERMINATED, 0))) {
                terminationLatch.countDown();
                return;
            }
        }
    }

    /** Whether {@link #shutdown()} or {@link #shutdownNow()} has been called. */
    @Override
    public boolean isShutdown() {
        return stateOf(ctl) >= SHUTDOWN;
    }

    /**
     * Whether the pool is shut down, every accepted task has been run or returned by
     * {@link #shutdownNow()}, and every thread the pool created has ended.
     */
    @Override
    public boolean isTerminated() {
        if (terminationLatch.getCount() != 0) {
            return false;
        }
        if (threadsEnded) {
            return true;
        }
        for (Worker w = workers; w != null; w = w.nextCreated) {
            if (w.thread.isAlive()) {
                return false;
            }
        }
        threadsEnded = true;
        return true;
    }

    /**
     * Waits until the pool has terminated ({@link #isTerminated()}), the timeout elapses, or the
     * caller is interrupted. Called from a task of this pool it cannot succeed (see the class doc).
     *
     * @return {@code true} if terminated, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted while waiting (or on entry)
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        long start = System.nanoTime();
        if (!terminationLatch.await(nanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (threadsEnded) {
            return true;
        }
        for (Worker w = workers; w != null; w = w.nextCreated) {
            Thread t = w.thread;
            if (t.getState() == Thread.State.NEW) {
                continue; // its start failed: it never ran (join would throw)
            }
            long remaining = nanos - (System.nanoTime() - start);
            if (!t.join(Duration.ofNanos(Math.max(0L, remaining)))) {
                return false;
            }
        }
        threadsEnded = true;
        return true;
    }

    /**
     * Shuts down and waits for termination, as {@link java.util.concurrent.ExecutorService#close()}
     * specifies: if interrupted while waiting, calls {@link #shutdownNow()}, keeps waiting, and
     * returns with the interrupt status set. Called from a task of this pool it only shuts down and
     * returns: the pool cannot terminate while that task runs.
     */
    @Override
    public void close() {
        Thread me = Thread.currentThread();
        for (Worker w = workers; w != null; w = w.nextCreated) {
            if (w.thread == me) {
                shutdown();
                return;
            }
        }
        super.close();
    }

    // ---------------------------------------------------------------- metrics

    /**
     * A snapshot of the pool's counters: exact when the pool is quiescent, read value by value (not
     * atomically) while it works.
     */
    public Metrics metrics() {
        int active = 0;
        long completed = 0;
        long waitNanos = 0;
        for (Worker w = workers; w != null; w = w.nextCreated) {
            completed += (long) Worker.COMPLETED.getAcquire(w); // first: a counted task is seen not busy
            if ((boolean) Worker.BUSY.getOpaque(w)) {
                active++;
            }
            waitNanos += (long) Worker.WAIT_NANOS.getOpaque(w);
        }
        return new Metrics(workersOf(ctl), active, Math.max(0, size), completed, rejected.get(), waitNanos);
    }

    /**
     * The pool's counters at one moment (see {@link #metrics()}).
     *
     * @param threads        worker threads alive now (started and not exited), at most
     *                       {@link #threads()}
     * @param active         workers running a task now
     * @param queued         tasks waiting in the queue (including any being added at this instant)
     * @param completed      tasks run by workers whose {@code run()} has returned, normally or not
     *                       (tasks run by a caller under {@code CALLER_RUNS} are not counted)
     * @param rejected       rejections: each {@code RejectedExecutionException}, each task run by
     *                       its caller or discarded by the policy
     * @param queueWaitNanos total nanoseconds that the tasks workers have started spent queued
     */
    public record Metrics(int threads, int active, int queued, long completed, long rejected,
                          long queueWaitNanos) {
    }

    @Override
    public String toString() {
        Metrics m = metrics();
        return "FixedThreadPool[" + STATE_NAMES[stateOf(ctl)] + ", threads=" + m.threads() + "/" + threads
                + ", active=" + m.active() + ", queued=" + m.queued()
                + (capacity == UNBOUNDED ? "" : "/" + capacity) + ", completed=" + m.completed()
                + ", rejected=" + m.rejected() + ", policy=" + rejection + "]";
    }

    // ---------------------------------------------------------------- ctl packing

    private static long ctlOf(int state, int workers) {
        return (long) state << 32 | workers;
    }

    private static int stateOf(long c) {
        return (int) (c >>> 32);
    }

    private static int workersOf(long c) {
        return (int) c;
    }

    // ---------------------------------------------------------------- nested types

    /**
     * Configures a {@link FixedThreadPool}. Defaults: {@code threads} = the number of available
     * processors, {@code queueCapacity} = {@link #UNBOUNDED}, {@code rejection} =
     * {@link RejectionPolicy#ABORT}, {@code threadFactory} = non-daemon platform threads named
     * {@code FixedThreadPool-P-worker-N}. Each setter checks its argument at once and, if it is bad,
     * throws and keeps the previous value. Not thread-safe; {@link #build()} may be called more than
     * once, making independent pools.
     */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private int queueCapacity = UNBOUNDED;
        private RejectionPolicy rejection = RejectionPolicy.ABORT;
        private ThreadFactory threadFactory; // null: a fresh default factory per pool

        private Builder() {
        }

        /**
         * The number of worker threads.
         *
         * @throws IllegalArgumentException if {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * The most tasks that may wait in the queue; {@link #UNBOUNDED} for no bound.
         *
         * @throws IllegalArgumentException if {@code capacity < 1}
         */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("queue capacity must be at least 1: " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * What to do with a task when the queue is full.
         *
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder rejection(RejectionPolicy policy) {
            this.rejection = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Where worker threads come from, e.g. {@code Thread.ofVirtual().name("worker-", 1).factory()}.
         *
         * @throws NullPointerException if {@code factory} is null
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** A new pool with this configuration; it starts no thread until its first task. */
        public FixedThreadPool build() {
            return new FixedThreadPool(this);
        }
    }

    /** A queue node: a task and when it was queued. The task is cleared once taken. */
    private static final class Node {
        Runnable task;                // written before the node is linked; cleared by its taker
        final long enqueuedNanos;
        volatile Node next;           // null at the end; itself once taken; CLOSED after the last task

        Node(Runnable task, long enqueuedNanos) {
            this.task = task;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /** An idle worker's wait, one per idle episode: WAITING, then SIGNALLED by a producer or CANCELLED by itself. */
    private static final class Waiter {

        private static final int WAITING = 0;
        private static final int SIGNALLED = 1;
        private static final int CANCELLED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        Waiter next;            // written before this waiter is pushed, then fixed
        volatile int state;     // WAITING -> SIGNALLED or CANCELLED, once

        Waiter(Thread thread) {
            this.thread = thread;
        }

        /** Wakes the worker if it still waits; false if it had cancelled (or was signalled already). */
        boolean signal() {
            if (STATE.compareAndSet(this, WAITING, SIGNALLED)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        void cancel() {
            STATE.compareAndSet(this, WAITING, CANCELLED);
        }

        boolean isSignalled() {
            return state == SIGNALLED;
        }
    }

    /** One worker: its thread and its own counters (written only by that thread). */
    private static final class Worker implements Runnable {

        static final VarHandle BUSY;
        static final VarHandle COMPLETED;
        static final VarHandle WAIT_NANOS;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                BUSY = l.findVarHandle(Worker.class, "busy", boolean.class);
                COMPLETED = l.findVarHandle(Worker.class, "completed", long.class);
                WAIT_NANOS = l.findVarHandle(Worker.class, "waitNanos", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final FixedThreadPool pool;
        Thread thread;          // set before this worker is published in `workers`, then fixed
        Worker nextCreated;     // set before this worker is published, then fixed
        boolean launched;       // set just before the pool starts `thread` (start() publishes it)
        Runnable firstTask;     // the task that started this worker, run before the queue; set before start()
        boolean busy;           // opaque; running a task
        long completed;         // release/acquire; tasks whose run() returned
        long waitNanos;         // opaque; total queue wait of the tasks it took

        Worker(FixedThreadPool pool) {
            this.pool = pool;
        }

        /** Runs the worker loop, only in the thread the pool started for it (not in one a factory started). */
        @Override
        public void run() {
            if (launched && Thread.currentThread() == thread) {
                pool.runWorker(this);
            }
        }

        @Override
        public String toString() {
            return "FixedThreadPool worker";
        }
    }
}

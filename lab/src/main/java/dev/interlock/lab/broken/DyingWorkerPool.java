package dev.interlock.lab.broken;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * BROKEN on purpose: the guide's first thread pool, a fixed set of workers looping on
 * {@code queue.take(); task.run();}, with nothing around {@code run()}. A task that throws ends its
 * worker's loop, so the exception kills the thread (its uncaught-exception handler reports it), and
 * nothing starts a replacement: every failing task shrinks the pool by one. After as many failures
 * as there were workers the pool has no thread left, yet it keeps accepting tasks, which wait in the
 * queue for ever. No error says so: the failures were reported one by one, long before the tasks
 * that are lost.
 *
 * <p>The fix ({@code dev.interlock.exec.FixedThreadPool}): catch whatever the task throws, hand it to
 * the handler, and go on with the same thread. ({@code ThreadPoolExecutor} instead lets the thread
 * die and starts a new one: the pool keeps its size, at the cost of a thread per failure.)
 */
public final class DyingWorkerPool {

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean shutDown;

    /** Starts {@code threads} workers from {@code factory} at once. */
    public DyingWorkerPool(int threads, ThreadFactory factory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        Objects.requireNonNull(factory, "factory");
        for (int i = 0; i < threads; i++) {
            Thread t = factory.newThread(this::work);
            workers.add(t);
            liveWorkers.incrementAndGet();
            t.start();
        }
    }

    private void work() {
        try {
            while (!shutDown) {
                Runnable task = queue.take();
                task.run(); // the bug: an exception here ends the loop, and the thread, for good
            }
        } catch (InterruptedException e) {
            // shutdownNow: stop
        } finally {
            liveWorkers.decrementAndGet();
        }
    }

    /** Queues {@code task}, even when no worker is left to run it. */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutDown) {
            throw new RejectedExecutionException("shut down");
        }
        queue.add(task);
    }

    /** Workers still alive: drops by one per failed task. */
    public int liveWorkers() {
        return liveWorkers.get();
    }

    /** Tasks waiting in the queue. */
    public int queued() {
        return queue.size();
    }

    /** Stops the workers still alive and returns the tasks never started. */
    public List<Runnable> shutdownNow() {
        shutDown = true;
        workers.forEach(Thread::interrupt);
        List<Runnable> unstarted = new ArrayList<>();
        queue.drainTo(unstarted);
        return unstarted;
    }
}

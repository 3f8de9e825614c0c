package dev.interlock.lab.broken;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * BROKEN on purpose: a work queue (a bounded buffer drained by consumer threads that run a handler)
 * whose {@code close()} stops the consumers without draining. Each consumer loops
 * {@code while (running)}, polling the buffer with a short timeout; {@code close()} clears the flag
 * and joins them. Everything still waiting in the buffer at that moment was accepted, since
 * {@code submit} returned, and is never delivered nor returned: lost, silently.
 *
 * <p>Everything else is the usual code: a JDK {@code ArrayBlockingQueue}, a volatile flag, a handler
 * whose exceptions are caught. The fix ({@code dev.interlock.exec.WorkQueue}) lets a consumer exit only
 * when the queue is closed <i>and</i> empty, decided under the lock that also guards intake. This one
 * has a second, rarer bug of the same family: {@code submit} checks the flag, then puts, so an item can
 * slip in after {@code close()} has stopped the consumers.
 *
 * <p>Its waits honour interrupts, so a lab run that it wedges (a producer blocked on a full buffer
 * nobody drains any more) ends when the lab interrupts it. Nothing outside the lab may use it.
 *
 * @param <T> the type of the items
 */
public final class CloseWithoutDrainQueue<T> {

    /** How long an idle consumer waits for an item before it checks the flag again. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BlockingQueue<T> buffer;
    private final Consumer<? super T> handler;
    private final List<Thread> consumers = new ArrayList<>();
    private volatile boolean running = true;

    public CloseWithoutDrainQueue(int capacity, int consumers, ThreadFactory factory, Consumer<? super T> handler) {
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.handler = Objects.requireNonNull(handler, "handler");
        for (int i = 0; i < consumers; i++) {
            this.consumers.add(factory.newThread(this::consume));
        }
        this.consumers.forEach(Thread::start);
    }

    private void consume() {
        while (running) { // BUG: exits on the flag alone, leaving whatever is still in the buffer
            T item;
            try {
                item = buffer.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                continue; // shutdownNow: the loop checks the flag
            }
            if (item != null) {
                try {
                    handler.accept(item);
                } catch (RuntimeException e) {
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
                }
            }
        }
    }

    /** Accepts {@code item}, waiting while full. */
    public void submit(T item) throws InterruptedException {
        if (!running) {
            throw new IllegalStateException("closed");
        }
        buffer.put(item); // second bug: close() may have run since the check
    }

    /** Accepts {@code item} if there is room within {@code timeout}. */
    public boolean offer(T item, Duration timeout) throws InterruptedException {
        if (!running) {
            throw new IllegalStateException("closed");
        }
        return buffer.offer(item, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the consumers and waits for them. BROKEN: does not drain; see the class doc. */
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : consumers) {
            t.join();
        }
    }

    /** Stops the consumers; returns the items still in the buffer (this part is right). */
    public List<T> shutdownNow() {
        running = false;
        List<T> leftovers = new ArrayList<>();
        buffer.drainTo(leftovers);
        consumers.forEach(Thread::interrupt);
        return leftovers;
    }

    public boolean isClosed() {
        return !running;
    }

    /** Items in the buffer now: after close(), the lost ones. */
    public int queueDepth() {
        return buffer.size();
    }
}

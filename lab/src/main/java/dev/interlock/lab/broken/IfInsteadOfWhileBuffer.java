package dev.interlock.lab.broken;

import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * BROKEN on purpose: the guide's bounded buffer with {@code if} where {@code while} belongs around each
 * condition wait. Everything else is right: one lock, two conditions, {@code signal()} on every change.
 *
 * <p>How it breaks: a consumer waiting in {@code take()} on an empty buffer is signalled when a
 * producer inserts, but before it re-acquires the (non-fair) lock another consumer barges in and takes
 * the element. The woken consumer does not check again: it dequeues from an empty buffer, gets
 * {@code null} and drives the count to -1, after which the count no longer matches the slots, so
 * producers overwrite live elements (lost items) and consumers read empty slots (more {@code null}s).
 * Full buffers break the same way for {@code put}. Spurious wake-ups, which {@code Condition} permits,
 * do the same without any barging.
 *
 * <p>It still honours interrupts (its waits are {@code Condition.await}), so a lab run that it wedges
 * ends when the lab interrupts it. Nothing outside the lab may use it.
 */
public final class IfInsteadOfWhileBuffer<E> extends AbstractQueue<E> implements BlockingQueue<E> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Object[] items;
    private int takeIndex; // guarded by lock
    private int putIndex;  // guarded by lock
    private int count;     // guarded by lock; goes wrong once the bug hits

    public IfInsteadOfWhileBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        items = new Object[capacity];
    }

    @Override
    public void put(E e) throws InterruptedException {
        Objects.requireNonNull(e);
        lock.lockInterruptibly();
        try {
            if (count == items.length) { // BUG: must be while
                notFull.await();
            }
            enqueue(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (count == 0) { // BUG: must be while
                notEmpty.await();
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e);
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            if (count == items.length) { // BUG: must be a while loop on the remaining time
                if (nanos <= 0L) {
                    return false;
                }
                notFull.awaitNanos(nanos);
            }
            enqueue(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            if (count == 0) { // BUG: must be a while loop on the remaining time
                if (nanos <= 0L) {
                    return null;
                }
                notEmpty.awaitNanos(nanos);
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e);
        lock.lock();
        try {
            if (count == items.length) {
                return false;
            }
            enqueue(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public E poll() {
        lock.lock();
        try {
            return count == 0 ? null : dequeue();
        } finally {
            lock.unlock();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E peek() {
        lock.lock();
        try {
            return count == 0 ? null : (E) items[takeIndex];
        } finally {
            lock.unlock();
        }
    }

    /** The count as the buffer believes it; negative or above capacity once the bug has hit. */
    @Override
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int remainingCapacity() {
        lock.lock();
        try {
            return items.length - count;
        } finally {
            lock.unlock();
        }
    }

    /** The non-null slots, in array order from the take index: what the buffer physically holds. */
    @Override
    @SuppressWarnings("unchecked")
    public Iterator<E> iterator() {
        List<E> held = new ArrayList<>();
        lock.lock();
        try {
            for (int k = 0; k < items.length; k++) {
                Object o = items[(takeIndex + k) % items.length];
                if (o != null) {
                    held.add((E) o);
                }
            }
        } finally {
            lock.unlock();
        }
        return held.iterator();
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        int n = 0;
        E e;
        while (n < maxElements && (e = poll()) != null) {
            c.add(e);
            n++;
        }
        return n;
    }

    private void enqueue(E e) {
        items[putIndex] = e; // overwrites a live element if the buffer is really full
        putIndex = (putIndex + 1) % items.length;
        count++;
        notEmpty.signal();
    }

    @SuppressWarnings("unchecked")
    private E dequeue() {
        E e = (E) items[takeIndex]; // null if the buffer is really empty
        items[takeIndex] = null;
        takeIndex = (takeIndex + 1) % items.length;
        count--;
        notFull.signal();
        return e;
    }
}

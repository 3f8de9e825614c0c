package dev.interlock.lab.broken;

import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * BROKEN on purpose: a ring buffer with no lock, whose every operation checks the count and then acts
 * on it. The fields are {@code volatile} and the slots are an {@link AtomicReferenceArray}, so every
 * thread sees every write: visibility is not the problem here, atomicity is.
 *
 * <p>How it breaks: two producers that both see room both write the same tail slot (one item is lost)
 * and both bump the tail and the count from the same old values (a lost update); two consumers that
 * both see an element both read the same head slot (one item is delivered twice) or read a slot
 * another consumer just cleared ({@code null}). Once the count is wrong it stays wrong, and the
 * buffer drifts into delivering nulls or wedging.
 *
 * <p>Waiting is a short spin, then a loop of {@link Thread#yield()}, checking the interrupt status
 * throughout, so a run that it wedges ends when it is interrupted. Shown failing by jcstress
 * ({@code BoundedBufferStress.CheckThenActTwoOffersOneSlot}: both offers win a one-slot buffer). Not in
 * the lab's {@code bounded-buffer} run: there it was caught in only about 60% of runs (the races need
 * two producers or two consumers on both cores at once). Nothing outside the lab and the proofs may
 * use it.
 */
public final class CheckThenActRingBuffer<E> extends AbstractQueue<E> implements BlockingQueue<E> {

    /** Busy-wait iterations before a waiting thread starts yielding its processor. */
    private static final int SPINS_BEFORE_YIELD = 2_000;

    private final AtomicReferenceArray<E> slots;
    private volatile int head;
    private volatile int tail;
    private volatile int count;

    public CheckThenActRingBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        slots = new AtomicReferenceArray<>(capacity);
    }

    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e);
        if (count >= slots.length()) { // check ...
            return false;
        }
        int t = tail;                  // ... then act: another producer may be here too
        slots.set(t, e);
        tail = (t + 1) % slots.length();
        count++;                       // read-modify-write: not atomic
        return true;
    }

    @Override
    public E poll() {
        if (count <= 0) {              // check ...
            return null;
        }
        int h = head;                  // ... then act: another consumer may be here too
        E e = slots.get(h);
        slots.set(h, null);
        head = (h + 1) % slots.length();
        count--;
        return e;
    }

    @Override
    public void put(E e) throws InterruptedException {
        for (int spins = 0; !offer(e); spins++) {
            spin(spins);
        }
    }

    @Override
    public E take() throws InterruptedException {
        for (int spins = 0; count <= 0; spins++) {
            spin(spins);
        }
        return poll(); // may be null: another consumer may have emptied it in between
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (int spins = 0; !offer(e); spins++) {
            if (deadline - System.nanoTime() <= 0) {
                return false;
            }
            spin(spins);
        }
        return true;
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        E e;
        for (int spins = 0; (e = poll()) == null; spins++) {
            if (deadline - System.nanoTime() <= 0) {
                return null;
            }
            spin(spins);
        }
        return e;
    }

    /** Busy-waits briefly, then yields: pure spinning starves the awaited thread on a busy machine. */
    private static void spin(int spins) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public E peek() {
        return count <= 0 ? null : slots.get(head);
    }

    /** The count as the buffer believes it; may be negative or above capacity once it has drifted. */
    @Override
    public int size() {
        return count;
    }

    @Override
    public int remainingCapacity() {
        return slots.length() - count;
    }

    /** The non-null slots, from the head: what the buffer physically holds. */
    @Override
    public Iterator<E> iterator() {
        List<E> held = new ArrayList<>();
        int h = head;
        for (int k = 0; k < slots.length(); k++) {
            E e = slots.get((h + k) % slots.length());
            if (e != null) {
                held.add(e);
            }
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
}

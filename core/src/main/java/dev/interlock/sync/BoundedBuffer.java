package dev.interlock.sync;

import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded, FIFO {@link BlockingQueue} over a fixed array: the guide's producer-consumer buffer, one
 * lock and two conditions. Producers that find it full wait until a consumer frees a slot; consumers
 * that find it empty wait until a producer fills one.
 *
 * <p>It follows {@link java.util.concurrent.ArrayBlockingQueue}'s documented behaviour method for
 * method: {@code null} elements are refused with {@link NullPointerException} ({@code contains(null)}
 * and {@code remove(null)} return {@code false}); {@link #add} on a full buffer throws
 * {@link IllegalStateException}, {@link #offer(Object)} returns {@code false}, {@link #put} waits. The
 * buffer and its iterator implement every optional {@link java.util.Collection} and {@link Iterator}
 * method.
 *
 * <h2>Capacity</h2>
 * Fixed at construction, at least 1; {@code remainingCapacity() + size() == capacity()} at every
 * instant (two separate calls may of course straddle other threads' changes). put and take are O(1);
 * {@code remove(Object)}, {@code contains} and {@code Iterator.remove()} are O(n).
 *
 * <h2>Fairness</h2>
 * The lock is non-fair, and there is no fair option. A thread woken from a condition must re-acquire
 * the lock, and a running thread may take it (and the slot or element it was woken for) first; the
 * woken thread then checks again and waits again. That barging keeps the lock with threads already on
 * a core instead of handing it to a parked one for every operation, which is where a fair lock loses
 * its throughput. The cost: no bound on how often a waiting producer or consumer may be overtaken,
 * though waiters on one condition are woken in the order they began waiting.
 *
 * <h2>Interruption</h2>
 * {@link #put}, {@link #take} and the timed {@link #offer(Object, long, TimeUnit) offer} and
 * {@link #poll(long, TimeUnit) poll} throw {@link InterruptedException}, with the thread's interrupt
 * status cleared, if the thread is interrupted on entry or while it waits (for the lock or for a
 * condition), even when the call could have completed at once. A waiter that had already been woken
 * when the interrupt arrived goes on with its interrupt status set: it completes if its element or
 * slot is still there, and throws {@code InterruptedException} if it would have to wait again. The
 * other methods never wait for more than the lock's brief critical sections and ignore interrupts.
 *
 * <h2>Timeouts</h2>
 * A timed call that gives up has waited at least its timeout (measured by {@link System#nanoTime()}):
 * it never returns early on a spurious or stolen wake-up. A timeout of zero or less means "do not
 * wait": the call then behaves as {@link #offer(Object)} or {@link #poll()}, except that it still
 * checks the interrupt status.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it places an element in the buffer <i>happen-before</i> actions after
 * another thread accesses or removes that element: the element's fields, even plain ones, are seen
 * as they were when it was inserted.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>Every single method is atomic, including {@link #drainTo(Collection) drainTo},
 *       {@link #clear()} and both {@code toArray}s (a snapshot). The bulk operations inherited from
 *       {@link java.util.AbstractCollection} ({@code addAll}, {@code containsAll}, {@code removeAll},
 *       {@code retainAll}, {@code removeIf}) are not: they are loops of single operations, and other
 *       threads' changes may interleave. {@code addAll} can fail part-way on a full buffer.</li>
 *   <li>Iterators (and the spliterator, and {@code forEach}) are <i>weakly consistent</i>: they never
 *       throw {@link java.util.ConcurrentModificationException}; they return elements in FIFO order,
 *       each insertion of an element at most once; every element that stays in the buffer from the
 *       iterator's creation until the iteration reaches it is returned; elements inserted after the
 *       creation may or may not be. An element is returned if it was present when the iterator moved
 *       to it (at creation or the previous {@code next()}), so it may have been removed by the time
 *       {@code next()} returns it. {@code hasNext()} never changes from {@code false} to
 *       {@code true}. An iterator is for one thread at a time.</li>
 *   <li>{@link Iterator#remove()} removes exactly the element the iterator last returned, the very
 *       insertion, if it is still in the buffer, and does nothing otherwise: an equal (or identical)
 *       element inserted at another time is never removed in its place.</li>
 *   <li>{@code drainTo} calls the target's {@code add} while holding this buffer's lock (that is what
 *       makes it atomic); if {@code add} throws, the elements already transferred are in the target
 *       and the rest are still here. {@code contains} and {@code remove(Object)} call
 *       {@code equals} under the lock. No other foreign code runs under it.</li>
 *   <li>No fairness (above): a producer or consumer can in principle wait for ever while others
 *       keep being served.</li>
 * </ul>
 *
 * <h2>Sample usage</h2>
 * As run by {@code BoundedBufferTest.sampleUsage}:
 * <pre>{@code
 * BoundedBuffer<Job> jobs = new BoundedBuffer<>(64);
 * // producer                               // consumer
 * jobs.put(job);   // waits while full       Job j = jobs.take();   // waits while empty
 * }</pre>
 *
 * @param <E> the type of elements held
 */
public final class BoundedBuffer<E> extends AbstractQueue<E> implements BlockingQueue<E> {

    /*
     * Implementation notes.
     *
     * Ring: `items` holds the elements at slots head, head+1, ..., head+count-1 (mod capacity), in FIFO
     * order; every other slot is null. An element's position is its offset from the head (0 = head);
     * slot(offset) maps it to an array index. `tail` is slot(count), the slot the next insertion fills,
     * kept in a field so that put computes nothing. put and take are O(1): write the tail slot or clear
     * the head slot. Removing an element from the middle shifts the elements behind it one place toward
     * the head (the head stays put, the tail moves back one).
     *
     * Stamps: every insertion takes the next value of `nextStamp` (0, 1, 2, ...; 2^63 insertions
     * before it could wrap), stored beside the element in `stamps` and moved with it by shifts. So:
     *   (S1) a stamp names one insertion for ever: no two insertions share one, even of the same
     *        object into the same slot;
     *   (S2) stamps strictly increase from the head to the tail (insertions go to the tail; removals
     *        and shifts keep the order), so an element is found by stamp with a binary search.
     *
     * Iterators keep stamps, never slot indexes, so nothing the buffer does can invalidate them and
     * the buffer keeps no list of its iterators. An iterator holds the element next() will return
     * (with its stamp) and the stamp of the element it returned last. To advance, it takes the lock
     * and moves to the first element whose stamp exceeds the last one returned: FIFO order and "each
     * insertion at most once" follow from (S2), and an element present throughout is never skipped.
     * remove() finds the last stamp by binary search and removes that slot if the stamp is still
     * there; by (S1) it cannot hit another insertion of an equal or identical element. Cost: O(log n)
     * under the lock per next().
     *
     * Conditions: every insertion signals notEmpty once, every removal signals notFull once; each
     * wakes one waiter for the one element or slot it made. Waiters re-check in a loop (another thread
     * may have barged in first, and wake-ups may be spurious); timed waiters loop on the remaining time
     * that awaitNanos returns, so they never give up early. A waiter signalled and then interrupted or
     * timed out does not lose the signal: AQS completes a signalled await normally, and the loop then
     * uses the element or slot, or another thread already did.
     *
     * Invariants, whenever the lock is free: 0 <= count <= capacity; 0 <= head < capacity;
     * tail == slot(count); exactly the count slots from head are non-null; (S1) and (S2).
     */

    /** The stamp of no element: "nothing returned yet" for an iterator. Real stamps are >= 0. */
    private static final long NO_STAMP = -1L;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an element is inserted; consumers wait on it while the buffer is empty. */
    private final Condition notEmpty = lock.newCondition();
    /** Signalled when an element is removed; producers wait on it while the buffer is full. */
    private final Condition notFull = lock.newCondition();

    private final Object[] items;   // contents guarded by lock
    private final long[] stamps;    // contents guarded by lock; stamps[i] belongs to items[i]
    private int head;               // guarded by lock; slot of the first element
    private int tail;               // guarded by lock; slot the next insertion fills: slot(count)
    private int count;              // guarded by lock
    private long nextStamp;         // guarded by lock

    /**
     * An empty buffer that holds at most {@code capacity} elements.
     *
     * @param capacity the most elements the buffer holds, at least 1
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public BoundedBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.items = new Object[capacity];
        this.stamps = new long[capacity];
    }

    /**
     * The most elements this buffer holds.
     *
     * @return the capacity given at construction
     */
    public int capacity() {
        return items.length;
    }

    // ---------------------------------------------------------------- insertion

    /**
     * Inserts {@code e} at the tail if there is room, else throws.
     *
     * @return {@code true}
     * @throws IllegalStateException if the buffer is full
     * @throws NullPointerException  if {@code e} is null
     */
    @Override
    public boolean add(E e) {
        if (offer(e)) {
            return true;
        }
        throw new IllegalStateException("Queue full");
    }

    /**
     * Inserts {@code e} at the tail if there is room.
     *
     * @return {@code true} if inserted, {@code false} if the buffer was full
     * @throws NullPointerException if {@code e} is null
     */
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

    /**
     * Inserts {@code e} at the tail, waiting while the buffer is full.
     *
     * @throws InterruptedException if interrupted on entry or while waiting
     * @throws NullPointerException if {@code e} is null
     */
    @Override
    public void put(E e) throws InterruptedException {
        Objects.requireNonNull(e);
        lock.lockInterruptibly();
        try {
            while (count == items.length) {
                notFull.await();
            }
            enqueue(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inserts {@code e} at the tail, waiting up to the timeout while the buffer is full.
     *
     * @return {@code true} if inserted, {@code false} if the timeout elapsed first (having waited at
     *         least {@code timeout}); a timeout {@code <= 0} means do not wait
     * @throws InterruptedException if interrupted on entry or while waiting
     * @throws NullPointerException if {@code e} or {@code unit} is null
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e);
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (count == items.length) {
                if (nanos <= 0L) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            enqueue(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- removal

    /** Removes and returns the head, or returns {@code null} if the buffer is empty. */
    @Override
    public E poll() {
        lock.lock();
        try {
            return count == 0 ? null : dequeue();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    @Override
    public E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                notEmpty.await();
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the head, waiting up to the timeout while the buffer is empty.
     *
     * @return the head, or {@code null} if the timeout elapsed first (having waited at least
     *         {@code timeout}); a timeout {@code <= 0} means do not wait
     * @throws InterruptedException if interrupted on entry or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (count == 0) {
                if (nanos <= 0L) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return dequeue();
        } finally {
            lock.unlock();
        }
    }

    /** The head without removing it, or {@code null} if the buffer is empty. */
    @Override
    public E peek() {
        lock.lock();
        try {
            return count == 0 ? null : itemAt(head);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the first element equal to {@code o} (by {@code o.equals}), if any, and wakes one waiting
     * producer. O(n).
     *
     * @return whether an element was removed; {@code false} for {@code null}
     */
    @Override
    public boolean remove(Object o) {
        if (o == null) {
            return false;
        }
        lock.lock();
        try {
            for (int offset = 0; offset < count; offset++) {
                if (o.equals(items[slot(offset)])) {
                    removeAt(offset);
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every element, waking as many waiting producers as slots were freed. */
    @Override
    public void clear() {
        lock.lock();
        try {
            while (count > 0) {
                dequeue();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves every element, in FIFO order, into {@code c}, atomically with respect to this buffer, and
     * wakes waiting producers for the freed slots.
     *
     * @return the number of elements moved
     * @throws NullPointerException     if {@code c} is null
     * @throws IllegalArgumentException if {@code c} is this buffer
     */
    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    /**
     * Moves at most {@code maxElements} elements, in FIFO order, into {@code c}, atomically with
     * respect to this buffer, and wakes waiting producers for the freed slots. If {@code c.add} throws,
     * the elements moved so far are in {@code c} and the rest are still here.
     *
     * @return the number of elements moved; 0, changing nothing, if {@code maxElements <= 0}
     * @throws NullPointerException     if {@code c} is null
     * @throws IllegalArgumentException if {@code c} is this buffer
     */
    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c);
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a buffer into itself");
        }
        if (maxElements <= 0) {
            return 0;
        }
        lock.lock();
        try {
            int n = Math.min(maxElements, count);
            for (int i = 0; i < n; i++) {
                c.add(itemAt(head)); // if this throws, the element stays at the head
                dequeue();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- inspection

    /** The number of elements now in the buffer. */
    @Override
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** The number of free slots now: {@code capacity() - size()}, read atomically. */
    @Override
    public int remainingCapacity() {
        lock.lock();
        try {
            return items.length - count;
        } finally {
            lock.unlock();
        }
    }

    /** Whether some element equals {@code o} (by {@code o.equals}); {@code false} for {@code null}. */
    @Override
    public boolean contains(Object o) {
        if (o == null) {
            return false;
        }
        lock.lock();
        try {
            for (int offset = 0; offset < count; offset++) {
                if (o.equals(items[slot(offset)])) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the elements, head first. */
    @Override
    public Object[] toArray() {
        lock.lock();
        try {
            return copyInto(new Object[count]);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of the elements, head first, in {@code a} if it is large enough (followed by a
     * {@code null} if it is larger), else in a new array of {@code a}'s runtime type.
     *
     * @throws ArrayStoreException  if an element is not of {@code a}'s component type
     * @throws NullPointerException if {@code a} is null
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T[] toArray(T[] a) {
        Objects.requireNonNull(a);
        lock.lock();
        try {
            T[] out = a.length >= count ? a
                    : (T[]) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), count);
            copyInto(out);
            if (out.length > count) {
                out[count] = null;
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The elements, head first, as {@code [a, b, c]}; built from a snapshot, outside the lock. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "[", "]");
        for (Object e : toArray()) {
            s.add(e == this ? "(this Collection)" : String.valueOf(e));
        }
        return s.toString();
    }

    /**
     * A weakly consistent iterator over the elements, head first, whose {@code remove()} removes
     * exactly the element last returned if it is still here (see the class doc).
     */
    @Override
    public Iterator<E> iterator() {
        return new Itr();
    }

    /** A weakly consistent spliterator: ordered, non-null, concurrent; from {@link #iterator()}. */
    @Override
    public Spliterator<E> spliterator() {
        return Spliterators.spliterator(this,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.CONCURRENT);
    }

    // ---------------------------------------------------------------- helpers: call only holding lock

    /** The array index of the element {@code offset} places behind the head. Call only holding lock. */
    private int slot(int offset) {
        int i = offset - (items.length - head); // no overflow: both terms are in [0, capacity]
        return i < 0 ? i + items.length : i;
    }

    /** Call only holding lock. */
    @SuppressWarnings("unchecked")
    private E itemAt(int slot) {
        return (E) items[slot];
    }

    /** Appends {@code e} (buffer not full) with a fresh stamp; wakes one consumer. Call only holding lock. */
    private void enqueue(E e) {
        assert lock.isHeldByCurrentThread();
        items[tail] = e;
        stamps[tail] = nextStamp++;
        tail = tail + 1 == items.length ? 0 : tail + 1;
        count++;
        notEmpty.signal();
    }

    /** Removes and returns the head (buffer not empty); wakes one producer. Call only holding lock. */
    private E dequeue() {
        assert lock.isHeldByCurrentThread();
        E e = itemAt(head);
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        count--;
        notFull.signal();
        return e;
    }

    /**
     * Removes the element at {@code offset} from the head, shifting those behind it one place toward
     * the head; wakes one producer. Call only holding lock.
     */
    private void removeAt(int offset) {
        assert lock.isHeldByCurrentThread();
        if (offset == 0) {
            dequeue();
            return;
        }
        int to = slot(offset);
        for (int k = offset + 1; k < count; k++) {
            int from = slot(k);
            items[to] = items[from];
            stamps[to] = stamps[from];
            to = from;
        }
        items[to] = null;
        tail = to;
        count--;
        notFull.signal();
    }

    /**
     * The offset of the first element whose stamp is greater than {@code stamp}, or {@code count} if
     * none: a binary search, valid by invariant (S2). Call only holding lock.
     */
    private int firstStampAfter(long stamp) {
        assert lock.isHeldByCurrentThread();
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (stamps[slot(mid)] > stamp) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Copies the elements, head first, to the start of {@code dst}. Call only holding lock. */
    private <T> T[] copyInto(T[] dst) {
        assert lock.isHeldByCurrentThread();
        int first = Math.min(count, items.length - head);
        System.arraycopy(items, head, dst, 0, first);
        System.arraycopy(items, 0, dst, first, count - first);
        return dst;
    }

    /** For tests: the lock, to make a sequence of operations atomic and to inspect its conditions. */
    ReentrantLock lockForTests() {
        return lock;
    }

    /** For tests: the condition consumers wait on (what {@code LockSupport.getBlocker} reports). */
    Condition notEmptyForTests() {
        return notEmpty;
    }

    /** For tests: the condition producers wait on (what {@code LockSupport.getBlocker} reports). */
    Condition notFullForTests() {
        return notFull;
    }

    /** For tests: checks the invariants in the implementation notes. */
    boolean invariantsHold() {
        lock.lock();
        try {
            if (count < 0 || count > items.length || head < 0 || head >= items.length
                    || tail != slot(count)) {
                return false;
            }
            for (int offset = 0; offset < items.length; offset++) {
                boolean live = offset < count;
                if ((items[slot(offset)] != null) != live) {
                    return false;
                }
                if (live && offset > 0 && stamps[slot(offset - 1)] >= stamps[slot(offset)]) {
                    return false;
                }
                if (live && stamps[slot(offset)] >= nextStamp) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The iterator. It keeps stamps, not slot indexes (see the implementation notes): {@code next} is
     * the element the next call to {@code next()} returns, {@code lastStamp} the insertion that
     * {@code remove()} would remove. Not thread-safe, as iterators are not.
     */
    private final class Itr implements Iterator<E> {
        private E next;                     // null when exhausted
        private long nextStamp = NO_STAMP;  // the stamp of `next`
        private long lastStamp = NO_STAMP;  // the stamp of the element last returned, or NO_STAMP

        Itr() {
            lock.lock();
            try {
                moveAfter(NO_STAMP);
            } finally {
                lock.unlock();
            }
        }

        /** Moves to the first element inserted after {@code stamp}. Call only holding lock. */
        private void moveAfter(long stamp) {
            assert lock.isHeldByCurrentThread();
            int offset = firstStampAfter(stamp);
            if (offset < count) {
                int s = slot(offset);
                next = itemAt(s);
                nextStamp = stamps[s];
            } else {
                next = null;
                nextStamp = NO_STAMP;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public E next() {
            E e = next;
            if (e == null) {
                throw new NoSuchElementException();
            }
            lastStamp = nextStamp;
            lock.lock();
            try {
                moveAfter(lastStamp);
            } finally {
                lock.unlock();
            }
            return e;
        }

        /**
         * Removes the element last returned, that very insertion, if it is still in the buffer;
         * otherwise does nothing.
         *
         * @throws IllegalStateException if {@code next()} has not been called since the last
         *                               {@code remove()}, or at all
         */
        @Override
        public void remove() {
            long stamp = lastStamp;
            if (stamp == NO_STAMP) {
                throw new IllegalStateException("next() not called since the last remove()");
            }
            lastStamp = NO_STAMP;
            lock.lock();
            try {
                int offset = firstStampAfter(stamp - 1);
                if (offset < count && stamps[slot(offset)] == stamp) {
                    removeAt(offset);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}

package dev.interlock.liveness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A blocking priority queue in which waiting raises an element's priority, so that no element starves:
 * the guide's priority aging. A plain priority queue serves a steady stream of high-priority
 * elements forever ahead of a low-priority one; here an element's <em>effective priority</em> is
 * its base priority plus one level for every {@linkplain #agingStep() aging step} it has waited, so
 * a waiting element eventually outranks every newcomer.
 *
 * <h2>Ordering guarantee</h2>
 * {@link #poll()}, {@link #take()} and {@link #peek()} return the element with the highest effective
 * priority at that moment, {@code priority + (now - enqueued) / agingStep}, computed exactly (not
 * rounded to whole steps); among equal effective priorities, the one offered first. Consequences:
 * an element of priority {@code p} is served ahead of any element of priority {@code q} offered
 * more than {@code (q - p) * agingStep} after it; in particular, elements of one priority come out
 * first-in, first-out, and with a huge aging step this is an ordinary stable priority queue.
 * Higher numbers are more urgent; any {@code int} is a valid priority.
 *
 * <h2>Blocking, capacity, interruption</h2>
 * Bounded by a capacity given at construction ({@link Integer#MAX_VALUE}, in effect unbounded, by
 * default). {@link #put} waits for room and {@link #take} for an element; each has a timed twin
 * ({@link #offer(Object, int, long, TimeUnit)}, {@link #poll(long, TimeUnit)}) that gives up after
 * at least its timeout and never early. Every blocking method throws {@link InterruptedException},
 * with the interrupt status cleared, if the thread is interrupted on entry or while it waits, and
 * then leaves the queue unchanged. Null elements are rejected ({@link NullPointerException}).
 * Waiting threads are not served in any particular order.
 *
 * <h2>Why not {@code BlockingQueue}</h2>
 * An element's rank depends on when it was inserted and at which priority, which the queue must be
 * told at insertion: {@code BlockingQueue.offer(E)} has no place for the priority, and a comparator
 * on the elements cannot see the time they have waited. So this class has the blocking-queue
 * methods that make sense with a priority argument, with {@code BlockingQueue}'s contract for each,
 * and no {@code Collection} view (iteration order would be meaningless a moment later).
 *
 * <h2>Complexity</h2>
 * {@code offer}/{@code put} and {@code poll}/{@code take} are O(log n) (a binary heap), {@code peek}
 * and {@code size} O(1): aging costs nothing per element over time, because all elements age at the
 * same rate (see the implementation notes).
 *
 * <h2>Where the guarantee stops</h2>
 * Priorities and waits beyond about 2^62 nanoseconds' worth ({@code |priority| * agingStep} or the
 * queue's age over 146 years) saturate: ordering among such extreme elements falls back to arrival
 * order. The clock is read once per insertion, under the lock.
 *
 * <h2>Thread-safety and memory effects</h2>
 * Thread-safe: one {@link ReentrantLock} guards all state, with a condition for "not empty" and
 * one for "not full". As for {@code BlockingQueue}: actions of a thread before it inserts an element
 * happen-before actions after that element is removed or seen by {@code peek} in another thread.
 *
 * <p>Sample usage, as run by {@code AgingPriorityQueueTest.sampleUsage}:
 * <pre>{@code
 * AgingPriorityQueue<Job> jobs = new AgingPriorityQueue<>(Duration.ofMillis(100));
 * jobs.put(nightlyReport, 0);      // low priority, but gains a level per 100 ms of waiting
 * jobs.put(userRequest, 10);
 * Job next = jobs.take();          // userRequest now; nightlyReport once it has waited 1 s
 * }</pre>
 */
public final class AgingPriorityQueue<E> {

    /*
     * Implementation notes.
     *
     * Static keys: with a common aging rate, effective priority at time `now` is
     *     p + (now - t) / step  =  (now - origin) / step  -  ((t - origin) - p * step) / step,
     * and the first term is the same for every element. So ordering by effective priority, at any
     * instant, is ordering by the key  (t - origin) - p * step  ascending (a "virtual arrival time":
     * priority p counts as having arrived p steps earlier). Keys never change, so an ordinary binary
     * heap (java.util.PriorityQueue) keeps them; ties are broken by an insertion sequence number,
     * which makes equal keys FIFO. Key arithmetic saturates at Long.MIN/MAX_VALUE instead of
     * overflowing; `origin` is the clock at construction, so (t - origin) is non-negative for 292
     * years of a monotonic clock.
     *
     * Invariants (under lock): heap.size() <= capacity; every entry's key was computed once, at
     * insertion. Signals: one notEmpty.signal() per insertion, one notFull.signal() per removal
     * (drain: signalAll). No signal is lost to a waiter that gives up: ReentrantLock's conditions
     * make a waiter interrupted after its signal return normally (interrupt status set), and a
     * timed waiter re-checks the queue before it reports a timeout.
     *
     * The comparator is a plain class rather than Comparator.comparingLong(...).thenComparingLong(...):
     * Lincheck's model checker cannot instrument the JDK's lambda classes in java.util.
     */

    private record Entry<E>(E element, int priority, long key, long seq) {
    }

    /** Smaller key first, then smaller sequence number. A class, not a lambda chain: see the notes. */
    private static final class Order implements Comparator<Entry<?>> {
        @Override
        public int compare(Entry<?> a, Entry<?> b) {
            int byKey = Long.compare(a.key(), b.key());
            return byKey != 0 ? byKey : Long.compare(a.seq(), b.seq());
        }
    }

    private final long stepNanos;
    private final int capacity;
    private final LongSupplier clock;
    private final long origin;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final PriorityQueue<Entry<E>> heap = new PriorityQueue<>(new Order()); // guarded by lock
    private long nextSeq; // guarded by lock

    /**
     * An unbounded queue whose elements gain one priority level per {@code agingStep} of waiting.
     *
     * @throws NullPointerException     if {@code agingStep} is null
     * @throws IllegalArgumentException if {@code agingStep} is zero or negative
     */
    public AgingPriorityQueue(Duration agingStep) {
        this(agingStep, Integer.MAX_VALUE);
    }

    /**
     * A queue of at most {@code capacity} elements.
     *
     * @throws NullPointerException     if {@code agingStep} is null
     * @throws IllegalArgumentException if {@code agingStep} or {@code capacity} is zero or negative
     */
    public AgingPriorityQueue(Duration agingStep, int capacity) {
        this(agingStep, capacity, System::nanoTime);
    }

    /**
     * A queue that reads time from {@code nanoClock} (nanoseconds, differences only; it must not run
     * backwards): for tests and simulations.
     *
     * @throws NullPointerException     if {@code agingStep} or {@code nanoClock} is null
     * @throws IllegalArgumentException if {@code agingStep} or {@code capacity} is zero or negative
     */
    public AgingPriorityQueue(Duration agingStep, int capacity, LongSupplier nanoClock) {
        Objects.requireNonNull(agingStep, "agingStep");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (agingStep.isNegative() || agingStep.isZero()) {
            throw new IllegalArgumentException("agingStep must be positive: " + agingStep);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        long step;
        try {
            step = agingStep.toNanos();
        } catch (ArithmeticException tooLong) {
            step = Long.MAX_VALUE;
        }
        this.stepNanos = step;
        this.capacity = capacity;
        this.clock = nanoClock;
        this.origin = nanoClock.getAsLong();
    }

    /** How long an element waits to gain one priority level. */
    public Duration agingStep() {
        return Duration.ofNanos(stepNanos);
    }

    /** The most elements the queue holds. */
    public int capacity() {
        return capacity;
    }

    /**
     * Inserts {@code e} with base priority {@code priority} if there is room.
     *
     * @return true if inserted, false if the queue is full
     * @throws NullPointerException if {@code e} is null
     */
    public boolean offer(E e, int priority) {
        Objects.requireNonNull(e, "element");
        lock.lock();
        try {
            if (heap.size() == capacity) {
                return false;
            }
            insert(e, priority);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inserts {@code e}, waiting for room if necessary.
     *
     * @throws NullPointerException if {@code e} is null
     * @throws InterruptedException if interrupted on entry or while waiting (nothing inserted)
     */
    public void put(E e, int priority) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        lock.lockInterruptibly();
        try {
            while (heap.size() == capacity) {
                notFull.await();
            }
            insert(e, priority);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inserts {@code e}, waiting up to {@code timeout} for room.
     *
     * @return true if inserted, false if the timeout elapsed first (after waiting at least that long)
     * @throws NullPointerException if {@code e} or {@code unit} is null
     * @throws InterruptedException if interrupted on entry or while waiting (nothing inserted)
     */
    public boolean offer(E e, int priority, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (heap.size() == capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            insert(e, priority);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns the element of highest effective priority, or null if the queue is empty. */
    public E poll() {
        lock.lock();
        try {
            return heap.isEmpty() ? null : remove();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the element of highest effective priority, waiting for one if necessary.
     *
     * @throws InterruptedException if interrupted on entry or while waiting (nothing removed)
     */
    public E take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (heap.isEmpty()) {
                notEmpty.await();
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the element of highest effective priority, waiting up to {@code timeout}
     * for one.
     *
     * @return the element, or null if the timeout elapsed first (after waiting at least that long)
     * @throws NullPointerException if {@code unit} is null
     * @throws InterruptedException if interrupted on entry or while waiting (nothing removed)
     */
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (heap.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return remove();
        } finally {
            lock.unlock();
        }
    }

    /** The element {@link #poll()} would return now, without removing it; null if empty. */
    public E peek() {
        lock.lock();
        try {
            Entry<E> head = heap.peek();
            return head == null ? null : head.element();
        } finally {
            lock.unlock();
        }
    }

    /** The number of elements. */
    public int size() {
        lock.lock();
        try {
            return heap.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** How many more elements fit: {@code capacity() - size()}. */
    public int remainingCapacity() {
        lock.lock();
        try {
            return capacity - heap.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every element, in the order they would be served now, and returns them.
     */
    public List<E> drain() {
        lock.lock();
        try {
            List<E> out = new ArrayList<>(heap.size());
            while (!heap.isEmpty()) {
                out.add(heap.poll().element());
            }
            notFull.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "AgingPriorityQueue[size=" + heap.size() + ", capacity=" + capacity + ", agingStep="
                    + agingStep() + "]";
        } finally {
            lock.unlock();
        }
    }

    /** Call only when holding lock, with room. */
    private void insert(E e, int priority) {
        assert lock.isHeldByCurrentThread();
        long key = key(clock.getAsLong() - origin, priority, stepNanos);
        heap.add(new Entry<>(e, priority, key, nextSeq++));
        notEmpty.signal();
    }

    /** Call only when holding lock, with the heap non-empty. */
    private E remove() {
        assert lock.isHeldByCurrentThread();
        E e = heap.poll().element();
        notFull.signal();
        return e;
    }

    /** The virtual arrival time {@code age - priority * step}, saturating. */
    static long key(long age, int priority, long step) {
        long lead;
        long low = (long) priority * step;
        if (Math.multiplyHigh(priority, step) == (low >> 63)) { // the product fits in a long
            lead = low;
        } else {
            lead = priority > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        long key = age - lead;
        // Overflow iff age and lead differ in sign and key differs in sign from age.
        if (((age ^ key) & (lead ^ age)) < 0) {
            return lead > 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return key;
    }
}

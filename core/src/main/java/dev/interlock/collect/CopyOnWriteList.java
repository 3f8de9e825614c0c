package dev.interlock.collect;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.StringJoiner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A thread-safe {@link List} for data that is read far more often than it changes (listeners,
 * routing tables, configuration entries): readers never lock, and every iteration walks a snapshot
 * that no writer can disturb. The guide's copy-on-write pattern: a write copies the array, changes the
 * copy, and publishes it with one volatile write; a reader takes whichever array is current and keeps
 * it for as long as it likes.
 *
 * <p>It follows {@link java.util.concurrent.CopyOnWriteArrayList}'s documented behaviour: all
 * optional {@code List} operations are supported, {@code null} elements are allowed, iterators are
 * snapshots that never throw {@link ConcurrentModificationException} and do not support
 * {@code remove}, {@code set} or {@code add}; {@link #equals}, {@link #hashCode} and {@link #toString}
 * follow the {@code List} contract; {@link #addIfAbsent} and {@link #addAllAbsent} are atomic
 * check-then-add operations. The differences are listed under "Differences from
 * {@code CopyOnWriteArrayList}" below.
 *
 * <h2>Thread-safety</h2>
 * Every method is thread-safe and atomic, bulk operations included: {@code addAll},
 * {@code removeAll}, {@code retainAll}, {@link #removeIf}, {@link #replaceAll}, {@link #sort},
 * {@code clear} and {@link #addAllAbsent} publish their whole result at once or nothing (if the
 * predicate, operator or comparator throws, the list is unchanged). Reads ({@code get}, {@code size},
 * {@code contains}, {@code indexOf}, iteration, {@code toArray}, {@code equals}, {@code hashCode},
 * {@code toString}) take no lock: each reads the current array once and answers from it. Writes are
 * serialized by one {@link ReentrantLock} (non-fair) and never block readers.
 *
 * <h2>Iterators</h2>
 * {@link #iterator()}, {@link #listIterator()}, {@link #spliterator()} and {@link #forEach} work on the
 * array that was current when they were created: they see exactly the elements the list held at that
 * instant, in order, whatever happens later, and never throw {@code ConcurrentModificationException}.
 * They cannot change the list: {@code Iterator.remove} and {@code ListIterator.set}/{@code add} throw
 * {@link UnsupportedOperationException}. A snapshot costs nothing to take (no copy), but it keeps its
 * array reachable until the iterator is dropped.
 *
 * <h2>Sub-lists</h2>
 * {@link #subList} returns a view, as the {@code List} contract requires: reads see the backing
 * list's current elements and writes through the view change the backing list. The view stays valid
 * while the backing list's <i>size</i> changes only through the view (or through views taken from
 * it); a structural change made any other way ({@code add}, {@code remove}, {@code clear}, a
 * successful {@code removeIf}, ... on the list or on another view) makes every later operation on the
 * view throw {@link ConcurrentModificationException}. Non-structural changes ({@code set},
 * {@code replaceAll}, {@code sort}) made on the backing list are seen through the view. Operations on
 * a view take the list's lock, reads included (the view must check its validity and read in one
 * step); its iterators are snapshots of its range, like the list's.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it places an element in the list <i>happen-before</i> actions after
 * another thread reads or removes that element: the element's fields, even plain ones, are seen as
 * they were when it was added.
 *
 * <h2>Where the guarantee stops</h2>
 * <ul>
 *   <li>Each call is atomic; a sequence of calls is not. {@code if (!list.isEmpty()) list.get(0)} can
 *       throw {@link IndexOutOfBoundsException} when another thread empties the list in between.
 *       Read once: iterate, or take {@link #toArray()} (one snapshot); for check-then-add use
 *       {@link #addIfAbsent}.</li>
 *   <li>Every write copies the whole array: O(n) time and n references of garbage per write, and
 *       writers queue on one lock. With frequent writes or large lists, prefer a concurrent queue or
 *       a locked {@code ArrayList}; this class pays off when reads outnumber writes by far.</li>
 *   <li>Predicates, operators and comparators passed to {@link #removeIf}, {@link #removeAll},
 *       {@link #retainAll}, {@link #replaceAll} and {@link #sort} run while the write lock is held:
 *       they delay other writers (not readers), and they must not modify this list (their change
 *       would be overwritten).</li>
 *   <li>An iteration may run on an array that is already out of date: it reports what was, not what
 *       is. That is the point of a snapshot, and the reason not to use one for state that must be
 *       acted on only while it still holds.</li>
 *   <li>{@link #reversed()} is {@code List}'s default view: each of its calls maps to one call on this
 *       list, so its single operations are atomic and its iterators are snapshots.</li>
 * </ul>
 *
 * <h2>Differences from {@code CopyOnWriteArrayList}</h2>
 * <ul>
 *   <li>Sub-lists: {@code CopyOnWriteArrayList}'s view throws {@code ConcurrentModificationException}
 *       after <i>any</i> change to the backing list not made through it, {@code set} included; this
 *       view survives non-structural changes and shows them, as {@code ArrayList}'s does (see
 *       above).</li>
 *   <li>Not {@link Cloneable}: {@link #CopyOnWriteList(Collection) new CopyOnWriteList<>(other)} of
 *       another {@code CopyOnWriteList} shares its current array, O(1), with no copy.</li>
 *   <li>Serializable through a serialization proxy (the elements in order), a form of its own, not
 *       compatible with {@code CopyOnWriteArrayList}'s.</li>
 *  *   <li>{@code toString} of a list that contains itself prints {@code (this Collection)} for it, as
 *       {@code AbstractCollection} does; {@code CopyOnWriteArrayList}'s recurses until the stack
 *       overflows.</li>
 *   <li>No {@code indexOf(E, int)}, {@code lastIndexOf(E, int)} or array constructor.</li>
 * </ul>
 *
 * @param <E> the type of elements
 */
public final class CopyOnWriteList<E> implements List<E>, RandomAccess, Serializable {

    /*
     * Implementation notes.
     *
     * State: `array`, a volatile reference to an Object[] holding the elements in order, and
     * `structuralChanges`, a count of the writes that changed the size.
     *
     * Invariants:
     *  - An array, once assigned to `array`, is never written again: it is a snapshot. Every write
     *    builds a new array, fills it completely, and only then publishes it with one volatile write
     *    (set of the identical element republishes the same array: nothing to copy);
     *    so a reader that reads `array` once sees a complete, consistent list (the volatile read pairs
     *    with that write: the elements and everything the writer did before adding them are visible).
     *  - `array` is written only while holding `lock`; `structuralChanges` is read and written only
     *    while holding it. Writers therefore see each other's arrays in lock order: no write is lost.
     *  - `array` is always exactly Object[] (never a subtype array such as String[]), so storing any E
     *    into a copy cannot throw ArrayStoreException.
     *  - `structuralChanges` increases by one whenever a published array has a different length from
     *    the array it replaces; sub-list views compare it with the value they last agreed with.
     *  - Sub-lists: a structural change through a view updates the size and the agreed count of that
     *    view and of every view it was taken from, under the lock; so a view is valid exactly when no
     *    structural change was made other than through it or the views taken from it.
     *
     * Reads are wait-free: one volatile read, then plain reads of an array nobody writes. The lock is
     * only ever held for an array copy (plus, for removeIf/replaceAll/sort, the caller's function).
     * Lock-free fast paths: remove(Object) and addIfAbsent first look at the current snapshot and
     * return at once when it already decides the answer (absent / present); the answer is correct at
     * the instant of that read. Otherwise they take the lock and decide again on the current array.
     */

    @Serial
    private static final long serialVersionUID = 1L;

    /** The shared empty array: immutable, so every empty list may use it. */
    private static final Object[] EMPTY = {};

    /** Serializes writers; readers never take it. Non-fair: writers are short and barging is cheaper. */
    private final ReentrantLock lock = new ReentrantLock();

    /** The current snapshot; written only under {@code lock}, never modified after publication. */
    private volatile Object[] array;

    /** Writes that changed the size, for sub-list validity checks. */
    private int structuralChanges; // guarded by lock

    /** An empty list. */
    public CopyOnWriteList() {
        array = EMPTY;
    }

    /**
     * A list of {@code elements}' elements, in their iteration order. From another
     * {@code CopyOnWriteList} this shares its current snapshot (no copy).
     *
     * @throws NullPointerException if {@code elements} is null
     */
    public CopyOnWriteList(Collection<? extends E> elements) {
        Objects.requireNonNull(elements, "elements");
        array = elements instanceof CopyOnWriteList<?> other ? other.array : copyOfUntrusted(elements.toArray());
    }

    /** An array of another collection may be shared or typed: copy it into a private Object[]. */
    private static Object[] copyOfUntrusted(Object[] elements) {
        return elements.length == 0 ? EMPTY : Arrays.copyOf(elements, elements.length, Object[].class);
    }

    /* ---------------------------------------------------------------- reads: no lock */

    @Override
    public int size() {
        return array.length;
    }

    @Override
    public boolean isEmpty() {
        return array.length == 0;
    }

    /**
     * The element at {@code index} in the current snapshot.
     *
     * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@code size()}
     */
    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        Object[] es = array;
        return (E) es[Objects.checkIndex(index, es.length)];
    }

    @Override
    public boolean contains(Object o) {
        Object[] es = array;
        return indexOf(o, es, 0, es.length) >= 0;
    }

    @Override
    public int indexOf(Object o) {
        Object[] es = array;
        return indexOf(o, es, 0, es.length);
    }

    @Override
    public int lastIndexOf(Object o) {
        Object[] es = array;
        return lastIndexOf(o, es, 0, es.length);
    }

    /**
     * Whether every element of {@code c} is in the current snapshot.
     *
     * @throws NullPointerException if {@code c} is null
     */
    @Override
    public boolean containsAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        Object[] es = array;
        for (Object o : c) {
            if (indexOf(o, es, 0, es.length) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first element, from one snapshot.
     *
     * @throws NoSuchElementException if the list is empty
     */
    @Override
    @SuppressWarnings("unchecked")
    public E getFirst() {
        Object[] es = array;
        if (es.length == 0) {
            throw new NoSuchElementException("empty list");
        }
        return (E) es[0];
    }

    /**
     * The last element, from one snapshot.
     *
     * @throws NoSuchElementException if the list is empty
     */
    @Override
    @SuppressWarnings("unchecked")
    public E getLast() {
        Object[] es = array;
        if (es.length == 0) {
            throw new NoSuchElementException("empty list");
        }
        return (E) es[es.length - 1];
    }

    /** A new array of the current elements (a snapshot the caller owns). */
    @Override
    public Object[] toArray() {
        return array.clone();
    }

    /**
     * The current elements in {@code a} if they fit (followed by a {@code null} if there is room),
     * else in a new array of {@code a}'s runtime type.
     *
     * @throws NullPointerException if {@code a} is null
     * @throws ArrayStoreException  if an element is not of {@code a}'s component type
     */
    @Override
    public <T> T[] toArray(T[] a) {
        Objects.requireNonNull(a, "a");
        Object[] es = array;
        return copyInto(es, 0, es.length, a);
    }

    /** {@code es[from, to)} in {@code a}, as {@link Collection#toArray(Object[])} specifies. */
    @SuppressWarnings("unchecked")
    private static <T> T[] copyInto(Object[] es, int from, int to, T[] a) {
        int n = to - from;
        if (a.length < n) {
            return (T[]) Arrays.copyOfRange(es, from, to, a.getClass());
        }
        System.arraycopy(es, from, a, 0, n);
        if (a.length > n) {
            a[n] = null;
        }
        return a;
    }

    /** Calls {@code action} on each element of the current snapshot, in order. */
    @Override
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super E> action) {
        Objects.requireNonNull(action, "action");
        for (Object e : array) {
            action.accept((E) e);
        }
    }

    /** A snapshot iterator: see the class doc. Its {@code remove} throws {@code UnsupportedOperationException}. */
    @Override
    public Iterator<E> iterator() {
        Object[] es = array;
        return new SnapshotIterator<>(es, 0, es.length, 0);
    }

    /** A snapshot list iterator: see the class doc. {@code remove}, {@code set} and {@code add} are unsupported. */
    @Override
    public ListIterator<E> listIterator() {
        Object[] es = array;
        return new SnapshotIterator<>(es, 0, es.length, 0);
    }

    /**
     * A snapshot list iterator positioned at {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is negative or greater than {@code size()}
     */
    @Override
    public ListIterator<E> listIterator(int index) {
        Object[] es = array;
        checkPosition(index, es.length);
        return new SnapshotIterator<>(es, 0, es.length, index);
    }

    /** A snapshot spliterator: {@code IMMUTABLE}, {@code ORDERED}, {@code SIZED}, {@code SUBSIZED}. */
    @Override
    public Spliterator<E> spliterator() {
        return Spliterators.spliterator(array, Spliterator.IMMUTABLE | Spliterator.ORDERED);
    }

    /**
     * True if {@code o} is a {@code List} with equal elements in the same order (compared with this
     * list's snapshot, walking {@code o}'s iterator).
     */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof List<?> other)) {
            return false;
        }
        Iterator<?> it = other.iterator();
        for (Object e : array) {
            if (!it.hasNext() || !Objects.equals(e, it.next())) {
                return false;
            }
        }
        return !it.hasNext();
    }

    /** The {@code List} hash code of the current snapshot. */
    @Override
    public int hashCode() {
        int h = 1;
        for (Object e : array) {
            h = 31 * h + Objects.hashCode(e);
        }
        return h;
    }

    /** {@code [a, b, c]} of the current snapshot; the list itself, as an element, prints as {@code (this Collection)}. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "[", "]");
        for (Object e : array) {
            s.add(e == this ? "(this Collection)" : String.valueOf(e));
        }
        return s.toString();
    }

    /* ---------------------------------------------------------------- writes: under the lock */

    /**
     * Replaces the element at {@code index}. Copies the array unless {@code element} is the very
     * object already there.
     *
     * @return the element previously there
     * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@code size()}
     */
    @Override
    public E set(int index, E element) {
        lock.lock();
        try {
            return setLocked(index, element);
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code e}; returns true. */
    @Override
    public boolean add(E e) {
        lock.lock();
        try {
            Object[] es = array;
            int n = es.length;
            Object[] next = Arrays.copyOf(es, n + 1);
            next[n] = e;
            publish(next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inserts {@code element} at {@code index}, shifting later elements up.
     *
     * @throws IndexOutOfBoundsException if {@code index} is negative or greater than {@code size()}
     */
    @Override
    public void add(int index, E element) {
        lock.lock();
        try {
            checkPosition(index, array.length);
            insertLocked(index, new Object[] {element});
        } finally {
            lock.unlock();
        }
    }

    /** Inserts {@code e} at the front. */
    @Override
    public void addFirst(E e) {
        add(0, e);
    }

    /** Appends {@code e}. */
    @Override
    public void addLast(E e) {
        add(e);
    }

    /**
     * Appends {@code e} unless the list contains an equal element, atomically.
     *
     * @return whether {@code e} was added
     */
    public boolean addIfAbsent(E e) {
        Object[] snapshot = array;
        if (indexOf(e, snapshot, 0, snapshot.length) >= 0) {
            return false; // present at the instant of the read: the answer then
        }
        lock.lock();
        try {
            Object[] es = array;
            if (es != snapshot && indexOf(e, es, 0, es.length) >= 0) {
                return false;
            }
            int n = es.length;
            Object[] next = Arrays.copyOf(es, n + 1);
            next[n] = e;
            publish(next);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends, in {@code c}'s iteration order, each element of {@code c} that is not already in the
     * list (nor earlier in {@code c}), atomically.
     *
     * @return the number of elements added
     * @throws NullPointerException if {@code c} is null
     */
    public int addAllAbsent(Collection<? extends E> c) {
        Objects.requireNonNull(c, "c");
        Object[] cs = c.toArray();
        if (cs.length == 0) {
            return 0;
        }
        lock.lock();
        try {
            Object[] es = array;
            int n = es.length;
            Object[] next = Arrays.copyOf(es, n + cs.length);
            int added = 0;
            for (Object e : cs) {
                if (indexOf(e, next, 0, n + added) < 0) {
                    next[n + added++] = e;
                }
            }
            if (added > 0) {
                publish(added == cs.length ? next : Arrays.copyOf(next, n + added));
            }
            return added;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends all of {@code c}'s elements in its iteration order, atomically. {@code c} is read
     * (by its {@code toArray}) before the lock is taken.
     *
     * @throws NullPointerException if {@code c} is null
     */
    @Override
    public boolean addAll(Collection<? extends E> c) {
        Object[] cs = elementsOf(c);
        if (cs.length == 0) {
            return false;
        }
        lock.lock();
        try {
            insertLocked(array.length, cs);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Inserts all of {@code c}'s elements at {@code index}, atomically.
     *
     * @throws NullPointerException      if {@code c} is null
     * @throws IndexOutOfBoundsException if {@code index} is negative or greater than {@code size()}
     */
    @Override
    public boolean addAll(int index, Collection<? extends E> c) {
        Object[] cs = elementsOf(c);
        lock.lock();
        try {
            checkPosition(index, array.length);
            if (cs.length == 0) {
                return false;
            }
            insertLocked(index, cs);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the element at {@code index}, shifting later elements down.
     *
     * @return the removed element
     * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@code size()}
     */
    @Override
    public E remove(int index) {
        lock.lock();
        try {
            Objects.checkIndex(index, array.length);
            return removeLocked(index);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the first element equal to {@code o}, if any.
     *
     * @return whether an element was removed
     */
    @Override
    public boolean remove(Object o) {
        Object[] snapshot = array;
        if (indexOf(o, snapshot, 0, snapshot.length) < 0) {
            return false; // absent at the instant of the read: the answer then
        }
        lock.lock();
        try {
            Object[] es = array;
            int i = indexOf(o, es, 0, es.length);
            if (i < 0) {
                return false;
            }
            removeLocked(i);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the first element, atomically.
     *
     * @throws NoSuchElementException if the list is empty
     */
    @Override
    public E removeFirst() {
        lock.lock();
        try {
            if (array.length == 0) {
                throw new NoSuchElementException("empty list");
            }
            return removeLocked(0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the last element, atomically.
     *
     * @throws NoSuchElementException if the list is empty
     */
    @Override
    public E removeLast() {
        lock.lock();
        try {
            int n = array.length;
            if (n == 0) {
                throw new NoSuchElementException("empty list");
            }
            return removeLocked(n - 1);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every element. */
    @Override
    public void clear() {
        lock.lock();
        try {
            if (array.length != 0) {
                publish(EMPTY);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every element that {@code c} contains, atomically ({@code c.contains} runs under the
     * write lock).
     *
     * @throws NullPointerException if {@code c} is null
     */
    @Override
    public boolean removeAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return removeIf(c::contains);
    }

    /**
     * Removes every element that {@code c} does not contain, atomically ({@code c.contains} runs
     * under the write lock).
     *
     * @throws NullPointerException if {@code c} is null
     */
    @Override
    public boolean retainAll(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return removeIf(e -> !c.contains(e));
    }

    /**
     * Removes every element that {@code filter} accepts, atomically. {@code filter} runs under the
     * write lock, once per element; if it throws, the list is unchanged.
     *
     * @throws NullPointerException if {@code filter} is null
     */
    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        Objects.requireNonNull(filter, "filter");
        lock.lock();
        try {
            return removeIfLocked(filter, 0, array.length) > 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces each element by {@code operator}'s result, atomically. {@code operator} runs under the
     * write lock; if it throws, the list is unchanged.
     *
     * @throws NullPointerException if {@code operator} is null
     */
    @Override
    public void replaceAll(UnaryOperator<E> operator) {
        Objects.requireNonNull(operator, "operator");
        lock.lock();
        try {
            replaceAllLocked(operator, 0, array.length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sorts the list (stable), atomically; {@code null} means natural order. The comparator runs
     * under the write lock; if it throws (e.g. {@link ClassCastException}), the list is unchanged.
     */
    @Override
    public void sort(Comparator<? super E> c) {
        lock.lock();
        try {
            sortLocked(c, 0, array.length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A view of the elements from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive); see
     * "Sub-lists" in the class doc for when it becomes invalid.
     *
     * @throws IndexOutOfBoundsException if {@code fromIndex < 0}, {@code toIndex > size()} or
     *                                   {@code fromIndex > toIndex}
     */
    @Override
    public List<E> subList(int fromIndex, int toIndex) {
        lock.lock();
        try {
            Objects.checkFromToIndex(fromIndex, toIndex, array.length);
            return new SubList<>(this, null, fromIndex, toIndex - fromIndex, structuralChanges);
        } finally {
            lock.unlock();
        }
    }

    /* ---------------------------------------------------------------- helpers */

    /** Call only when holding lock: makes {@code next} the current snapshot. */
    private void publish(Object[] next) {
        assert lock.isHeldByCurrentThread();
        if (next.length != array.length) {
            structuralChanges++;
        }
        array = next;
    }

    /** Call only when holding lock, with {@code index} checked. */
    @SuppressWarnings("unchecked")
    private E setLocked(int index, E element) {
        assert lock.isHeldByCurrentThread();
        Object[] es = array;
        Objects.checkIndex(index, es.length);
        E old = (E) es[index];
        Object[] next = es;
        if (old != element) {
            next = es.clone();
            next[index] = element;
        }
        publish(next); // even unchanged: the volatile write orders the caller's earlier actions
        return old;
    }

    /** Call only when holding lock, with {@code 0 <= index <= size}: inserts {@code cs} at {@code index}. */
    private void insertLocked(int index, Object[] cs) {
        assert lock.isHeldByCurrentThread();
        Object[] es = array;
        int n = es.length;
        Object[] next = new Object[n + cs.length];
        System.arraycopy(es, 0, next, 0, index);
        System.arraycopy(cs, 0, next, index, cs.length);
        System.arraycopy(es, index, next, index + cs.length, n - index);
        publish(next);
    }

    /** Call only when holding lock, with {@code index} checked. */
    @SuppressWarnings("unchecked")
    private E removeLocked(int index) {
        assert lock.isHeldByCurrentThread();
        Object[] es = array;
        E old = (E) es[index];
        removeRangeLocked(index, index + 1);
        return old;
    }

    /** Call only when holding lock, with {@code 0 <= from <= to <= size}. */
    private void removeRangeLocked(int from, int to) {
        assert lock.isHeldByCurrentThread();
        Object[] es = array;
        int n = es.length;
        if (from == to) {
            return;
        }
        if (n == to - from) {
            publish(EMPTY);
            return;
        }
        Object[] next = new Object[n - (to - from)];
        System.arraycopy(es, 0, next, 0, from);
        System.arraycopy(es, to, next, from, n - to);
        publish(next);
    }

    /**
     * Call only when holding lock: removes the elements of {@code [from, to)} that {@code filter}
     * accepts. Evaluates {@code filter} on every element before changing anything.
     *
     * @return the number of elements removed
     */
    @SuppressWarnings("unchecked")
    private int removeIfLocked(Predicate<? super E> filter, int from, int to) {
        assert lock.isHeldByCurrentThread();
        Object[] es = array;
        Object[] kept = new Object[to - from];
        int k = 0;
        for (int i = from; i < to; i++) {
            if (!filter.test((E) es[i])) {
                kept[k++] = es[i];
            }
        }
        int removed = (to - from) - k;
        if (removed == 0) {
            return 0;
        }
        int n = es.length;
        Object[] next = n == removed ? EMPTY : new Object[n - removed];
        System.arraycopy(es, 0, next, 0, from);
        System.arraycopy(kept, 0, next, from, k);
        System.arraycopy(es, to, next, from + k, n - to);
        publish(next);
        return removed;
    }

    /** Call only when holding lock: applies {@code operator} to {@code [from, to)} of a copy, then publishes it. */
    @SuppressWarnings("unchecked")
    private void replaceAllLocked(UnaryOperator<E> operator, int from, int to) {
        assert lock.isHeldByCurrentThread();
        Object[] next = array.clone();
        for (int i = from; i < to; i++) {
            next[i] = operator.apply((E) next[i]);
        }
        publish(next);
    }

    /** Call only when holding lock: sorts {@code [from, to)} of a copy, then publishes it. */
    @SuppressWarnings("unchecked")
    private void sortLocked(Comparator<? super E> c, int from, int to) {
        assert lock.isHeldByCurrentThread();
        Object[] next = array.clone();
        Arrays.sort(next, from, to, (Comparator<Object>) c);
        publish(next);
    }

    /** {@code c}'s elements, read before taking the lock (its {@code toArray} may run arbitrary code). */
    private static Object[] elementsOf(Collection<?> c) {
        Objects.requireNonNull(c, "c");
        return c instanceof CopyOnWriteList<?> other ? other.array : c.toArray();
    }

    private static void checkPosition(int index, int size) {
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException("Index " + index + " out of bounds for a position in [0, " + size + "]");
        }
    }

    private static int indexOf(Object o, Object[] es, int from, int to) {
        if (o == null) {
            for (int i = from; i < to; i++) {
                if (es[i] == null) {
                    return i;
                }
            }
        } else {
            for (int i = from; i < to; i++) {
                if (o.equals(es[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int lastIndexOf(Object o, Object[] es, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (Objects.equals(o, es[i])) {
                return i;
            }
        }
        return -1;
    }

    /* ---------------------------------------------------------------- serialization */

    /** Serialized as a {@link SerializedForm}: the elements in order, no lock, no counters. */
    @Serial
    private Object writeReplace() {
        return new SerializedForm(array);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("CopyOnWriteList is deserialized through its serialized form only");
    }

    /** The serialization proxy: the elements in order. */
    private record SerializedForm(Object[] elements) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws InvalidObjectException {
            if (elements == null) {
                throw new InvalidObjectException("no elements");
            }
            CopyOnWriteList<Object> list = new CopyOnWriteList<>();
            list.array = copyOfUntrusted(elements);
            return list;
        }
    }

    /* ---------------------------------------------------------------- iterator and sub-list */

    /** Iterates {@code [from, to)} of an array that never changes; cannot modify the list. */
    private static final class SnapshotIterator<E> implements ListIterator<E> {
        private final Object[] snapshot;
        private final int from;
        private final int to;
        private int cursor; // index in snapshot of the element next() returns

        SnapshotIterator(Object[] snapshot, int from, int to, int cursor) {
            this.snapshot = snapshot;
            this.from = from;
            this.to = to;
            this.cursor = cursor;
        }

        @Override
        public boolean hasNext() {
            return cursor < to;
        }

        @Override
        @SuppressWarnings("unchecked")
        public E next() {
            if (cursor >= to) {
                throw new NoSuchElementException();
            }
            return (E) snapshot[cursor++];
        }

        @Override
        public boolean hasPrevious() {
            return cursor > from;
        }

        @Override
        @SuppressWarnings("unchecked")
        public E previous() {
            if (cursor <= from) {
                throw new NoSuchElementException();
            }
            return (E) snapshot[--cursor];
        }

        @Override
        public int nextIndex() {
            return cursor - from;
        }

        @Override
        public int previousIndex() {
            return cursor - from - 1;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEachRemaining(Consumer<? super E> action) {
            Objects.requireNonNull(action, "action");
            while (cursor < to) {
                action.accept((E) snapshot[cursor++]);
            }
        }

        /** Unsupported: a snapshot iterator cannot change the list. */
        @Override
        public void remove() {
            throw new UnsupportedOperationException("snapshot iterator: remove through the list");
        }

        /** Unsupported: a snapshot iterator cannot change the list. */
        @Override
        public void set(E e) {
            throw new UnsupportedOperationException("snapshot iterator: set through the list");
        }

        /** Unsupported: a snapshot iterator cannot change the list. */
        @Override
        public void add(E e) {
            throw new UnsupportedOperationException("snapshot iterator: add through the list");
        }
    }

    /**
     * A view of {@code [offset, offset + size)} of the root list. Every operation takes the root's
     * lock, checks the view is still valid, and works on the root's current array.
     */
    private static final class SubList<E> extends AbstractList<E> implements RandomAccess {
        private final CopyOnWriteList<E> root;
        private final SubList<E> parent;   // the view this one was taken from, or null
        private final int offset;          // index in the root of this view's first element
        private int size;                  // guarded by root.lock
        private int expectedChanges;       // guarded by root.lock: root.structuralChanges when last in step

        SubList(CopyOnWriteList<E> root, SubList<E> parent, int offset, int size, int expectedChanges) {
            this.root = root;
            this.parent = parent;
            this.offset = offset;
            this.size = size;
            this.expectedChanges = expectedChanges;
        }

        /**
         * Call only when holding root.lock. A structural change not made through this view (or a view
         * taken from it) left this view's expectation behind; one made through it would have updated it.
         */
        private void checkValid() {
            assert root.lock.isHeldByCurrentThread();
            if (root.structuralChanges != expectedChanges) {
                throw new ConcurrentModificationException(
                        "the backing CopyOnWriteList changed size other than through this sub-list");
            }
        }

        /** Call only when holding root.lock, after a change of {@code delta} elements made through this view. */
        private void changedSize(int delta) {
            for (SubList<E> s = this; s != null; s = s.parent) {
                s.size += delta;
                s.expectedChanges = root.structuralChanges;
            }
        }

        @Override
        public int size() {
            root.lock.lock();
            try {
                checkValid();
                return size;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public E get(int index) {
            root.lock.lock();
            try {
                checkValid();
                Objects.checkIndex(index, size);
                return (E) root.array[offset + index];
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public E set(int index, E element) {
            root.lock.lock();
            try {
                checkValid();
                Objects.checkIndex(index, size);
                return root.setLocked(offset + index, element);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean add(E e) {
            root.lock.lock();
            try {
                checkValid();
                root.insertLocked(offset + size, new Object[] {e});
                changedSize(1);
                return true;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public void add(int index, E element) {
            root.lock.lock();
            try {
                checkValid();
                CopyOnWriteList.checkPosition(index, size);
                root.insertLocked(offset + index, new Object[] {element});
                changedSize(1);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean addAll(Collection<? extends E> c) {
            Object[] cs = elementsOf(c);
            root.lock.lock();
            try {
                checkValid();
                if (cs.length == 0) {
                    return false;
                }
                root.insertLocked(offset + size, cs);
                changedSize(cs.length);
                return true;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean addAll(int index, Collection<? extends E> c) {
            Object[] cs = elementsOf(c);
            root.lock.lock();
            try {
                checkValid();
                CopyOnWriteList.checkPosition(index, size);
                if (cs.length == 0) {
                    return false;
                }
                root.insertLocked(offset + index, cs);
                changedSize(cs.length);
                return true;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public E remove(int index) {
            root.lock.lock();
            try {
                checkValid();
                Objects.checkIndex(index, size);
                E old = root.removeLocked(offset + index);
                changedSize(-1);
                return old;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean remove(Object o) {
            root.lock.lock();
            try {
                checkValid();
                int i = CopyOnWriteList.indexOf(o, root.array, offset, offset + size);
                if (i < 0) {
                    return false;
                }
                root.removeLocked(i);
                changedSize(-1);
                return true;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public void clear() {
            root.lock.lock();
            try {
                checkValid();
                removeRange(0, size);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        protected void removeRange(int fromIndex, int toIndex) {
            root.lock.lock();
            try {
                checkValid();
                Objects.checkFromToIndex(fromIndex, toIndex, size);
                if (fromIndex == toIndex) {
                    return;
                }
                root.removeRangeLocked(offset + fromIndex, offset + toIndex);
                changedSize(fromIndex - toIndex);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean removeIf(Predicate<? super E> filter) {
            Objects.requireNonNull(filter, "filter");
            root.lock.lock();
            try {
                checkValid();
                int removed = root.removeIfLocked(filter, offset, offset + size);
                if (removed == 0) {
                    return false;
                }
                changedSize(-removed);
                return true;
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            Objects.requireNonNull(c, "c");
            return removeIf(c::contains);
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            Objects.requireNonNull(c, "c");
            return removeIf(e -> !c.contains(e));
        }

        @Override
        public void replaceAll(UnaryOperator<E> operator) {
            Objects.requireNonNull(operator, "operator");
            root.lock.lock();
            try {
                checkValid();
                root.replaceAllLocked(operator, offset, offset + size);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public void sort(Comparator<? super E> c) {
            root.lock.lock();
            try {
                checkValid();
                root.sortLocked(c, offset, offset + size);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public Iterator<E> iterator() {
            return listIterator(0);
        }

        @Override
        public ListIterator<E> listIterator(int index) {
            root.lock.lock();
            try {
                checkValid();
                CopyOnWriteList.checkPosition(index, size);
                return new SnapshotIterator<>(root.array, offset, offset + size, offset + index);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public Spliterator<E> spliterator() {
            return Spliterators.spliterator(toArray(), Spliterator.IMMUTABLE | Spliterator.ORDERED);
        }

        @Override
        public Object[] toArray() {
            root.lock.lock();
            try {
                checkValid();
                return Arrays.copyOfRange(root.array, offset, offset + size);
            } finally {
                root.lock.unlock();
            }
        }

        @Override
        public <T> T[] toArray(T[] a) {
            Objects.requireNonNull(a, "a");
            Object[] es = toArray();
            return copyInto(es, 0, es.length, a);
        }

        @Override
        public List<E> subList(int fromIndex, int toIndex) {
            root.lock.lock();
            try {
                checkValid();
                Objects.checkFromToIndex(fromIndex, toIndex, size);
                return new SubList<>(root, this, offset + fromIndex, toIndex - fromIndex, expectedChanges);
            } finally {
                root.lock.unlock();
            }
        }
    }
}

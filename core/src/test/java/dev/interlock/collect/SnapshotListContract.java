package dev.interlock.collect;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of a copy-on-write list as {@link java.util.concurrent.CopyOnWriteArrayList}
 * documents it (snapshot iterators that cannot modify the list, nulls allowed, atomic bulk
 * operations, atomic check-then-add, {@code List} equality), plus the JDK's conventions for bad input
 * (early exception, list left intact). Run on every implementation by a small subclass, and on
 * {@code CopyOnWriteArrayList} itself: a test that the JDK's list fails is a wrong test.
 *
 * <p>Sub-lists are not here: their behaviour is where the implementations differ (see the
 * subclasses). Guava testlib's generated suite covers the rest of the {@code List} contract.
 */
abstract class SnapshotListContract {

    /** A new list holding {@code elements} in order. */
    abstract List<String> newList(String... elements);

    /** The implementation's atomic {@code addIfAbsent}. */
    abstract boolean addIfAbsent(List<String> list, String e);

    /** The implementation's atomic {@code addAllAbsent}. */
    abstract int addAllAbsent(List<String> list, Collection<String> c);

    /* ---------------------------------------------------------------- snapshots */

    @Test
    void iteratorSeesTheElementsOfItsCreationWhateverHappensLater() {
        List<String> list = newList("a", "b", "c");
        Iterator<String> it = list.iterator();
        list.add("d");
        list.remove("a");
        list.set(0, "B");
        List<String> seen = new ArrayList<>();
        it.forEachRemaining(seen::add);
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(list).containsExactly("B", "c", "d");
    }

    @Test
    void iteratorNeverThrowsConcurrentModificationWhenTheListChangesDuringIteration() {
        List<String> list = newList("a", "b", "c");
        List<String> seen = new ArrayList<>();
        for (String s : list) {
            seen.add(s);
            list.add(s + "'"); // on an ArrayList: ConcurrentModificationException at the next step
            list.remove(0);
        }
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(list).containsExactly("a'", "b'", "c'");
    }

    @Test
    void iteratorRemoveIsUnsupportedAndLeavesTheListIntact() {
        List<String> list = newList("a", "b");
        Iterator<String> it = list.iterator();
        it.next();
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(list).containsExactly("a", "b");
    }

    @Test
    void listIteratorSetAndAddAreUnsupportedAndLeaveTheListIntact() {
        List<String> list = newList("a", "b");
        ListIterator<String> it = list.listIterator();
        it.next();
        assertThatThrownBy(() -> it.set("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> it.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(list).containsExactly("a", "b");
    }

    @Test
    void listIteratorStartsAtItsIndexAndWalksBothWaysOverItsSnapshot() {
        List<String> list = newList("a", "b", "c");
        ListIterator<String> it = list.listIterator(2);
        list.clear();
        assertThat(it.nextIndex()).isEqualTo(2);
        assertThat(it.previousIndex()).isEqualTo(1);
        assertThat(it.previous()).isEqualTo("b");
        assertThat(it.previous()).isEqualTo("a");
        assertThat(it.hasPrevious()).isFalse();
        assertThatThrownBy(it::previous).isInstanceOf(NoSuchElementException.class);
        assertThat(it.next()).isEqualTo("a");
        assertThat(it.next()).isEqualTo("b");
        assertThat(it.next()).isEqualTo("c");
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void spliteratorIsAnImmutableOrderedSizedSnapshot() {
        List<String> list = newList("a", "b", "c");
        Spliterator<String> sp = list.spliterator();
        list.add("d");
        assertThat(sp.hasCharacteristics(Spliterator.IMMUTABLE | Spliterator.ORDERED | Spliterator.SIZED)).isTrue();
        assertThat(sp.estimateSize()).isEqualTo(3);
        List<String> seen = new ArrayList<>();
        sp.forEachRemaining(seen::add);
        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void forEachWalksOneSnapshotEvenWhenTheActionChangesTheList() {
        List<String> list = newList("a", "b");
        List<String> seen = new ArrayList<>();
        list.forEach(s -> {
            seen.add(s);
            list.add(s + "'");
        });
        assertThat(seen).containsExactly("a", "b");
        assertThat(list).containsExactly("a", "b", "a'", "b'");
    }

    @Test
    void toArrayIsACopyTheCallerOwns() {
        List<String> list = newList("a", "b");
        Object[] a = list.toArray();
        a[0] = "changed";
        assertThat(list).containsExactly("a", "b");
        String[] big = {"x", "x", "x", "x"};
        assertThat(list.toArray(big)).isSameAs(big).containsExactly("a", "b", null, "x");
        assertThat(list.toArray(new String[0])).isInstanceOf(String[].class).containsExactly("a", "b");
    }

    /* ---------------------------------------------------------------- List contract, COWAL's choices */

    @Test
    void nullElementsAreAllowed() {
        List<String> list = newList("a", null, "b", null);
        assertThat(list.contains(null)).isTrue();
        assertThat(list.indexOf(null)).isEqualTo(1);
        assertThat(list.lastIndexOf(null)).isEqualTo(3);
        assertThat(list.remove(null)).isTrue();
        assertThat(list).containsExactly("a", "b", null);
        assertThat(list.toString()).isEqualTo("[a, b, null]");
    }

    @Test
    void equalsAndHashCodeFollowTheListContract() {
        List<String> list = newList("a", null, "b");
        List<String> same = new ArrayList<>(Arrays.asList("a", null, "b"));
        assertThat(list).isEqualTo(same);
        assertThat(same).isEqualTo(list);
        assertThat(list.hashCode()).isEqualTo(same.hashCode());
        assertThat(list).isNotEqualTo(List.of("a", "b"));
        assertThat(list).isNotEqualTo(new ArrayList<>(Arrays.asList("a", null, "b", "c")));
        assertThat(list.equals(new HashSet<>(Arrays.asList("a", null, "b")))).isFalse();
        assertThat(newList().hashCode()).isEqualTo(1);
    }

    @Test
    void toStringListsTheElementsInOrder() {
        assertThat(newList().toString()).isEqualTo("[]");
        assertThat(newList("a", "b").toString()).isEqualTo("[a, b]");
    }

    @Test
    void addIfAbsentAddsOnlyAMissingElement() {
        List<String> list = newList("a", null);
        assertThat(addIfAbsent(list, "a")).isFalse();
        assertThat(addIfAbsent(list, null)).isFalse();
        assertThat(addIfAbsent(list, "b")).isTrue();
        assertThat(list).containsExactly("a", null, "b");
    }

    @Test
    void addAllAbsentAppendsEachMissingElementOnceInOrder() {
        List<String> list = newList("a", "b");
        assertThat(addAllAbsent(list, Arrays.asList("c", "a", "d", "c", null, null))).isEqualTo(3);
        assertThat(list).containsExactly("a", "b", "c", "d", null);
        assertThat(addAllAbsent(list, List.of())).isZero();
    }

    @Test
    void sequencedMethodsWorkOnOneSnapshotAndRefuseAnEmptyList() {
        List<String> list = newList("b");
        list.addFirst("a");
        list.addLast("c");
        assertThat(list.getFirst()).isEqualTo("a");
        assertThat(list.getLast()).isEqualTo("c");
        assertThat(list.removeFirst()).isEqualTo("a");
        assertThat(list.removeLast()).isEqualTo("c");
        assertThat(list).containsExactly("b");
        list.clear();
        assertThatThrownBy(list::getFirst).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(list::getLast).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(list::removeFirst).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(list::removeLast).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void reversedViewReadsBackwardsAndWritesThrough() {
        List<String> list = newList("a", "b", "c");
        List<String> reversed = list.reversed();
        assertThat(reversed).containsExactly("c", "b", "a");
        reversed.addFirst("d");
        assertThat(list).containsExactly("a", "b", "c", "d");
    }

    /* ---------------------------------------------------------------- atomic bulk operations */

    @Test
    void bulkOperationsChangeTheListAsTheirSequentialDefinitionsDo() {
        List<String> list = newList("a", "b", "c", "d", "e");
        assertThat(list.removeAll(List.of("b", "x"))).isTrue();
        assertThat(list.retainAll(List.of("a", "c", "d"))).isTrue();
        assertThat(list.retainAll(List.of("a", "c", "d"))).isFalse();
        assertThat(list.removeIf(s -> s.equals("c"))).isTrue();
        assertThat(list.removeIf(s -> false)).isFalse();
        list.replaceAll(String::toUpperCase);
        assertThat(list.addAll(1, List.of("z", "y"))).isTrue();
        assertThat(list).containsExactly("A", "z", "y", "D");
        list.sort(null);
        assertThat(list).containsExactly("A", "D", "y", "z");
        list.sort(Comparator.reverseOrder());
        assertThat(list).containsExactly("z", "y", "D", "A");
    }

    @Test
    void removeIfChangesNothingWhenThePredicateThrowsPartWay() {
        List<String> list = newList("a", "b", "c");
        assertThatThrownBy(() -> list.removeIf(s -> {
            if (s.equals("c")) {
                throw new IllegalStateException("boom");
            }
            return true;
        })).isInstanceOf(IllegalStateException.class);
        assertThat(list).containsExactly("a", "b", "c");
    }

    @Test
    void replaceAllChangesNothingWhenTheOperatorThrowsPartWay() {
        List<String> list = newList("a", "b", "c");
        assertThatThrownBy(() -> list.replaceAll(s -> {
            if (s.equals("c")) {
                throw new IllegalStateException("boom");
            }
            return s + "!";
        })).isInstanceOf(IllegalStateException.class);
        assertThat(list).containsExactly("a", "b", "c");
    }

    @Test
    void sortChangesNothingWhenTheElementsCannotBeCompared() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Object> list = (List) newList("b", "a");
        list.add(new Object());
        assertThatThrownBy(() -> list.sort(null)).isInstanceOf(ClassCastException.class);
        assertThat(list).hasSize(3).startsWith("b", "a");
    }

    /* ---------------------------------------------------------------- bad input */

    @Test
    void indexOutOfRangeThrowsIndexOutOfBoundsAndLeavesTheListIntact() {
        List<String> list = newList("a", "b");
        assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.set(2, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.add(3, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.add(-1, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.addAll(3, List.of("x"))).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.remove(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.listIterator(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.listIterator(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.subList(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.subList(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> list.subList(2, 1)).isInstanceOfAny(IndexOutOfBoundsException.class,
                IllegalArgumentException.class);
        assertThat(list).containsExactly("a", "b");
    }

    @Test
    void nullArgumentsThrowNullPointerAndLeaveTheListIntact() {
        List<String> list = newList("a", "b");
        assertThatThrownBy(() -> list.addAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.addAll(0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.removeAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.retainAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.containsAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.removeIf(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.replaceAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.forEach(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> list.toArray((String[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> addAllAbsent(list, null)).isInstanceOf(NullPointerException.class);
        assertThat(list).containsExactly("a", "b");
    }

    @Test
    void anElementOfTheWrongTypeForToArrayThrowsArrayStoreAndLeavesTheListIntact() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Object> list = (List) newList("a");
        list.add(1);
        assertThatThrownBy(() -> list.toArray(new String[0])).isInstanceOf(ArrayStoreException.class);
        assertThat(list).containsExactly("a", 1);
    }

    /* ---------------------------------------------------------------- concurrency */

    @Test
    void concurrentAddsAreAllKept() throws Exception {
        List<String> list = newList();
        int threads = 4;
        int perThread = 1_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                group.start("adder-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        list.add(prefix + i);
                    }
                });
            }
        }
        assertThat(list).hasSize(threads * perThread);
        assertThat(new HashSet<>(list)).hasSize(threads * perThread);
    }

    @Test
    void concurrentAddIfAbsentAddsEachValueExactlyOnce() throws Exception {
        List<String> list = newList();
        int threads = 4;
        int values = 500;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicLong successes = new AtomicLong();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("adder-" + t, () -> {
                    start.await();
                    for (int i = 0; i < values; i++) {
                        if (addIfAbsent(list, "v" + i)) {
                            successes.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(list).hasSize(values);
        assertThat(new HashSet<>(list)).hasSize(values);
        assertThat(successes.get()).isEqualTo(values);
    }

    /**
     * A writer appends 1, 2, 3, ... and removes the oldest beyond a window; readers iterate all the
     * while. Every iteration must see a run of consecutive numbers (no gap, repeat or null) no longer
     * than the window plus one: a state the list was really in.
     */
    @Test
    void readersIterateOnlyStatesTheListWasInWhileAWriterAppendsAndTrims() throws Exception {
        List<String> list = newList();
        int writes = 3_000;
        int window = 16;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicLong iterations = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(3);
        try (TestThreads group = new TestThreads()) {
            group.start("writer", () -> {
                start.await();
                try {
                    for (int i = 1; i <= writes; i++) {
                        list.add(Integer.toString(i));
                        if (list.size() > window) {
                            list.remove(0);
                        }
                    }
                } finally {
                    writing.set(false);
                }
            });
            for (int r = 0; r < 2; r++) {
                group.start("reader-" + r, () -> {
                    start.await();
                    do {
                        long previous = -1;
                        int count = 0;
                        for (String s : list) {
                            long v = Long.parseLong(s);
                            if (previous != -1 && v != previous + 1) {
                                torn.compareAndSet(null, "saw " + previous + " then " + v);
                            }
                            previous = v;
                            count++;
                        }
                        if (count > window + 1) {
                            torn.compareAndSet(null, "saw " + count + " elements");
                        }
                        iterations.incrementAndGet();
                    } while (writing.get());
                });
            }
        }
        assertThat(torn.get()).isNull();
        assertThat(iterations.get()).isPositive();
        assertThat(list).hasSize(window).first().isEqualTo(Integer.toString(writes - window + 1));
    }

    /** An element whose state is plain fields set by the thread that adds it. */
    private static final class Box {
        int value;
        List<String> items = new ArrayList<>();
    }

    @Test
    void anAddedElementIsSeenWithTheFieldsItsWriterSetBeforeAdding() throws Exception {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Box> list = (List) newList();
        int boxes = 2_000;
        try (TestThreads group = new TestThreads()) {
            group.start("writer", () -> {
                for (int i = 1; i <= boxes; i++) {
                    Box b = new Box();
                    b.value = i;
                    b.items.add("item " + i);
                    list.add(b);
                }
            });
            group.start("reader", () -> {
                int seen = 0;
                while (seen < boxes && !Thread.currentThread().isInterrupted()) {
                    int size = list.size();
                    for (int i = seen; i < size; i++) {
                        Box b = list.get(i);
                        assertThat(b.value).isEqualTo(i + 1);
                        assertThat(b.items).containsExactly("item " + (i + 1));
                    }
                    seen = size;
                    Thread.onSpinWait();
                }
            });
        }
        assertThat(list).hasSize(boxes);
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        List<String> list = newList();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 50; t++) {
                String name = "v" + t;
                group.startVirtual(name, () -> {
                    for (int i = 0; i < 20; i++) {
                        addIfAbsent(list, name + "-" + i);
                        assertThat(list.contains(name + "-" + i)).isTrue();
                    }
                });
            }
        }
        Set<String> distinct = new HashSet<>(list);
        assertThat(distinct).hasSize(1_000);
        assertThat(list).hasSize(1_000);
    }
}

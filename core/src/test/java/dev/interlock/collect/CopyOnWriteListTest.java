package dev.interlock.collect;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.NoSuchElementException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link CopyOnWriteList}: the snapshot-list contract, plus what is its own: the sub-list view
 * (valid across non-structural changes of the backing list, {@code ConcurrentModificationException}
 * after structural ones made elsewhere), the copy constructor, serialization and {@code toString} of
 * a list that contains itself.
 */
class CopyOnWriteListTest extends SnapshotListContract {

    @Override
    List<String> newList(String... elements) {
        return new CopyOnWriteList<>(Arrays.asList(elements));
    }

    @Override
    boolean addIfAbsent(List<String> list, String e) {
        return ((CopyOnWriteList<String>) list).addIfAbsent(e);
    }

    @Override
    int addAllAbsent(List<String> list, Collection<String> c) {
        return ((CopyOnWriteList<String>) list).addAllAbsent(c);
    }

    /* ---------------------------------------------------------------- sub-lists */

    @Test
    void subListReadsAndWritesThroughToTheBackingList() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c", "d"));
        List<String> sub = list.subList(1, 3);
        assertThat(sub).containsExactly("b", "c");
        sub.set(0, "B");
        sub.add("x");
        sub.add(0, "y");
        assertThat(sub.remove("c")).isTrue();
        assertThat(sub.remove("zz")).isFalse();
        assertThat(sub).containsExactly("y", "B", "x");
        assertThat(list).containsExactly("a", "y", "B", "x", "d");
        sub.clear();
        assertThat(sub).isEmpty();
        assertThat(list).containsExactly("a", "d");
    }

    @Test
    void subListSeesSetReplaceAllAndSortOnTheBackingList() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("d", "c", "b", "a"));
        List<String> sub = list.subList(1, 3);
        list.set(1, "C");
        assertThat(sub).containsExactly("C", "b");
        list.replaceAll(String::toUpperCase);
        assertThat(sub).containsExactly("C", "B");
        list.sort(null);
        assertThat(sub).containsExactly("B", "C");
    }

    @Test
    void subListThrowsConcurrentModificationAfterTheBackingListChangesSizeElsewhere() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c"));
        List<String> sub = list.subList(0, 2);
        list.add("d");
        assertThatThrownBy(sub::size).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> sub.get(0)).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> sub.set(0, "x")).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> sub.add("x")).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(sub::iterator).isInstanceOf(ConcurrentModificationException.class);
        assertThat(list).containsExactly("a", "b", "c", "d");
    }

    @Test
    void subListRemainsInvalidAfterAnAddAndRemoveThatRestoreTheSize() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c"));
        List<String> sub = list.subList(1, 3);
        list.add(0, "z");
        list.remove(3);
        assertThat(list).hasSize(3);
        assertThatThrownBy(sub::size).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void aWriteThroughASiblingViewInvalidatesTheOtherView() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c", "d"));
        List<String> left = list.subList(0, 2);
        List<String> right = list.subList(2, 4);
        right.add("e");
        assertThat(right).containsExactly("c", "d", "e");
        assertThatThrownBy(left::size).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void aWriteThroughANestedViewKeepsItsParentsValidAndSized() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c", "d", "e"));
        List<String> outer = list.subList(1, 5);
        List<String> inner = outer.subList(1, 3);
        assertThat(inner).containsExactly("c", "d");
        inner.add("x");
        inner.remove(0);
        assertThat(inner).containsExactly("d", "x");
        assertThat(outer).containsExactly("b", "d", "x", "e");
        assertThat(list).containsExactly("a", "b", "d", "x", "e");
        outer.add(0, "y");
        assertThat(outer).containsExactly("y", "b", "d", "x", "e");
        assertThatThrownBy(inner::size).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void subListBulkOperationsAreConfinedToTheViewsRange() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c", "a", "b", "c"));
        List<String> sub = list.subList(2, 5);
        assertThat(sub.removeIf(s -> s.equals("a"))).isTrue();
        assertThat(sub).containsExactly("c", "b");
        sub.replaceAll(String::toUpperCase);
        sub.sort(null);
        assertThat(sub.addAll(List.of("q"))).isTrue();
        assertThat(sub.addAll(0, List.of("p"))).isTrue();
        assertThat(sub.retainAll(List.of("p", "B", "q"))).isTrue();
        assertThat(sub.removeAll(List.of("q"))).isTrue();
        assertThat(sub).containsExactly("p", "B");
        assertThat(list).containsExactly("a", "b", "p", "B", "c");
        assertThat(sub.toArray()).containsExactly("p", "B");
        assertThat(sub.toArray(new String[0])).containsExactly("p", "B");
        assertThat(sub.indexOf("B")).isEqualTo(1);
        assertThat(sub.contains("a")).isFalse();
        assertThat(sub).isEqualTo(List.of("p", "B"));
        assertThat(sub.hashCode()).isEqualTo(List.of("p", "B").hashCode());
        assertThat(sub.toString()).isEqualTo("[p, B]");
    }

    @Test
    void subListIteratorIsASnapshotOfTheRangeThatCannotModify() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c", "d"));
        List<String> sub = list.subList(1, 3);
        ListIterator<String> it = sub.listIterator(1);
        sub.set(1, "C");
        assertThat(it.previousIndex()).isZero();
        assertThat(it.next()).isEqualTo("c");
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> it.set("x")).isInstanceOf(UnsupportedOperationException.class);
        List<String> seen = new ArrayList<>();
        sub.spliterator().forEachRemaining(seen::add);
        assertThat(seen).containsExactly("b", "C");
    }

    @Test
    void subListRejectsBadIndexesAndStaysIntact() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b", "c"));
        List<String> sub = list.subList(1, 3);
        assertThatThrownBy(() -> sub.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sub.add(3, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sub.remove(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sub.subList(1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sub.listIterator(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sub.addAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> sub.removeIf(null)).isInstanceOf(NullPointerException.class);
        assertThat(sub).containsExactly("b", "c");
        assertThat(list).containsExactly("a", "b", "c");
    }

    /* ---------------------------------------------------------------- the rest of its own */

    @Test
    void copyConstructorTakesASnapshotAndTheCopiesChangeIndependently() {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of("a", "b"));
        CopyOnWriteList<String> copy = new CopyOnWriteList<>(list);
        list.add("c");
        copy.set(0, "A");
        assertThat(list).containsExactly("a", "b", "c");
        assertThat(copy).containsExactly("A", "b");
    }

    @Test
    void constructorRefusesNullAndCopiesAnArrayTheSourceMayKeep() {
        assertThatThrownBy(() -> new CopyOnWriteList<>(null)).isInstanceOf(NullPointerException.class);
        String[] shared = {"a", "b"};
        List<String> leaky = new AbstractList<>() {
            @Override
            public String get(int index) {
                return shared[index];
            }

            @Override
            public int size() {
                return shared.length;
            }

            @Override
            public Object[] toArray() {
                return shared; // breaks toArray's contract: the caller must get its own array
            }
        };
        CopyOnWriteList<Object> list = new CopyOnWriteList<>(leaky);
        shared[0] = "changed";
        list.add(1); // would be an ArrayStoreException in a String[]
        assertThat(list).containsExactly("a", "b", 1);
    }

    @Test
    void toStringOfAListThatContainsItselfNamesItInsteadOfRecursing() {
        CopyOnWriteList<Object> self = new CopyOnWriteList<>();
        self.add("a");
        self.add(self);
        assertThat(self.toString()).isEqualTo("[a, (this Collection)]");
    }

    @Test
    void serializationRoundTripKeepsTheElementsAndGivesAWorkingList() throws Exception {
        CopyOnWriteList<String> list = new CopyOnWriteList<>(Arrays.asList("a", null, "b"));
        CopyOnWriteList<String> back = roundTrip(list);
        assertThat(back).isEqualTo(list).isNotSameAs(list);
        back.add("c");
        assertThat(back.addIfAbsent("a")).isFalse();
        assertThat(back).containsExactly("a", null, "b", "c");
        assertThat(list).containsExactly("a", null, "b");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void settingTheIdenticalElementReturnsItAndChangesNothing() {
        String a = "a";
        CopyOnWriteList<String> list = new CopyOnWriteList<>(List.of(a, "b"));
        Iterator<String> before = list.iterator();
        List<String> sub = list.subList(0, 1);
        assertThat(list.set(0, a)).isSameAs(a);
        assertThat(list).containsExactly("a", "b");
        assertThat(sub).containsExactly("a");
        assertThat(before.next()).isSameAs(a);
    }

    @Test
    void iteratorsOfAnEmptyListEndAtOnce() {
        Iterator<String> it = new CopyOnWriteList<String>().iterator();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }
}

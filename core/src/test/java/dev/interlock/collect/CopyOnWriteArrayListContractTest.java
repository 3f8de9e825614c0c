package dev.interlock.collect;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The snapshot-list contract on the JDK's {@link CopyOnWriteArrayList}: it must pass, or the contract
 * is wrong. Plus the one sub-list behaviour where {@link CopyOnWriteList} chose differently, pinned
 * here so the difference its class doc describes stays true.
 */
class CopyOnWriteArrayListContractTest extends SnapshotListContract {

    @Override
    List<String> newList(String... elements) {
        return new CopyOnWriteArrayList<>(Arrays.asList(elements));
    }

    @Override
    boolean addIfAbsent(List<String> list, String e) {
        return ((CopyOnWriteArrayList<String>) list).addIfAbsent(e);
    }

    @Override
    int addAllAbsent(List<String> list, Collection<String> c) {
        return ((CopyOnWriteArrayList<String>) list).addAllAbsent(c);
    }

    /** The JDK's view fails after any change made elsewhere, even a set; CopyOnWriteList's shows the set. */
    @Test
    void jdkSubListThrowsConcurrentModificationEvenAfterASetOnTheBackingList() {
        CopyOnWriteArrayList<String> list = new CopyOnWriteArrayList<>(List.of("a", "b", "c"));
        List<String> sub = list.subList(0, 2);
        list.set(0, "A");
        assertThatThrownBy(sub::size).isInstanceOf(ConcurrentModificationException.class);

        CopyOnWriteList<String> ours = new CopyOnWriteList<>(List.of("a", "b", "c"));
        List<String> ourSub = ours.subList(0, 2);
        ours.set(0, "A");
        assertThat(ourSub).containsExactly("A", "b");
    }
}

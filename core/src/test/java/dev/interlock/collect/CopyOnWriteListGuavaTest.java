package dev.interlock.collect;

import com.google.common.collect.testing.ListTestSuiteBuilder;
import com.google.common.collect.testing.MinimalCollection;
import com.google.common.collect.testing.TestStringListGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.ListFeature;
import com.google.common.collect.testing.testers.CollectionSpliteratorTester;
import com.google.common.collect.testing.testers.ListListIteratorTester;
import com.google.common.collect.testing.testers.ListSubListTester;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Guava testlib's {@code List} and {@code Collection} conformance suites (every method, every size up
 * to "several", list iterators driven through every sequence of moves against a model, sub-lists,
 * serialization) on {@link CopyOnWriteList}, with the feature set Guava's own
 * {@code TestsForListsInJavaUtil} uses for {@link CopyOnWriteArrayList}:
 * <ul>
 *   <li>{@code SUPPORTS_ADD}, {@code SUPPORTS_REMOVE}, {@code SUPPORTS_SET},
 *       {@code SUPPORTS_ADD_WITH_INDEX}, {@code SUPPORTS_REMOVE_WITH_INDEX}: every optional list
 *       operation is supported;</li>
 *   <li>not {@code SUPPORTS_ITERATOR_REMOVE}: iterators are snapshots and cannot modify the list;</li>
 *   <li>{@code ALLOWS_NULL_VALUES}: null elements are allowed;</li>
 *   <li>not {@code FAILS_FAST_ON_CONCURRENT_MODIFICATION}: iterators never throw
 *       {@code ConcurrentModificationException};</li>
 *   <li>{@code SERIALIZABLE}: a serialized and deserialized list is equal to the original (the
 *       suite adds a "reserialized" copy of itself).</li>
 * </ul>
 * Suppressed for {@code CopyOnWriteList}, three tests, each explained by documented snapshot
 * behaviour (class doc, "Iterators"), the same as {@code CopyOnWriteArrayList}'s:
 * <ul>
 *   <li>{@code testListIterator_fullyModifiable} expects a list iterator with {@code set},
 *       {@code add} and {@code remove} because the list supports them; snapshot list iterators throw
 *       {@code UnsupportedOperationException} for all three ({@code testListIterator_unmodifiable},
 *       which checks exactly that, runs and passes);</li>
 *   <li>{@code testSpliteratorNotImmutable_collectionAllowsAdd} and
 *       {@code ..._collectionAllowsRemove} expect a modifiable collection's spliterator not to report
 *       {@code IMMUTABLE}; ours is a snapshot that no change to the list can affect, so it reports
 *       {@code IMMUTABLE}, as the JDK's copy-on-write collections do.</li>
 * </ul>
 *
 * <p>The same suite runs on {@code CopyOnWriteArrayList} as a reference, with the six suppressions
 * Guava's own {@code TestsForListsInJavaUtil} (33.8.0) uses for it: the same three, and three
 * sub-list tests that {@code CopyOnWriteList} passes: {@code testSubList_originalListSetAffectsSubList}
 * (and its large-list variant: the JDK's sub-list throws {@code ConcurrentModificationException}
 * after a {@code set} on the backing list, where ours shows the change) and
 * {@code testSubList_subListRemoveAffectsOriginalLargeList} (an old JDK bug, JDK-6570575).
 *
 * <p>JUnit 3 style ({@code suite()}), run by the JUnit vintage engine.
 */
public final class CopyOnWriteListGuavaTest {

    private CopyOnWriteListGuavaTest() {
    }

    public static Test suite() {
        TestSuite suite = new TestSuite("CopyOnWriteList conformance, Guava testlib");
        suite.addTest(listSuite("CopyOnWriteList", new TestStringListGenerator() {
            @Override
            protected List<String> create(String[] elements) {
                return new CopyOnWriteList<>(MinimalCollection.of(elements));
            }
        }, List.of(
                ListListIteratorTester.getListIteratorFullyModifiableMethod(),
                CollectionSpliteratorTester.getSpliteratorNotImmutableCollectionAllowsAddMethod(),
                CollectionSpliteratorTester.getSpliteratorNotImmutableCollectionAllowsRemoveMethod())));
        suite.addTest(listSuite("CopyOnWriteArrayList, reference", new TestStringListGenerator() {
            @Override
            protected List<String> create(String[] elements) {
                return new CopyOnWriteArrayList<>(MinimalCollection.of(elements));
            }
        }, List.of(
                ListListIteratorTester.getListIteratorFullyModifiableMethod(),
                CollectionSpliteratorTester.getSpliteratorNotImmutableCollectionAllowsAddMethod(),
                CollectionSpliteratorTester.getSpliteratorNotImmutableCollectionAllowsRemoveMethod(),
                ListSubListTester.getSubListOriginalListSetAffectsSubListMethod(),
                ListSubListTester.getSubListOriginalListSetAffectsSubListLargeListMethod(),
                ListSubListTester.getSubListSubListRemoveAffectsOriginalLargeListMethod())));
        return suite;
    }

    private static Test listSuite(String name, TestStringListGenerator generator, List<Method> suppressed) {
        return ListTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(
                        ListFeature.SUPPORTS_ADD_WITH_INDEX,
                        ListFeature.SUPPORTS_REMOVE_WITH_INDEX,
                        ListFeature.SUPPORTS_SET,
                        CollectionFeature.SUPPORTS_ADD,
                        CollectionFeature.SUPPORTS_REMOVE,
                        CollectionFeature.SERIALIZABLE,
                        CollectionFeature.ALLOWS_NULL_VALUES,
                        CollectionSize.ANY)
                .suppressing(suppressed)
                .createTestSuite();
    }
}

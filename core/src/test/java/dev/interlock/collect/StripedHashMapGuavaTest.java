package dev.interlock.collect;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.testers.CollectionAddAllTester;
import com.google.common.collect.testing.testers.CollectionAddTester;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.Feature;
import com.google.common.collect.testing.features.MapFeature;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Guava testlib's {@code ConcurrentMap} conformance suite (every {@code Map} and {@code ConcurrentMap}
 * method, its key, value and entry views and their iterators, at every size up to "several") on
 * {@link StripedHashMap}, with the feature set Guava's own suite uses for {@code ConcurrentHashMap}
 * ({@code TestsForMapsInJavaUtil.testsForConcurrentHashMap}):
 * <ul>
 *   <li>{@code MapFeature.GENERAL_PURPOSE}: put, remove, clear and the compound operations supported,
 *       with the views supporting removal;</li>
 *   <li>{@code CollectionFeature.SUPPORTS_ITERATOR_REMOVE}: the views' iterators remove;</li>
 *   <li>no {@code ALLOWS_NULL_KEYS}, {@code ALLOWS_NULL_VALUES} nor null queries: null keys and values
 *       throw {@code NullPointerException} (the class doc's "Nulls");</li>
 *   <li>not {@code SERIALIZABLE}: unlike {@code ConcurrentHashMap}, the map is not (class doc).</li>
 * </ul>
 * No test is suppressed for {@code StripedHashMap}. Three stripe counts run: 1 (every key in one table,
 * which grows), 4 and the default 16. The same suite also runs on {@code ConcurrentHashMap}, to show the
 * feature set is the JDK's; there, and only there, three tests are suppressed, as in Guava's own
 * OpenJDK suite ({@code OpenJdk6MapTests.suppressForConcurrentHashMap}): {@code ConcurrentHashMap}'s
 * entry set supports {@code add} since JDK 8, which no {@code Map} feature describes. Ours, like
 * every other map's, throws {@code UnsupportedOperationException} (class doc: "no {@code add}").
 *
 * <p>JUnit 3 style ({@code suite()}), run by the JUnit vintage engine.
 */
public final class StripedHashMapGuavaTest {

    private StripedHashMapGuavaTest() {
    }

    public static Test suite() {
        TestSuite suite = new TestSuite("StripedHashMap conformance, Guava testlib");
        suite.addTest(mapSuite("StripedHashMap, 1 stripe", () -> new StripedHashMap<>(1), List.of()));
        suite.addTest(mapSuite("StripedHashMap, 4 stripes", () -> new StripedHashMap<>(4), List.of()));
        suite.addTest(mapSuite("StripedHashMap, default stripes", StripedHashMap::new, List.of()));
        suite.addTest(mapSuite("ConcurrentHashMap, reference", ConcurrentHashMap::new, List.of(
                        CollectionAddAllTester.getAddAllUnsupportedNonePresentMethod(),
                        CollectionAddAllTester.getAddAllUnsupportedSomePresentMethod(),
                        CollectionAddTester.getAddUnsupportedNotPresentMethod()),
                CollectionFeature.SERIALIZABLE));
        return suite;
    }

    private static Test mapSuite(String name, Supplier<ConcurrentMap<String, String>> factory,
                                 List<Method> suppressed, Feature<?>... extra) {
        List<Feature<?>> features = new ArrayList<>(List.of(MapFeature.GENERAL_PURPOSE,
                CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionSize.ANY));
        features.addAll(List.of(extra));
        return ConcurrentMapTestSuiteBuilder.using(new TestStringMapGenerator() {
                    @Override
                    protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                        ConcurrentMap<String, String> map = factory.get();
                        for (Map.Entry<String, String> e : entries) {
                            map.put(e.getKey(), e.getValue());
                        }
                        return map;
                    }
                })
                .named(name)
                .withFeatures(features)
                .suppressing(suppressed)
                .createTestSuite();
    }
}

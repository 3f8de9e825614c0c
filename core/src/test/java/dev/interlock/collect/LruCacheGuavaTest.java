package dev.interlock.collect;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import com.google.common.collect.testing.testers.CollectionAddAllTester;
import com.google.common.collect.testing.testers.CollectionAddTester;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guava testlib's {@code ConcurrentMap} and {@code Map} conformance suites (every method, every size up
 * to "several", the key, value and entry views, iterators driven against a model) on
 * {@link LruCache#asMap()}, with a capacity (100) larger than any map the suite builds, so that
 * eviction never happens and the view must behave as a plain {@code ConcurrentMap}. Features, as
 * {@link ConcurrentHashMap}'s (Guava's own suite uses the same set for it, plus serializable):
 * <ul>
 *   <li>{@code GENERAL_PURPOSE}: put, remove, and every view's removal are supported;</li>
 *   <li>{@code SUPPORTS_ITERATOR_REMOVE}: view iterators remove the last returned key;</li>
 *   <li>not {@code ALLOWS_NULL_KEYS}/{@code VALUES} (nor their queries): nulls throw
 *       {@code NullPointerException}, as documented in {@code LruCache.asMap()};</li>
 *   <li>not {@code KNOWN_ORDER}: iteration follows the lookup map, not recency;</li>
 *   <li>not {@code FAILS_FAST_ON_CONCURRENT_MODIFICATION}: iteration is weakly consistent;</li>
 *   <li>not {@code SERIALIZABLE}.</li>
 * </ul>
 * No test is suppressed for {@code LruCache}. The same suite also runs on {@code ConcurrentHashMap},
 * to show the feature set is the JDK's; there three tests are suppressed, because
 * {@code ConcurrentHashMap.entrySet().add(e)} is documented to put the entry, while the suite expects
 * a map's entry set to refuse {@code add} and {@code addAll} ({@code UnsupportedOperationException}),
 * as our view's does.
 *
 * <p>JUnit 3 style ({@code suite()}), run by the JUnit vintage engine.
 */
public final class LruCacheGuavaTest {

    /** Larger than any map the suite creates: no eviction. */
    private static final int CAPACITY = 100;

    private LruCacheGuavaTest() {
    }

    public static Test suite() {
        TestSuite suite = new TestSuite("LruCache.asMap() conformance, Guava testlib");
        suite.addTest(mapSuite("LruCache.asMap", new TestStringMapGenerator() {
            @Override
            protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                LruCache<String, String> cache = new LruCache<>(CAPACITY);
                for (Map.Entry<String, String> e : entries) {
                    cache.put(e.getKey(), e.getValue());
                }
                return cache.asMap();
            }
        }));
        suite.addTest(mapSuite("ConcurrentHashMap, reference", new TestStringMapGenerator() {
            @Override
            protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                Map<String, String> map = new ConcurrentHashMap<>();
                for (Map.Entry<String, String> e : entries) {
                    map.put(e.getKey(), e.getValue());
                }
                return map;
            }
        }, CollectionAddTester.getAddUnsupportedNotPresentMethod(),
                CollectionAddAllTester.getAddAllUnsupportedNonePresentMethod(),
                CollectionAddAllTester.getAddAllUnsupportedSomePresentMethod()));
        return suite;
    }

    private static Test mapSuite(String name, TestStringMapGenerator generator, Method... suppressed) {
        return ConcurrentMapTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                        CollectionSize.ANY)
                .suppressing(suppressed)
                .createTestSuite();
    }
}

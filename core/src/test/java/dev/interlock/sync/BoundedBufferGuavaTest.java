package dev.interlock.sync;

import com.google.common.collect.testing.MinimalCollection;
import com.google.common.collect.testing.QueueTestSuiteBuilder;
import com.google.common.collect.testing.TestStringQueueGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import junit.framework.Test;
import junit.framework.TestSuite;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Guava testlib's {@code Queue} and {@code Collection} conformance suites (hundreds of generated
 * tests: every method, every size up to "several", iterators driven through every sequence of
 * {@code next}/{@code remove} calls against a model) on {@link BoundedBuffer}, with the feature set
 * that describes {@link ArrayBlockingQueue} and that Guava's own suite uses for it:
 * <ul>
 *   <li>{@code GENERAL_PURPOSE}: add, remove and {@code Iterator.remove} are supported;</li>
 *   <li>{@code KNOWN_ORDER}: iteration is FIFO, head first;</li>
 *   <li>not {@code ALLOWS_NULL_VALUES}: null elements throw {@code NullPointerException} and
 *       {@code contains(null)}/{@code remove(null)} are false;</li>
 *   <li>not {@code RESTRICTS_ELEMENTS}: any non-null element is accepted (the capacity, 100, is
 *       larger than any collection the suite builds, so "full" never arises);</li>
 *   <li>not {@code FAILS_FAST_ON_CONCURRENT_MODIFICATION}: the iterator is weakly consistent;</li>
 *   <li>not {@code SERIALIZABLE}: unlike {@code ArrayBlockingQueue}, the buffer is not.</li>
 * </ul>
 * No test is suppressed. The same suite also runs on {@code ArrayBlockingQueue}, to show the
 * feature set is the JDK's.
 *
 * <p>JUnit 3 style ({@code suite()}), run by the JUnit vintage engine.
 */
public final class BoundedBufferGuavaTest {

    /** Larger than any collection the suite creates. */
    private static final int CAPACITY = 100;

    private BoundedBufferGuavaTest() {
    }

    public static Test suite() {
        TestSuite suite = new TestSuite("BoundedBuffer conformance, Guava testlib");
        suite.addTest(queueSuite("BoundedBuffer", new TestStringQueueGenerator() {
            @Override
            protected Queue<String> create(String[] elements) {
                BoundedBuffer<String> b = new BoundedBuffer<>(CAPACITY);
                b.addAll(MinimalCollection.of(elements));
                return b;
            }
        }));
        suite.addTest(queueSuite("ArrayBlockingQueue, reference", new TestStringQueueGenerator() {
            @Override
            protected Queue<String> create(String[] elements) {
                return new ArrayBlockingQueue<>(CAPACITY, false, MinimalCollection.of(elements));
            }
        }));
        return suite;
    }

    private static Test queueSuite(String name, TestStringQueueGenerator generator) {
        return QueueTestSuiteBuilder.using(generator)
                .named(name)
                .withFeatures(CollectionFeature.GENERAL_PURPOSE, CollectionFeature.KNOWN_ORDER, CollectionSize.ANY)
                .createTestSuite();
    }
}

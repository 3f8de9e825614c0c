package dev.interlock.testing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ConcurrentMap} contract for maps without null keys or values, as the JDK documents it
 * ({@code ConcurrentMap}, {@code Map} and {@code ConcurrentHashMap}'s javadoc), run on every
 * implementation by a small subclass: per-key atomicity of every compound operation under real
 * contention, null handling, weakly consistent iteration. It also runs on
 * {@link java.util.concurrent.ConcurrentHashMap}: a test that the JDK's map fails is a wrong test.
 *
 * <p>The sequential behaviour of every method is covered far more widely by Guava testlib's
 * {@code ConcurrentMapTestSuiteBuilder}; this base adds what a sequential suite cannot see.
 */
public abstract class ConcurrentMapContract {

    /** A fresh, empty map. */
    protected abstract <K, V> ConcurrentMap<K, V> newMap();

    // ------------------------------------------------------------------ single-threaded semantics

    @Test
    public void putReturnsThePreviousValueAndGetSeesTheNewOne() {
        ConcurrentMap<Integer, String> m = newMap();
        assertThat(m.put(1, "a")).isNull();
        assertThat(m.put(1, "b")).isEqualTo("a");
        assertThat(m.get(1)).isEqualTo("b");
        assertThat(m.get(2)).isNull();
        assertThat(m.getOrDefault(2, "z")).isEqualTo("z");
        assertThat(m.getOrDefault(1, "z")).isEqualTo("b");
    }

    @Test
    public void conditionalOperationsActOnlyWhenTheirConditionHolds() {
        ConcurrentMap<Integer, String> m = newMap();
        assertThat(m.putIfAbsent(1, "a")).isNull();
        assertThat(m.putIfAbsent(1, "b")).isEqualTo("a");
        assertThat(m.replace(2, "x")).isNull();
        assertThat(m.containsKey(2)).isFalse();
        assertThat(m.replace(1, "c")).isEqualTo("a");
        assertThat(m.replace(1, "a", "d")).isFalse();
        assertThat(m.replace(1, "c", "d")).isTrue();
        assertThat(m.remove(1, "c")).isFalse();
        assertThat(m.remove(1, null)).isFalse();
        assertThat(m.remove(1, "d")).isTrue();
        assertThat(m).isEmpty();
    }

    @Test
    public void computeFamilyInsertsUpdatesAndRemovesOnNull() {
        ConcurrentMap<Integer, String> m = newMap();
        assertThat(m.computeIfAbsent(1, k -> "a" + k)).isEqualTo("a1");
        assertThat(m.computeIfAbsent(1, k -> "never")).isEqualTo("a1");
        assertThat(m.computeIfAbsent(2, k -> null)).isNull();
        assertThat(m.containsKey(2)).isFalse();
        assertThat(m.computeIfPresent(2, (k, v) -> "never")).isNull();
        assertThat(m.computeIfPresent(1, (k, v) -> v + "!")).isEqualTo("a1!");
        assertThat(m.compute(3, (k, v) -> v == null ? "new" : "old")).isEqualTo("new");
        assertThat(m.compute(3, (k, v) -> v == null ? "new" : "old")).isEqualTo("old");
        assertThat(m.compute(3, (k, v) -> null)).isNull();
        assertThat(m.computeIfPresent(1, (k, v) -> null)).isNull();
        assertThat(m).isEmpty();
    }

    @Test
    public void mergeInsertsCombinesAndRemovesOnNull() {
        ConcurrentMap<Integer, Integer> m = newMap();
        assertThat(m.merge(1, 5, Integer::sum)).isEqualTo(5);
        assertThat(m.merge(1, 2, Integer::sum)).isEqualTo(7);
        assertThat(m.merge(1, 2, (a, b) -> null)).isNull();
        assertThat(m.containsKey(1)).isFalse();
    }

    @Test
    public void aThrowingMappingFunctionLeavesTheKeyUnchanged() {
        ConcurrentMap<Integer, String> m = newMap();
        m.put(1, "a");
        RuntimeException boom = new IllegalArgumentException("boom");
        assertThatThrownBy(() -> m.compute(1, (k, v) -> { throw boom; })).isSameAs(boom);
        assertThatThrownBy(() -> m.computeIfAbsent(2, k -> { throw boom; })).isSameAs(boom);
        assertThatThrownBy(() -> m.merge(1, "b", (a, b) -> { throw boom; })).isSameAs(boom);
        assertThat(m).containsExactly(Map.entry(1, "a"));
        m.put(2, "b"); // and the key's lock, if any, was released
        assertThat(m).hasSize(2);
    }

    @Test
    public void nullKeysAndValuesAreRejectedWithNullPointerException() {
        ConcurrentMap<Integer, String> m = newMap();
        m.put(1, "a");
        assertThatThrownBy(() -> m.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.containsKey(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.containsValue(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.put(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.put(2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.putIfAbsent(2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.remove(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.replace(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.replace(1, "a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.replace(1, null, "b")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.computeIfAbsent(null, k -> "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.computeIfAbsent(2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.compute(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.merge(1, null, (a, b) -> a)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.merge(1, "b", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.forEach(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.replaceAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.putAll(null)).isInstanceOf(NullPointerException.class);
        assertThat(m).containsExactly(Map.entry(1, "a"));
    }

    @Test
    public void aMapOfManyKeysKeepsEveryOneAndEqualsAHashMapWithTheSameEntries() {
        ConcurrentMap<Integer, Integer> m = newMap();
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            m.put(i * 7, i);
            expected.put(i * 7, i);
        }
        for (int i = 0; i < 20_000; i += 3) {
            m.remove(i * 7);
            expected.remove(i * 7);
        }
        assertThat(m.size()).isEqualTo(expected.size());
        for (int i = 0; i < 20_000; i++) {
            assertThat(m.get(i * 7)).isEqualTo(expected.get(i * 7));
        }
        assertThat(m).isEqualTo(expected);
        assertThat(expected).isEqualTo(m);
        assertThat(m.hashCode()).isEqualTo(expected.hashCode());
        assertThat(new HashSet<>(m.keySet())).isEqualTo(expected.keySet());
    }

    @Test
    public void forEachAndReplaceAllVisitEveryEntryOnce() {
        ConcurrentMap<Integer, Integer> m = newMap();
        for (int i = 0; i < 1_000; i++) {
            m.put(i, i);
        }
        m.replaceAll((k, v) -> v + 1);
        Map<Integer, Integer> seen = new HashMap<>();
        m.forEach((k, v) -> assertThat(seen.put(k, v)).isNull());
        assertThat(seen).hasSize(1_000);
        seen.forEach((k, v) -> assertThat(v).isEqualTo(k + 1));
    }

    @Test
    public void iteratorRemoveAndEntrySetValueWriteThrough() {
        ConcurrentMap<Integer, String> m = newMap();
        for (int i = 0; i < 100; i++) {
            m.put(i, "v" + i);
        }
        for (Iterator<Integer> it = m.keySet().iterator(); it.hasNext(); ) {
            if (it.next() % 2 == 0) {
                it.remove();
            }
        }
        for (Map.Entry<Integer, String> e : m.entrySet()) {
            assertThat(e.setValue("w" + e.getKey())).isEqualTo("v" + e.getKey());
        }
        assertThat(m).hasSize(50);
        m.forEach((k, v) -> {
            assertThat(k % 2).isOne();
            assertThat(v).isEqualTo("w" + k);
        });
    }

    @Test
    public void iteratorsNeverThrowConcurrentModificationWhenTheMapChangesUnderThem() {
        ConcurrentMap<Integer, Integer> m = newMap();
        for (int i = 0; i < 100; i++) {
            m.put(i, i);
        }
        int visited = 0;
        for (Integer k : m.keySet()) { // removes and adds while iterating, enough to grow the tables
            if (k < 100) {
                m.remove(k);
                m.put(10_000 + k, k);
            }
            visited++;
        }
        assertThat(visited).isBetween(100, 200);
        assertThat(m.keySet()).as("every original key was returned, so replaced").allMatch(k -> k >= 10_000);
        assertThat(m).hasSize(100);
    }

    // ------------------------------------------------------------------ under contention

    @Test
    public void concurrentMergesTallyExactly() throws Exception {
        ConcurrentMap<Integer, Long> m = newMap();
        int threads = 4;
        int perThread = 20_000;
        int keys = 64;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int offset = t;
                group.start("merger-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        m.merge((i + offset) % keys, 1L, Long::sum);
                    }
                });
            }
        }
        assertThat(m).hasSize(keys);
        long total = m.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isEqualTo((long) threads * perThread);
        // Thread t hits key k at every i = k - t (mod keys) below perThread.
        for (int k = 0; k < keys; k++) {
            long want = 0;
            for (int t = 0; t < threads; t++) {
                want += perThread / keys + ((((k - t) % keys + keys) % keys) < perThread % keys ? 1 : 0);
            }
            assertThat(m.get(k)).as("tally of key %d", k).isEqualTo(want);
        }
    }

    @Test
    public void putIfAbsentHasExactlyOneWinnerPerKey() throws Exception {
        ConcurrentMap<Integer, Integer> m = newMap();
        int threads = 4;
        int keys = 5_000;
        AtomicIntegerArray winners = new AtomicIntegerArray(keys);
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                group.start("racer-" + t, () -> {
                    start.await();
                    for (int k = 0; k < keys; k++) {
                        Integer previous = m.putIfAbsent(k, id);
                        if (previous == null) {
                            winners.incrementAndGet(k);
                        } else {
                            assertThat(previous).isBetween(0, threads - 1);
                        }
                    }
                });
            }
        }
        for (int k = 0; k < keys; k++) {
            assertThat(winners.get(k)).as("winners of key %d", k).isOne();
        }
        assertThat(m).hasSize(keys);
    }

    @Test
    public void computeIfAbsentAppliesItsFunctionOncePerKeyUnderContention() throws Exception {
        ConcurrentMap<Integer, Integer> m = newMap();
        int threads = 4;
        int keys = 5_000;
        AtomicInteger calls = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("computer-" + t, () -> {
                    start.await();
                    for (int k = 0; k < keys; k++) {
                        m.computeIfAbsent(k, key -> {
                            calls.incrementAndGet();
                            return key * 2;
                        });
                    }
                });
            }
        }
        assertThat(calls.get()).isEqualTo(keys);
        assertThat(m).hasSize(keys);
    }

    @Test
    public void readersNeverMissAKeyThatStaysPresentWhileTheMapGrows() throws Exception {
        ConcurrentMap<Integer, Integer> m = newMap();
        int stable = 200;
        for (int k = 0; k < stable; k++) {
            m.put(k, -k);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger misses = new AtomicInteger();
        CountDownLatch readersReady = new CountDownLatch(2);
        try (TestThreads group = new TestThreads()) {
            for (int r = 0; r < 2; r++) {
                group.start("reader-" + r, () -> {
                    readersReady.countDown();
                    do {
                        for (int k = 0; k < stable; k++) {
                            Integer v = m.get(k);
                            if (v == null || v != -k) {
                                misses.incrementAndGet();
                            }
                        }
                    } while (writing.get());
                });
            }
            group.start("writer", () -> {
                readersReady.await();
                try {
                    for (int k = stable; k < 100_000; k++) { // many doublings of every table
                        m.put(k, k);
                        if (k % 3 == 0) {
                            m.remove(k - 1);
                        }
                    }
                } finally {
                    writing.set(false);
                }
            });
        }
        assertThat(misses.get()).isZero();
    }

    @Test
    public void concurrentIterationSeesEveryStableKeyExactlyOnce() throws Exception {
        ConcurrentMap<Integer, Integer> m = newMap();
        int stable = 500;
        for (int k = 0; k < stable; k++) {
            m.put(k, k);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> problems = new ArrayList<>();
        CountDownLatch iteratorReady = new CountDownLatch(1);
        try (TestThreads group = new TestThreads()) {
            group.start("iterator", () -> {
                iteratorReady.countDown();
                do {
                    Set<Integer> seen = new HashSet<>();
                    try {
                        for (Integer k : m.keySet()) {
                            if (!seen.add(k) && k < stable) {
                                problems.add("stable key " + k + " returned twice");
                            }
                        }
                    } catch (ConcurrentModificationException e) {
                        problems.add("ConcurrentModificationException");
                    }
                    for (int k = 0; k < stable; k++) {
                        if (!seen.contains(k)) {
                            problems.add("stable key " + k + " missed");
                        }
                    }
                } while (writing.get() && problems.isEmpty());
            });
            group.start("writer", () -> {
                iteratorReady.await();
                try {
                    for (int k = stable; k < 50_000; k++) {
                        m.put(k, k);
                        m.remove(k - 1 == stable - 1 ? k : k - 1);
                    }
                } finally {
                    writing.set(false);
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    public void concurrentReplaceOnOneKeyLosesNoUpdate() throws Exception {
        // A replace(k, old, new) loop is a CAS on one key: lost updates would show in the final count.
        ConcurrentMap<Integer, Integer> m = newMap();
        m.put(0, 0);
        int threads = 4;
        int perThread = 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("cas-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Integer v;
                        do {
                            v = m.get(0);
                        } while (!m.replace(0, v, v + 1));
                    }
                });
            }
        }
        assertThat(m.get(0)).isEqualTo(threads * perThread);
    }
}

package dev.interlock.collect;

import dev.interlock.testing.ConcurrentMapContract;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link ConcurrentMapContract} on the default map, plus what is particular to {@link StripedHashMap}. */
class StripedHashMapTest extends ConcurrentMapContract {

    @Override
    protected <K, V> ConcurrentMap<K, V> newMap() {
        return new StripedHashMap<>();
    }

    /** The first {@code count} non-negative integers whose stripe in {@code map} is {@code stripe}. */
    static List<Integer> keysOfStripe(StripedHashMap<Integer, ?> map, int stripe, int count) {
        List<Integer> keys = new ArrayList<>();
        for (int k = 0; keys.size() < count; k++) {
            if (map.stripeOf(k) == stripe) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ------------------------------------------------------------------ construction

    @Test
    void stripesBelowOneAreRejected() {
        assertThatThrownBy(() -> new StripedHashMap<>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new StripedHashMap<>(-3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stripesAreRoundedUpToAPowerOfTwoAndClamped() {
        assertThat(new StripedHashMap<>().stripes()).isEqualTo(StripedHashMap.DEFAULT_STRIPES).isEqualTo(16);
        assertThat(new StripedHashMap<>(1).stripes()).isEqualTo(1);
        assertThat(new StripedHashMap<>(3).stripes()).isEqualTo(4);
        assertThat(new StripedHashMap<>(64).stripes()).isEqualTo(64);
        assertThat(new StripedHashMap<>(65).stripes()).isEqualTo(128);
        assertThat(new StripedHashMap<>(Integer.MAX_VALUE).stripes()).isEqualTo(StripedHashMap.MAX_STRIPES);
    }

    // ------------------------------------------------------------------ growth

    @Test
    void aStripeGrowsItsOwnTableAndNoOtherStripes() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(4);
        List<Integer> keys = keysOfStripe(m, 2, 1_000);
        keys.forEach(k -> m.put(k, k));
        int[] capacities = m.stripeCapacities();
        assertThat(capacities[2]).as("stripe 2, holding 1000 keys").isGreaterThanOrEqualTo(1_024);
        assertThat(capacities[0]).isEqualTo(StripedHashMap.INITIAL_STRIPE_CAPACITY);
        assertThat(capacities[1]).isEqualTo(StripedHashMap.INITIAL_STRIPE_CAPACITY);
        assertThat(capacities[3]).isEqualTo(StripedHashMap.INITIAL_STRIPE_CAPACITY);
        keys.forEach(k -> assertThat(m.get(k)).isEqualTo(k));
        assertThat(m).hasSize(1_000);
    }

    @Test
    void clearGivesEveryStripeASmallTableAgain() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(4);
        for (int k = 0; k < 1_000; k++) {
            m.put(k, k);
        }
        m.clear();
        assertThat(m.stripeCapacities()).containsOnly(StripedHashMap.INITIAL_STRIPE_CAPACITY);
        assertThat(m).isEmpty();
        m.put(1, 1);
        assertThat(m).containsExactly(Map.entry(1, 1));
    }

    @Test
    void writersOfOtherStripesAndEveryReaderProceedWhileAStripeIsLocked() throws Exception {
        // A mapping function holds stripe 0 until released; meanwhile stripe 1 grows many times and
        // stripe 0's keys stay readable. Nothing here may wait for stripe 0.
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(2);
        List<Integer> stripe0 = keysOfStripe(m, 0, 11);
        List<Integer> stripe1 = keysOfStripe(m, 1, 5_000);
        for (int i = 1; i < stripe0.size(); i++) {
            m.put(stripe0.get(i), i);
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads group = new TestThreads()) {
            group.start("holder", () -> m.compute(stripe0.get(0), (k, v) -> {
                holding.countDown();
                await(release);
                return 0;
            }));
            try {
                await(holding);
                int before = m.stripeCapacities()[1];
                Thread other = group.start("other-stripe", () -> {
                    stripe1.forEach(k -> m.put(k, k));
                    for (int i = 1; i < stripe0.size(); i++) {
                        assertThat(m.get(stripe0.get(i))).isEqualTo(i);
                    }
                });
                assertThat(other.join(TestThreads.BOUND)).as("other stripe's writer finished").isTrue();
                assertThat(m.stripeCapacities()[1]).as("stripe 1 grew while stripe 0 was held").isGreaterThan(before);
            } finally {
                release.countDown();
            }
        }
        assertThat(m.get(stripe0.get(0))).isZero();
        assertThat(m).hasSize(5_011);
    }

    // ------------------------------------------------------------------ recursion from mapping functions

    @Test
    void aMappingFunctionUpdatingItsOwnStripeGetsIllegalStateAndTheMapStaysIntact() {
        StripedHashMap<Integer, String> m = new StripedHashMap<>(1); // one stripe: every key shares it
        m.put(7, "seven");
        assertThatThrownBy(() -> m.computeIfAbsent(1, k -> {
            m.put(2, "two");
            return "one";
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("recursive update");
        assertThatThrownBy(() -> m.compute(7, (k, v) -> m.remove(7))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.merge(7, "x", (a, b) -> m.merge(1, "y", (c, d) -> c)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(m).containsExactly(Map.entry(7, "seven"));
        m.put(1, "one"); // the stripe's lock was released
        assertThat(m).hasSize(2);
    }

    @Test
    void aMappingFunctionCallingAWholeMapOperationGetsIllegalState() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(64);
        m.put(1, 1);
        List<Consumer<StripedHashMap<Integer, Integer>>> wholeMap = List.of(
                StripedHashMap::size, StripedHashMap::isEmpty, StripedHashMap::clear, StripedHashMap::hashCode,
                map -> map.equals(new HashMap<>()), map -> map.putAll(Map.of(2, 2)),
                map -> map.replaceAll((k, v) -> v));
        for (Consumer<StripedHashMap<Integer, Integer>> call : wholeMap) {
            assertThatThrownBy(() -> m.compute(1, (k, v) -> {
                call.accept(m);
                return v + 1;
            })).isInstanceOf(IllegalStateException.class);
        }
        assertThat(m).containsExactly(Map.entry(1, 1));
    }

    @Test
    void aMappingFunctionMayReadTheMapAndUpdateAnotherStripe() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(2);
        int a = keysOfStripe(m, 0, 1).get(0);
        int b = keysOfStripe(m, 1, 1).get(0);
        m.put(b, 10);
        assertThat(m.computeIfAbsent(a, k -> m.get(b) + 1)).isEqualTo(11);
        assertThat(m.compute(a, (k, v) -> {
            m.put(b, 20); // documented: allowed, but can deadlock with a thread doing the converse
            return v + 1;
        })).isEqualTo(12);
        assertThat(m).containsOnly(Map.entry(a, 12), Map.entry(b, 20));
    }

    // ------------------------------------------------------------------ several keys

    @Test
    void putAllWithANullKeyOrValueThrowsBeforePuttingAnything() {
        StripedHashMap<Integer, String> m = new StripedHashMap<>();
        m.put(1, "one");
        Map<Integer, String> nullValue = new LinkedHashMap<>();
        nullValue.put(2, "two");
        nullValue.put(3, null);
        Map<Integer, String> nullKey = new LinkedHashMap<>();
        nullKey.put(2, "two");
        nullKey.put(null, "null");
        assertThatThrownBy(() -> m.putAll(nullValue)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.putAll(nullKey)).isInstanceOf(NullPointerException.class);
        assertThat(m).containsExactly(Map.entry(1, "one"));
    }

    @Test
    void putAllPutsEveryEntryAcrossStripes() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(8);
        m.put(5, -5);
        Map<Integer, Integer> source = new HashMap<>();
        for (int k = 0; k < 3_000; k++) {
            source.put(k, k);
        }
        m.putAll(source);
        assertThat(m).isEqualTo(source);
    }

    @Test
    void sizeIsAnAtomicSnapshotAcrossStripes() throws Exception {
        // A writer moves one token between key a (a high stripe) and key b (a lower stripe), always
        // adding the new one before removing the old: at every instant 1 or 2 keys are present. A size
        // that read the stripes one by one, unlocked, could read b's stripe before the add and a's after
        // the remove, and report 0.
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>(16);
        int b = keysOfStripe(m, 2, 1).get(0);
        int a = keysOfStripe(m, 13, 1).get(0);
        m.put(a, 0);
        AtomicBoolean moving = new AtomicBoolean(true);
        AtomicInteger wrong = new AtomicInteger();
        CountDownLatch readerReady = new CountDownLatch(1);
        try (TestThreads group = new TestThreads()) {
            group.start("reader", () -> {
                readerReady.countDown();
                while (moving.get()) {
                    int size = m.size();
                    if (size < 1 || size > 2 || m.isEmpty()) {
                        wrong.incrementAndGet();
                    }
                }
            });
            group.start("writer", () -> {
                await(readerReady);
                try {
                    for (int i = 0; i < 200_000; i++) {
                        m.put(b, i);
                        m.remove(a);
                        m.put(a, i);
                        m.remove(b);
                    }
                } finally {
                    moving.set(false);
                }
            });
        }
        assertThat(wrong.get()).isZero();
    }

    @Test
    void wholeMapOperationsNeverDeadlockWithEachOtherOrWithSingleKeyUpdates() throws Exception {
        // putAll with entries in descending stripe order, clear, size, hashCode, replaceAll, and two
        // maps comparing themselves with each other in both directions, all at once.
        StripedHashMap<Integer, Integer> m1 = new StripedHashMap<>(8);
        StripedHashMap<Integer, Integer> m2 = new StripedHashMap<>(8);
        Map<Integer, Integer> descending = new LinkedHashMap<>();
        for (int s = 7; s >= 0; s--) {
            for (int k : keysOfStripe(m1, s, 4)) {
                descending.put(k, s);
            }
        }
        int rounds = 2_000;
        CyclicBarrier start = new CyclicBarrier(6);
        try (TestThreads group = new TestThreads()) {
            group.start("putAll", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    m1.putAll(descending);
                    m2.putAll(descending);
                }
            });
            group.start("clear-size-hash", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    m1.clear();
                    assertThat(m2.size()).isNotNegative();
                    m1.hashCode();
                }
            });
            group.start("m1-equals-m2", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    m1.equals(m2);
                }
            });
            group.start("m2-equals-m1", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    m2.equals(m1);
                }
            });
            group.start("replaceAll", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    m2.replaceAll((k, v) -> v + 1);
                }
            });
            group.start("single-keys", () -> {
                start.await();
                for (int i = 0; i < rounds * 10; i++) {
                    m1.merge(i % 64, 1, Integer::sum);
                    m2.compute(i % 64, (k, v) -> v == null ? 0 : v + 1);
                    m2.remove(i % 64);
                }
            });
        }
        m1.clear();
        assertThat(m1).isEmpty();
    }

    @Test
    void viewSpliteratorsAreConcurrentAndNotSized() {
        StripedHashMap<Integer, Integer> m = new StripedHashMap<>();
        m.put(1, 1);
        for (Spliterator<?> s : Arrays.asList(m.keySet().spliterator(), m.values().spliterator(),
                m.entrySet().spliterator())) {
            assertThat(s.hasCharacteristics(Spliterator.CONCURRENT)).isTrue();
            assertThat(s.hasCharacteristics(Spliterator.SIZED)).isFalse();
            assertThat(s.hasCharacteristics(Spliterator.NONNULL)).isTrue();
        }
        assertThat(m.keySet().stream().toList()).containsExactly(1);
    }
}

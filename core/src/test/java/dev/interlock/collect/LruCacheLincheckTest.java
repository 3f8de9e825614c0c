package dev.interlock.collect;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linearizability of {@link LruCache}, in both Lincheck modes, against a sequential specification that
 * is an access-ordered {@link LinkedHashMap} of the same capacity (the textbook LRU cache).
 *
 * <p>Two scenarios, because recency under concurrency is documented as approximate: a hit is recorded
 * in a per-stripe read buffer and replayed later, so two reads by different threads may be applied in
 * either order (and a read may be dropped when its stripe is full). That changes which key a later
 * eviction picks, not the contents' consistency. So:
 * <ul>
 *   <li>{@link Roomy}: capacity 3 over keys 1..3, so nothing is ever evicted and recency cannot show:
 *       {@code get}, {@code peek}, {@code put}, {@code remove}, {@code size} and
 *       {@code computeIfAbsent} must be exactly linearizable (values, presence, size).</li>
 *   <li>{@link Evicting}: capacity 2 over keys 1..3, with every operation whose effect on recency is
 *       applied under the lock ({@code put}, {@code remove}) or that has none ({@code peek},
 *       {@code size}): evictions must pick exactly the LRU victim, and an evicting insert must be
 *       atomic to readers. {@code get} is left out here: its buffered recency is the documented
 *       approximation (it is checked, single-threaded, by {@code LruCacheTest}'s model test).</li>
 * </ul>
 */
class LruCacheLincheckTest {

    /** No eviction: every operation, values and size exact. */
    @Param(name = "key", gen = IntGen.class, conf = "1:3")
    @Param(name = "value", gen = IntGen.class, conf = "1:5")
    public static class Roomy {
        private final LruCache<Integer, Integer> cache = new LruCache<>(3);

        @Operation
        public Integer get(@Param(name = "key") int key) {
            return cache.get(key);
        }

        @Operation
        public Integer peek(@Param(name = "key") int key) {
            return cache.peek(key);
        }

        @Operation
        public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
            cache.put(key, value);
        }

        @Operation
        public Integer remove(@Param(name = "key") int key) {
            return cache.remove(key);
        }

        @Operation
        public int size() {
            return cache.size();
        }

        @Operation
        public Integer computeIfAbsent(@Param(name = "key") int key) {
            return cache.computeIfAbsent(key, k -> k * 10);
        }
    }

    /** Eviction by writes only: the victim and the contents exact. */
    @Param(name = "key", gen = IntGen.class, conf = "1:3")
    @Param(name = "value", gen = IntGen.class, conf = "1:5")
    public static class Evicting {
        private final LruCache<Integer, Integer> cache = new LruCache<>(2);

        @Operation
        public Integer peek(@Param(name = "key") int key) {
            return cache.peek(key);
        }

        @Operation
        public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
            cache.put(key, value);
        }

        @Operation
        public Integer remove(@Param(name = "key") int key) {
            return cache.remove(key);
        }

        @Operation
        public int size() {
            return cache.size();
        }
    }

    /** The sequential specification: an access-ordered LinkedHashMap that drops its eldest entry. */
    public abstract static class LruSpec {
        private final LinkedHashMap<Integer, Integer> map;

        LruSpec(int capacity) {
            map = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                    return size() > capacity;
                }
            };
        }

        public Integer get(int key) {
            return map.get(key); // a use
        }

        public Integer peek(int key) {
            for (Map.Entry<Integer, Integer> e : map.entrySet()) { // iteration is not a use
                if (e.getKey() == key) {
                    return e.getValue();
                }
            }
            return null;
        }

        public void put(int key, int value) {
            map.put(key, value);
        }

        public Integer remove(int key) {
            return map.remove(key);
        }

        public int size() {
            return map.size();
        }

        public Integer computeIfAbsent(int key) {
            return map.computeIfAbsent(key, k -> k * 10);
        }
    }

    /** The specification of {@link Roomy}. */
    public static class RoomySpec extends LruSpec {
        public RoomySpec() {
            super(3);
        }
    }

    /** The specification of {@link Evicting}. */
    public static class EvictingSpec extends LruSpec {
        public EvictingSpec() {
            super(2);
        }
    }

    @Test
    void roomyModelChecking() {
        LincheckBudget.modelChecking().sequentialSpecification(RoomySpec.class).check(Roomy.class);
    }

    @Test
    void roomyStress() {
        LincheckBudget.stress().sequentialSpecification(RoomySpec.class).check(Roomy.class);
    }

    @Test
    void evictingModelChecking() {
        LincheckBudget.modelChecking().sequentialSpecification(EvictingSpec.class).check(Evicting.class);
    }

    @Test
    void evictingStress() {
        LincheckBudget.stress().sequentialSpecification(EvictingSpec.class).check(Evicting.class);
    }
}

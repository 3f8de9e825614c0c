package dev.interlock.lock;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The read-mostly cache on each lock: map behaviour, nulls, the double-checked load, no lost puts. */
class ReadMostlyCacheTest {

    static Stream<Arguments> locks() {
        return Stream.of(
                Arguments.of("ReaderPreferring", (Supplier<ReadWriteLock>) ReaderPreferringReadWriteLock::new),
                Arguments.of("WriterPreferring", (Supplier<ReadWriteLock>) WriterPreferringReadWriteLock::new),
                Arguments.of("PhaseFair", (Supplier<ReadWriteLock>) PhaseFairReadWriteLock::new),
                Arguments.of("ReentrantReadWriteLock", (Supplier<ReadWriteLock>) ReentrantReadWriteLock::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void behavesAsAMap(String name, Supplier<ReadWriteLock> lock) {
        ReadMostlyCache<String, Integer> cache = new ReadMostlyCache<>(lock.get());
        assertThat(cache.get("a")).isNull();
        assertThat(cache.put("a", 1)).isNull();
        assertThat(cache.put("a", 2)).isEqualTo(1);
        assertThat(cache.put("b", 3)).isNull();
        assertThat(cache.get("a")).isEqualTo(2);
        assertThat(cache.containsKey("b")).isTrue();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.remove("a")).isEqualTo(2);
        assertThat(cache.remove("a")).isNull();
        assertThat(cache.containsKey("a")).isFalse();
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.toString()).isEqualTo("ReadMostlyCache[size=0]");
    }

    @Test
    void nullsAreRefusedAndChangeNothing() {
        ReadMostlyCache<String, Integer> cache = new ReadMostlyCache<>(new WriterPreferringReadWriteLock());
        cache.put("a", 1);
        assertThatThrownBy(() -> new ReadMostlyCache<String, Integer>(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.containsKey(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.put(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.remove(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.computeIfAbsent(null, k -> 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.computeIfAbsent("b", null)).isInstanceOf(NullPointerException.class);
        assertThat(cache.get("a")).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void computeIfAbsentLoadsOnlyWhatIsMissing(String name, Supplier<ReadWriteLock> lock) {
        ReadMostlyCache<String, Integer> cache = new ReadMostlyCache<>(lock.get());
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.computeIfAbsent("four", k -> {
            loads.incrementAndGet();
            return k.length();
        })).isEqualTo(4);
        assertThat(cache.computeIfAbsent("four", k -> {
            loads.incrementAndGet();
            return -1;
        })).isEqualTo(4);
        assertThat(loads).hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void aLoaderThatReturnsNullOrThrowsStoresNothingAndReleasesTheLock(String name, Supplier<ReadWriteLock> lock)
            throws Exception {
        ReadWriteLock rw = lock.get();
        ReadMostlyCache<String, Integer> cache = new ReadMostlyCache<>(rw);
        assertThat(cache.computeIfAbsent("x", k -> null)).isNull();
        assertThat(cache.containsKey("x")).isFalse();
        assertThatThrownBy(() -> cache.computeIfAbsent("x", k -> {
            throw new IllegalStateException("backend down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("backend down");
        assertThat(cache.containsKey("x")).isFalse();
        AtomicInteger got = new AtomicInteger();
        try (TestThreads threads = new TestThreads()) {
            threads.start("other-writer", () -> {
                if (rw.writeLock().tryLock()) {
                    got.set(1);
                    rw.writeLock().unlock();
                }
            });
        }
        assertThat(got).as("the write lock is free again").hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void computeIfAbsentLoadsEachKeyOnceUnderContention(String name, Supplier<ReadWriteLock> lock)
            throws Exception {
        ReadMostlyCache<Integer, Object> cache = new ReadMostlyCache<>(lock.get());
        int threads = 6;
        int keys = 200;
        ConcurrentHashMap<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
        Object[][] seen = new Object[threads][keys];
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                group.start("loader-" + t, () -> {
                    start.await();
                    for (int k = 0; k < keys; k++) {
                        seen[id][k] = cache.computeIfAbsent(k, key -> {
                            loads.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet();
                            return new Object();
                        });
                    }
                });
            }
        }
        assertThat(loads).hasSize(keys);
        assertThat(loads.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        for (int k = 0; k < keys; k++) {
            for (int t = 1; t < threads; t++) {
                assertThat(seen[t][k]).as("key " + k + ", thread " + t).isSameAs(seen[0][k]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locks")
    void noPutIsLostWhileOthersRead(String name, Supplier<ReadWriteLock> lock) throws Exception {
        ReadMostlyCache<Integer, Integer> cache = new ReadMostlyCache<>(lock.get());
        int writers = 3;
        int perWriter = 2_000;
        AtomicLong wrongValues = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(writers + 2);
        try (TestThreads group = new TestThreads()) {
            for (int w = 0; w < writers; w++) {
                int base = w * perWriter;
                group.start("writer-" + w, () -> {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        cache.put(base + i, -(base + i));
                    }
                });
            }
            for (int r = 0; r < 2; r++) {
                group.start("reader-" + r, () -> {
                    start.await();
                    for (int i = 0; i < writers * perWriter; i++) {
                        Integer v = cache.get(i);
                        if (v != null && v != -i) {
                            wrongValues.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(wrongValues).hasValue(0);
        assertThat(cache.size()).isEqualTo(writers * perWriter);
        for (int i = 0; i < writers * perWriter; i++) {
            assertThat(cache.get(i)).isEqualTo(-i);
        }
    }

    @Test
    void aChangeWhileHoldingTheCachesReadLockIsARefusedUpgrade() {
        WriterPreferringReadWriteLock lock = new WriterPreferringReadWriteLock();
        ReadMostlyCache<String, Integer> cache = new ReadMostlyCache<>(lock);
        lock.readLock().lock();
        try {
            assertThat(cache.get("a")).as("reading is fine").isNull();
            assertThatThrownBy(() -> cache.put("a", 1)).isInstanceOf(IllegalMonitorStateException.class);
            assertThatThrownBy(() -> cache.computeIfAbsent("a", k -> 1))
                    .isInstanceOf(IllegalMonitorStateException.class);
        } finally {
            lock.readLock().unlock();
        }
        assertThat(cache.size()).isZero();
        assertThat(lock.getReaderCount()).isZero();
    }

    /** The class doc's sample, run. */
    @Test
    void sampleUsage() {
        ReadMostlyCache<String, Integer> lengths = new ReadMostlyCache<>(new WriterPreferringReadWriteLock("lengths"));
        int n = lengths.computeIfAbsent("interlock", String::length); // loads once: 9
        Integer again = lengths.get("interlock");                     // a read-locked lookup: 9
        assertThat(n).isEqualTo(9);
        assertThat(again).isEqualTo(9);
    }
}

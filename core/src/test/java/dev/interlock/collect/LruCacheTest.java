package dev.interlock.collect;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link LruCache} contract: LRU order, capacity, loading, listener, statistics, bad input. */
class LruCacheTest {

    // ------------------------------------------------------------------ bad input

    @Test
    void capacityBelowOneIsRejected() {
        assertThatThrownBy(() -> new LruCache<>(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LruCache<>(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LruCache<>(Integer.MIN_VALUE, (k, v) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LruCache<>(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nullKeysValuesAndLoadersAreRejectedAndChangeNothing() {
        LruCache<Integer, String> c = new LruCache<>(2);
        c.put(1, "a");
        assertThatThrownBy(() -> c.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.peek(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put(2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.remove(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.computeIfAbsent(null, k -> "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.computeIfAbsent(2, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.computeIfAbsent(2, k -> "x", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.asMap().put(3, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.asMap().containsKey(null)).isInstanceOf(NullPointerException.class);
        assertThat(c.size()).isEqualTo(1);
        assertThat(c.peek(1)).isEqualTo("a");
        assertThat(c.stats()).isEqualTo(new LruCache.Stats(0, 0, 0));
    }

    // ------------------------------------------------------------------ basic map behaviour

    @Test
    void getReturnsWhatPutStoredAndNullWhenAbsent() {
        LruCache<Integer, String> c = new LruCache<>(3);
        assertThat(c.get(1)).isNull();
        c.put(1, "a");
        c.put(2, "b");
        c.put(1, "a2");
        assertThat(c.get(1)).isEqualTo("a2");
        assertThat(c.get(2)).isEqualTo("b");
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.capacity()).isEqualTo(3);
    }

    @Test
    void removeReturnsTheValueAndForgetsTheKey() {
        LruCache<Integer, String> c = new LruCache<>(3);
        c.put(1, "a");
        assertThat(c.remove(1)).isEqualTo("a");
        assertThat(c.remove(1)).isNull();
        assertThat(c.get(1)).isNull();
        assertThat(c.size()).isZero();
    }

    // ------------------------------------------------------------------ LRU order from one thread

    @Test
    void evictsTheLeastRecentlyUsedEntryFromOneThread() {
        List<Integer> evicted = new ArrayList<>();
        LruCache<Integer, String> c = new LruCache<>(3, (k, v) -> evicted.add(k));
        c.put(1, "a");
        c.put(2, "b");
        c.put(3, "c");
        c.get(1);              // order now 2, 3, 1
        c.put(4, "d");         // evicts 2
        c.put(3, "c2");        // a write is a use: order 1, 4, 3
        c.put(5, "e");         // evicts 1
        c.peek(4);             // not a use
        c.asMap().get(4);      // a use: order 3, 5, 4
        c.put(6, "f");         // evicts 3
        assertThat(evicted).containsExactly(2, 1, 3);
        assertThat(c.asMap()).containsOnlyKeys(4, 5, 6);
    }

    @Test
    void exactLruOrderFromOneThreadMatchesLinkedHashMapOverManyRandomOperations() {
        // Many more reads than the read buffer holds between writes: from one thread none is dropped.
        int capacity = 8;
        LinkedHashMap<Integer, Integer> model = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
                return size() > capacity;
            }
        };
        List<Integer> evicted = new ArrayList<>();
        List<Integer> modelEvicted = new ArrayList<>();
        LruCache<Integer, Integer> c = new LruCache<>(capacity, (k, v) -> evicted.add(k));
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            int key = random.nextInt(16);
            int op = random.nextInt(10);
            if (op < 7) {
                assertThat(c.get(key)).isEqualTo(model.get(key));
            } else if (op < 9) {
                Integer eldest = model.isEmpty() ? null : model.keySet().iterator().next();
                boolean evicts = !model.containsKey(key) && model.size() == capacity;
                model.put(key, i);
                if (evicts) {
                    modelEvicted.add(eldest);
                }
                c.put(key, i);
            } else {
                assertThat(c.remove(key)).isEqualTo(model.remove(key));
            }
            assertThat(evicted).isEqualTo(modelEvicted);
        }
        assertThat(c.asMap()).isEqualTo(model);
        assertThat(c.droppedReads()).isZero();
    }

    @Test
    void readsBeyondTheBufferSizeBetweenWritesAreNotLostFromOneThread() {
        List<Integer> evicted = new ArrayList<>();
        LruCache<Integer, String> c = new LruCache<>(2, (k, v) -> evicted.add(k));
        c.put(1, "a");
        c.put(2, "b");
        for (int i = 0; i < 10 * LossyReadBuffer.STRIPE_SLOTS; i++) {
            c.get(i % 2 == 0 ? 2 : 1);
        }
        c.get(1); // 1 is the most recent: 2 goes
        c.put(3, "c");
        assertThat(evicted).containsExactly(2);
    }

    // ------------------------------------------------------------------ capacity

    @Test
    void neverHoldsMoreThanCapacityFromOneThread() {
        LruCache<Integer, Integer> c = new LruCache<>(5);
        for (int i = 0; i < 100; i++) {
            c.put(i, i);
            assertThat(c.size()).isLessThanOrEqualTo(5);
        }
        assertThat(c.asMap()).containsOnlyKeys(95, 96, 97, 98, 99);
        assertThat(c.stats().evictions()).isEqualTo(95);
    }

    @Test
    void capacityBoundHoldsAfterEveryPutUnderContention() throws Exception {
        int capacity = 16;
        int threads = 4;
        int perThread = 20_000;
        LruCache<Integer, Integer> c = new LruCache<>(capacity);
        AtomicInteger maxSeen = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                group.start("putter-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        c.put(base + i % 64, i);
                        c.get(base + (i * 7) % 64);
                        int size = c.size();
                        maxSeen.accumulateAndGet(size, Math::max);
                        if (size > capacity) {
                            throw new AssertionError("size " + size + " after a put returned");
                        }
                    }
                });
            }
        }
        assertThat(maxSeen.get()).isEqualTo(capacity);
        assertThat(c.size()).isEqualTo(capacity);
        assertThat(c.asMap()).hasSize(capacity);
    }

    @Test
    void readersNeverSeeAnEvictionBeforeTheInsertThatCausedIt() throws Exception {
        // Capacity 1: each put of a new key evicts the previous one at the same instant. A reader that
        // checks the old key and then the new key must never find both absent.
        int rounds = 20_000;
        LruCache<Integer, Integer> c = new LruCache<>(1);
        c.put(0, 0);
        AtomicInteger published = new AtomicInteger(0);
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads group = new TestThreads()) {
            group.start("writer", () -> {
                start.await();
                for (int k = 1; k <= rounds; k++) {
                    c.put(k, k);
                    published.set(k);
                }
            });
            group.start("reader", () -> {
                start.await();
                int k;
                while ((k = published.get()) < rounds) {
                    // put(k) has returned and put(k + 2) has not begun while published == k: the one
                    // visible key is k, then k + 1.
                    boolean old = c.peek(k) != null;
                    boolean next = c.peek(k + 1) != null;
                    if (!old && !next && published.get() == k) {
                        throw new AssertionError("key " + k + " evicted before " + (k + 1) + " appeared");
                    }
                }
            });
        }
        assertThat(c.asMap()).containsOnlyKeys(rounds);
    }

    // ------------------------------------------------------------------ eviction listener

    @Test
    void listenerSeesEachEvictionOnceWithItsValueUnderContention() throws Exception {
        int capacity = 8;
        int threads = 4;
        int perThread = 5_000;
        Map<Integer, Integer> evicted = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger wrongValue = new AtomicInteger();
        LruCache<Integer, Integer> c = new LruCache<>(capacity, (k, v) -> {
            if (!k.equals(v)) {
                wrongValue.incrementAndGet();
            }
            if (evicted.put(k, v) != null) {
                duplicates.incrementAndGet();
            }
        });
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                group.start("putter-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        c.put(base + i, base + i); // every key inserted once, by one thread
                    }
                });
            }
        }
        assertThat(duplicates.get()).isZero();
        assertThat(wrongValue.get()).isZero();
        assertThat(evicted).hasSize(threads * perThread - capacity);
        assertThat(c.stats().evictions()).isEqualTo(threads * perThread - capacity);
        assertThat(c.asMap().keySet()).doesNotContainAnyElementsOf(evicted.keySet());
        assertThat(c.size()).isEqualTo(capacity);
    }

    @Test
    void listenerRunsOnTheWritingThreadWithoutTheLockAndMayUseTheCache() {
        AtomicReference<Thread> caller = new AtomicReference<>();
        AtomicReference<LruCache<Integer, String>> self = new AtomicReference<>();
        LruCache<Integer, String> c = new LruCache<>(1, (k, v) -> {
            caller.set(Thread.currentThread());
            if (k < 100) {
                self.get().put(100 + k, "re-" + v); // would corrupt the list if called under the lock
            }
        });
        self.set(c);
        c.put(1, "a");
        c.put(2, "b"); // evicts 1; the listener puts 101, evicting 2; that listener puts 102, evicting 101
        assertThat(caller.get()).isSameAs(Thread.currentThread());
        assertThat(c.asMap()).containsOnlyKeys(102);
        assertThat(c.stats().evictions()).isEqualTo(3);
    }

    @Test
    void listenerExceptionPropagatesFromThePutAfterItTookEffect() {
        LruCache<Integer, String> c = new LruCache<>(1, (k, v) -> {
            throw new IllegalStateException("listener failed on " + k);
        });
        c.put(1, "a");
        assertThatThrownBy(() -> c.put(2, "b")).isInstanceOf(IllegalStateException.class)
                .hasMessage("listener failed on 1");
        assertThat(c.asMap()).containsOnlyKeys(2);
        assertThat(c.stats().evictions()).isEqualTo(1);
    }

    @Test
    void removeClearAndReplaceDoNotCallTheListener() {
        List<Integer> evicted = new ArrayList<>();
        LruCache<Integer, String> c = new LruCache<>(3, (k, v) -> evicted.add(k));
        c.put(1, "a");
        c.put(2, "b");
        c.put(1, "a2");
        c.remove(2);
        c.asMap().replace(1, "a3");
        c.asMap().clear();
        assertThat(evicted).isEmpty();
        assertThat(c.size()).isZero();
        assertThat(c.stats().evictions()).isZero();
    }

    // ------------------------------------------------------------------ statistics

    @Test
    void statsAddUpFromOneThread() {
        List<Integer> evicted = new ArrayList<>();
        LruCache<Integer, Integer> c = new LruCache<>(4, (k, v) -> evicted.add(k));
        Random random = new Random(3);
        long calls = 0;
        long found = 0;
        for (int i = 0; i < 5_000; i++) {
            int key = random.nextInt(10);
            if (i % 3 == 0) {
                found += c.peek(key) != null ? 1 : 0;
                c.computeIfAbsent(key, k -> k);
            } else if (i % 3 == 1) {
                found += c.get(key) != null ? 1 : 0;
            } else {
                c.put(key, key);
                calls--; // not a request
            }
            calls++;
            c.asMap().get(key); // the view records nothing
            c.peek(key);        // neither does peek
        }
        LruCache.Stats s = c.stats();
        assertThat(s.requests()).isEqualTo(calls);
        assertThat(s.hits()).isEqualTo(found);
        assertThat(s.evictions()).isEqualTo(evicted.size());
        assertThat(s.hitRate()).isEqualTo((double) found / calls);
    }

    @Test
    void statsAddUpUnderContention() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        AtomicLong listenerCalls = new AtomicLong();
        AtomicLong hitsSeen = new AtomicLong();
        LruCache<Integer, Integer> c = new LruCache<>(8, (k, v) -> listenerCalls.incrementAndGet());
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int seed = t;
                group.start("user-" + t, () -> {
                    Random random = new Random(seed);
                    start.await();
                    long hits = 0;
                    for (int i = 0; i < perThread; i++) {
                        int key = random.nextInt(32);
                        if (c.get(key) != null) {
                            hits++;
                        } else {
                            c.put(key, key);
                        }
                    }
                    hitsSeen.addAndGet(hits);
                });
            }
        }
        LruCache.Stats s = c.stats();
        assertThat(s.requests()).isEqualTo((long) threads * perThread);
        assertThat(s.hits()).isEqualTo(hitsSeen.get());
        assertThat(s.evictions()).isEqualTo(listenerCalls.get());
        assertThat(new LruCache<>(1).stats().hitRate()).isEqualTo(1.0);
    }

    // ------------------------------------------------------------------ computeIfAbsent

    @Test
    void computeIfAbsentLoadsOnceThenHits() {
        LruCache<Integer, String> c = new LruCache<>(2);
        AtomicInteger loads = new AtomicInteger();
        Function<Integer, String> loader = k -> {
            loads.incrementAndGet();
            return "v" + k;
        };
        assertThat(c.computeIfAbsent(1, loader)).isEqualTo("v1");
        assertThat(c.computeIfAbsent(1, loader)).isEqualTo("v1");
        assertThat(loads.get()).isEqualTo(1);
        assertThat(c.stats()).isEqualTo(new LruCache.Stats(1, 1, 0));
    }

    @Test
    void computeIfAbsentWithNullFromTheLoaderCachesNothing() {
        LruCache<Integer, String> c = new LruCache<>(2);
        assertThat(c.computeIfAbsent(1, k -> null)).isNull();
        assertThat(c.size()).isZero();
        assertThat(c.computeIfAbsent(1, k -> "v")).isEqualTo("v");
    }

    @Test
    void computeIfAbsentLoadsOncePerKeyUnderContention() throws Exception {
        int threads = 8;
        LruCache<Integer, String> c = new LruCache<>(4);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch releaseLoader = new CountDownLatch(1);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<String> results = new CopyOnWriteArrayList<>();
        List<Thread> started = new ArrayList<>();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                started.add(group.start("caller-" + t, () -> {
                    start.await();
                    results.add(c.computeIfAbsent(42, k -> {
                        loads.incrementAndGet();
                        loaderEntered.countDown();
                        try {
                            releaseLoader.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "loaded";
                    }));
                }));
            }
            loaderEntered.await();
            // Every caller is now parked on a latch: the loader on releaseLoader, the others on the
            // load's latch (none may start its own load). Parked on the cache's lock is not enough:
            // such a thread has not reached the load yet and could still find the value cached.
            for (Thread t : started) {
                TestThreads.awaitBlockedOn(t, b -> b.getClass().getName().startsWith(CountDownLatch.class.getName()),
                        "a CountDownLatch");
            }
            releaseLoader.countDown();
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(results).hasSize(threads).containsOnly("loaded");
        assertThat(c.stats()).isEqualTo(new LruCache.Stats(0, threads, 0)); // all waited: all missed
    }

    @Test
    void aThrowingLoaderFailsEveryWaiterCachesNothingAndALaterCallRetries() throws Exception {
        LruCache<Integer, String> c = new LruCache<>(4);
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch releaseLoader = new CountDownLatch(1);
        IllegalStateException boom = new IllegalStateException("boom");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (TestThreads group = new TestThreads()) {
            group.start("loader", () -> {
                try {
                    c.computeIfAbsent(1, k -> {
                        loaderEntered.countDown();
                        try {
                            releaseLoader.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw boom;
                    });
                } catch (IllegalStateException e) {
                    failures.add(e);
                }
            });
            loaderEntered.await();
            Thread waiter = group.start("waiter", () -> {
                try {
                    c.computeIfAbsent(1, k -> "must not load: a load is running");
                } catch (IllegalStateException e) {
                    failures.add(e);
                }
            });
            awaitWaitingForLoad(waiter);
            releaseLoader.countDown();
        }
        assertThat(failures).hasSize(2).allSatisfy(e -> assertThat(e).isSameAs(boom));
        assertThat(c.size()).isZero();
        assertThat(c.computeIfAbsent(1, k -> "second try")).isEqualTo("second try");
    }

    @Test
    void recursiveLoadOfTheSameOrAnotherKeyIsRejected() {
        LruCache<Integer, String> c = new LruCache<>(4);
        assertThatThrownBy(() -> c.computeIfAbsent(1, k -> c.computeIfAbsent(1, k2 -> "inner")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recursive load");
        assertThatThrownBy(() -> c.computeIfAbsent(1, k -> c.computeIfAbsent(2, k2 -> "inner")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.computeIfAbsent(1, k -> c.asMap().computeIfAbsent(2, k2 -> "inner")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(c.size()).isZero();
        // A loader may use get, put and another cache.
        LruCache<Integer, String> other = new LruCache<>(4);
        assertThat(c.computeIfAbsent(1, k -> {
            c.put(7, "seven");
            return c.get(7) + other.computeIfAbsent(2, k2 -> "+two");
        })).isEqualTo("seven+two");
        assertThat(c.asMap()).containsOnlyKeys(1, 7);
    }

    @Test
    void aPutDuringALoadWins() {
        LruCache<Integer, String> c = new LruCache<>(4);
        assertThat(c.computeIfAbsent(1, k -> {
            c.put(1, "put");
            return "loaded";
        })).isEqualTo("put");
        assertThat(c.get(1)).isEqualTo("put");
    }

    @Test
    void untimedWaitForALoadIgnoresInterruptsButKeepsTheStatus() throws Exception {
        LruCache<Integer, String> c = new LruCache<>(4);
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch releaseLoader = new CountDownLatch(1);
        AtomicReference<String> got = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        try (TestThreads group = new TestThreads()) {
            group.start("loader", () -> c.computeIfAbsent(1, k -> {
                loaderEntered.countDown();
                try {
                    releaseLoader.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "v";
            }));
            loaderEntered.await();
            Thread waiter = group.start("waiter", () -> {
                got.set(c.computeIfAbsent(1, k -> "must not load"));
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitWaitingForLoad(waiter);
            waiter.interrupt();
            awaitWaitingForLoad(waiter); // still waiting after the interrupt
            releaseLoader.countDown();
        }
        assertThat(got.get()).isEqualTo("v");
        assertThat(interruptedAfter.get()).isTrue();
    }

    @Test
    void timedWaitForALoadTimesOutOrIsInterruptedAndTheLoadGoesOn() throws Exception {
        LruCache<Integer, String> c = new LruCache<>(4);
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch releaseLoader = new CountDownLatch(1);
        AtomicReference<Throwable> interruptedWaiter = new AtomicReference<>();
        try (TestThreads group = new TestThreads()) {
            group.start("loader", () -> c.computeIfAbsent(1, k -> {
                loaderEntered.countDown();
                try {
                    releaseLoader.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "v";
            }));
            loaderEntered.await();
            assertThatThrownBy(() -> c.computeIfAbsent(1, k -> "must not load", Duration.ofMillis(20)))
                    .isInstanceOf(TimeoutException.class);
            Thread waiter = group.start("waiter", () -> {
                try {
                    c.computeIfAbsent(1, k -> "must not load", Duration.ofDays(1));
                } catch (InterruptedException e) {
                    interruptedWaiter.set(e);
                }
            });
            awaitWaitingForLoad(waiter);
            waiter.interrupt();
            waiter.join(TestThreads.BOUND.toMillis());
            releaseLoader.countDown();
        }
        assertThat(interruptedWaiter.get()).isInstanceOf(InterruptedException.class);
        assertThat(c.computeIfAbsent(1, k -> "reload", Duration.ZERO)).isEqualTo("v");
    }

    // ------------------------------------------------------------------ the view

    @Test
    void viewWritesAreCacheWritesWithTheSameCapacityAndListener() {
        List<Integer> evicted = new ArrayList<>();
        LruCache<Integer, String> c = new LruCache<>(2, (k, v) -> evicted.add(k));
        var m = c.asMap();
        assertThat(m.put(1, "a")).isNull();
        assertThat(m.putIfAbsent(1, "x")).isEqualTo("a");
        assertThat(m.put(2, "b")).isNull();
        assertThat(m.put(3, "c")).isNull(); // evicts 1
        assertThat(evicted).containsExactly(1);
        assertThat(m.replace(2, "b", "b2")).isTrue();
        assertThat(m.remove(3, "wrong")).isFalse();
        assertThat(m.merge(2, "!", String::concat)).isEqualTo("b2!");
        assertThat(c.get(2)).isEqualTo("b2!");
        assertThat(m).hasSize(2).containsEntry(3, "c");
        assertThat(c.asMap()).isSameAs(m);
    }

    @Test
    void toStringShowsSizeAndCapacity() {
        LruCache<Integer, String> c = new LruCache<>(3);
        c.put(1, "a");
        assertThat(c.toString()).isEqualTo("LruCache[size=1, capacity=3]");
    }

    /** Waits until {@code t} is parked on a load's latch (not merely on the cache's lock). */
    private static void awaitWaitingForLoad(Thread t) {
        TestThreads.awaitBlockedOn(t, b -> b.getClass().getName().startsWith(CountDownLatch.class.getName()),
                "a load's CountDownLatch");
    }
}

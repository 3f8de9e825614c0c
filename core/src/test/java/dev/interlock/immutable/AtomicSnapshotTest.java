package dev.interlock.immutable;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AtomicSnapshot}: atomic replacement, no lost update, listeners told of every change in order. */
class AtomicSnapshotTest {

    @Test
    void holdsItsInitialValueAndRejectsNull() {
        assertThat(new AtomicSnapshot<>("a").get()).isEqualTo("a");
        assertThatThrownBy(() -> new AtomicSnapshot<>(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void setReplacesTheValue() {
        AtomicSnapshot<String> s = new AtomicSnapshot<>("a");
        s.set("b");
        assertThat(s.get()).isEqualTo("b");
        assertThat(s.toString()).isEqualTo("AtomicSnapshot[b]");
    }

    @Test
    void compareAndSetComparesByIdentity() {
        String a = new String("a");
        AtomicSnapshot<String> s = new AtomicSnapshot<>(a);
        assertThat(s.compareAndSet(new String("a"), "x")).as("equal but not the same").isFalse();
        assertThat(s.get()).isSameAs(a);
        assertThat(s.compareAndSet(a, "b")).isTrue();
        assertThat(s.get()).isEqualTo("b");
    }

    @Test
    void updateAppliesTheFunctionAndReturnsTheNewValue() {
        AtomicSnapshot<ConnectionConfig> s = new AtomicSnapshot<>(ConnectionConfig.defaults());
        ConnectionConfig moved = s.update(c -> c.withEndpoint("replica", 6432));
        assertThat(s.get()).isSameAs(moved);
        assertThat(moved.host()).isEqualTo("replica");
    }

    @Test
    void badInputIsRejectedAndChangesNothing() {
        AtomicSnapshot<String> s = new AtomicSnapshot<>("a");
        List<String> heard = new ArrayList<>();
        s.addListener(heard::add);
        assertThatThrownBy(() -> s.set(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.compareAndSet("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.update(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.update(v -> null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.addListener(null)).isInstanceOf(NullPointerException.class);
        assertThat(s.get()).isEqualTo("a");
        assertThat(heard).isEmpty();
    }

    @Test
    void anUpdateFunctionThatThrowsChangesNothing() {
        AtomicSnapshot<String> s = new AtomicSnapshot<>("a");
        assertThatThrownBy(() -> s.update(v -> {
            throw new IllegalStateException("no");
        })).hasMessage("no");
        assertThat(s.get()).isEqualTo("a");
    }

    @Test
    void everyChangeIsDeliveredEvenWhenTheValueIsEqual() {
        AtomicSnapshot<String> s = new AtomicSnapshot<>("a");
        List<String> heard = new ArrayList<>();
        s.addListener(heard::add);
        s.set("a");
        s.compareAndSet("x", "lost");     // fails: no change
        s.compareAndSet("a", "b");
        s.update(v -> v + "c");
        assertThat(heard).containsExactly("a", "b", "bc");
    }

    @Test
    void aListenerHearsOnlyChangesAfterItWasAddedAndNothingAfterRemoval() {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        s.set(1);
        List<Integer> heard = new ArrayList<>();
        Consumer<Integer> listener = heard::add;
        s.addListener(listener);
        s.set(2);
        assertThat(s.removeListener(listener)).isTrue();
        assertThat(s.removeListener(listener)).isFalse();
        s.set(3);
        assertThat(heard).containsExactly(2);
    }

    @Test
    void listenersAreCalledInRegistrationOrderForEachChange() {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        List<String> calls = new ArrayList<>();
        s.addListener(v -> calls.add("first " + v));
        s.addListener(v -> calls.add("second " + v));
        s.set(1);
        s.set(2);
        assertThat(calls).containsExactly("first 1", "second 1", "first 2", "second 2");
    }

    @Test
    void aThrowingListenerGoesToTheUncaughtHandlerAndDeliveryContinues() throws Exception {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        List<Integer> heard = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        s.addListener(v -> {
            throw new IllegalStateException("listener failed on " + v);
        });
        s.addListener(heard::add);
        try (TestThreads group = new TestThreads()) {
            group.start("updater", () -> {
                Thread.currentThread().setUncaughtExceptionHandler((thread, e) -> reported.add(e));
                s.set(1);
                s.set(2);
            });
        }
        assertThat(heard).containsExactly(1, 2);
        assertThat(reported).extracting(Throwable::getMessage)
                .containsExactly("listener failed on 1", "listener failed on 2");
    }

    @Test
    void aListenerMayChangeTheSnapshotAndThatChangeIsDeliveredNext() {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        List<Integer> heard = new ArrayList<>();
        s.addListener(v -> {
            heard.add(v);
            if (v < 3) {
                s.update(x -> x + 1);
            }
        });
        s.set(1);
        assertThat(heard).containsExactly(1, 2, 3);
        assertThat(s.get()).isEqualTo(3);
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        int threads = 4;
        int perThread = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("updater-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        s.update(v -> v + 1);
                    }
                });
            }
        }
        assertThat(s.get()).isEqualTo(threads * perThread);
    }

    /**
     * Under contention, each listener receives every new value in the order the changes took effect
     * (updates by one make that order 1, 2, 3, ...), never two at once, and all of them by the time
     * the updaters have returned.
     */
    @Test
    void listenersHearEveryChangeInOrderNeverConcurrentlyUnderContention() throws Exception {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        int threads = 4;
        int perThread = 10_000;
        List<List<Integer>> heard = List.of(new ArrayList<>(), new ArrayList<>());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        for (List<Integer> log : heard) {
            // A plain list: safe only because calls to one listener never overlap and are ordered.
            s.addListener(v -> {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                log.add(v);
                inside.decrementAndGet();
            });
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                boolean useSet = t == 0;
                group.start("updater-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (useSet) {
                            // A CAS loop written by hand: the same order guarantee holds for compareAndSet.
                            Integer v;
                            do {
                                v = s.get();
                            } while (!s.compareAndSet(v, v + 1));
                        } else {
                            s.update(v -> v + 1);
                        }
                    }
                });
            }
        }
        int total = threads * perThread;
        assertThat(overlaps).as("overlapping listener calls").hasValue(0);
        for (List<Integer> log : heard) {
            assertThat(log).hasSize(total);
            for (int i = 0; i < total; i++) {
                if (log.get(i) != i + 1) {
                    throw new AssertionError("change " + (i + 1) + " delivered as " + log.get(i) + " (out of order or lost)");
                }
            }
        }
    }

    @Test
    void concurrentSetsAreDeliveredInTheOrderGetObservedThem() throws Exception {
        // Two setters race; a listener's sequence must be a sequence the snapshot actually went
        // through: each setter's own values appear in its program order.
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        List<Integer> heard = new ArrayList<>();
        s.addListener(heard::add);
        int perThread = 20_000;
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads group = new TestThreads()) {
            group.start("positive", () -> {
                start.await();
                for (int i = 1; i <= perThread; i++) {
                    s.set(i);
                }
            });
            group.start("negative", () -> {
                start.await();
                for (int i = 1; i <= perThread; i++) {
                    s.set(-i);
                }
            });
        }
        assertThat(heard).hasSize(2 * perThread);
        int lastPositive = 0;
        int lastNegative = 0;
        for (int v : heard) {
            if (v > 0) {
                assertThat(v).isEqualTo(lastPositive + 1);
                lastPositive = v;
            } else {
                assertThat(v).isEqualTo(lastNegative - 1);
                lastNegative = v;
            }
        }
        assertThat(heard.get(heard.size() - 1)).isEqualTo(s.get());
    }

    @Test
    void aSlowListenerDoesNotBlockOtherUpdatersOrReaders() throws Exception {
        AtomicSnapshot<Integer> s = new AtomicSnapshot<>(0);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> heard = Collections.synchronizedList(new ArrayList<>());
        s.addListener(v -> {
            heard.add(v);
            if (v == 1) {
                inListener.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (TestThreads group = new TestThreads()) {
            group.start("delivering", () -> s.set(1));
            inListener.await();
            // This thread's change is handed to the delivering thread: set returns at once.
            s.set(2);
            assertThat(s.get()).isEqualTo(2);
            assertThat(heard).containsExactly(1);
            release.countDown();
        }
        assertThat(heard).containsExactly(1, 2);
    }
}

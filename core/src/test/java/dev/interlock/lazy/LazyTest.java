package dev.interlock.lazy;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link Lazy} contract: once on success, retry on failure, recursion, interruption, bad input. */
class LazyTest {

    /** An initializer that counts its calls and returns a fresh object each time. */
    private static final class Counting implements Supplier<Object> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Object get() {
            calls.incrementAndGet();
            return new Object();
        }
    }

    @Test
    void ofRejectsANullInitializer() {
        assertThatThrownBy(() -> Lazy.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void initializerDoesNotRunUntilTheFirstGet() {
        Counting init = new Counting();
        Lazy<Object> lazy = Lazy.of(init);
        assertThat(lazy.isInitialized()).isFalse();
        assertThat(lazy.toString()).contains("not initialized");
        assertThat(init.calls).hasValue(0);
    }

    @Test
    void getReturnsTheSameInstanceAndRunsTheInitializerOnce() {
        Counting init = new Counting();
        Lazy<Object> lazy = Lazy.of(init);
        Object first = lazy.get();
        assertThat(lazy.get()).isSameAs(first);
        assertThat(lazy.isInitialized()).isTrue();
        assertThat(init.calls).hasValue(1);
    }

    @Test
    void anInitializerThatThrowsPropagatesAndTheNextGetRetries() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalArgumentException("first attempt fails");
            }
            return "second attempt";
        });
        assertThatThrownBy(lazy::get).isInstanceOf(IllegalArgumentException.class).hasMessage("first attempt fails");
        assertThat(lazy.isInitialized()).isFalse();
        assertThat(lazy.get()).isEqualTo("second attempt");
        assertThat(lazy.get()).isEqualTo("second attempt");
        assertThat(calls).hasValue(2);
    }

    @Test
    void anInitializerReturningNullThrowsNullPointerExceptionStoresNothingAndIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> calls.incrementAndGet() == 1 ? null : "value");
        assertThatThrownBy(lazy::get).isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
        assertThat(lazy.isInitialized()).isFalse();
        assertThat(lazy.get()).isEqualTo("value");
        assertThat(calls).hasValue(2);
    }

    @Test
    void aRecursiveGetFromTheInitializerThrowsIllegalStateInsteadOfDeadlocking() {
        AtomicReference<Lazy<String>> self = new AtomicReference<>();
        AtomicReference<Throwable> seenInside = new AtomicReference<>();
        Lazy<String> lazy = Lazy.of(() -> {
            try {
                return self.get().get();
            } catch (IllegalStateException e) {
                seenInside.set(e);
                throw e;
            }
        });
        self.set(lazy);
        assertThatThrownBy(lazy::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("own initializer");
        assertThat(seenInside.get()).isInstanceOf(IllegalStateException.class);
        assertThat(lazy.isInitialized()).isFalse();
    }

    @Test
    void aRecursiveTimedGetAlsoThrowsIllegalState() {
        AtomicReference<Lazy<String>> self = new AtomicReference<>();
        Lazy<String> lazy = Lazy.of(() -> {
            try {
                return self.get().get(Duration.ofSeconds(1));
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError(e);
            }
        });
        self.set(lazy);
        assertThatThrownBy(lazy::get).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInitializerMayUseAnotherLazy() {
        Lazy<String> inner = Lazy.of(() -> "inner");
        Lazy<String> outer = Lazy.of(() -> inner.get() + "+outer");
        assertThat(outer.get()).isEqualTo("inner+outer");
    }

    @Test
    void toStringShowsTheValueOnceComputedAndNeverRunsTheInitializer() {
        Counting init = new Counting();
        Lazy<Object> lazy = Lazy.of(init);
        lazy.toString();
        assertThat(init.calls).hasValue(0);
        Object v = lazy.get();
        assertThat(lazy.toString()).isEqualTo("Lazy[" + v + "]");
    }

    @Test
    void timedGetRejectsANullTimeout() {
        assertThatThrownBy(() -> Lazy.of(Object::new).get(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void timedGetRunsTheInitializerWhenNobodyElseIs() throws Exception {
        Counting init = new Counting();
        Lazy<Object> lazy = Lazy.of(init);
        Object v = lazy.get(Duration.ZERO);
        assertThat(lazy.get()).isSameAs(v);
        assertThat(init.calls).hasValue(1);
    }

    @Test
    void initializerRunsOnceUnderContention() throws Exception {
        int threads = 8;
        for (int round = 0; round < 50; round++) {
            Counting init = new Counting();
            Lazy<Object> lazy = Lazy.of(init);
            CyclicBarrier start = new CyclicBarrier(threads);
            Set<Object> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
            try (TestThreads group = new TestThreads()) {
                for (int t = 0; t < threads; t++) {
                    group.start("getter-" + t, () -> {
                        start.await();
                        seen.add(lazy.get());
                    });
                }
            }
            assertThat(init.calls).as("initializer calls in round " + round).hasValue(1);
            assertThat(seen).as("distinct instances in round " + round).hasSize(1);
        }
    }

    @Test
    void callersArrivingDuringInitialisationWaitAndGetTheSameInstance() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Lazy<Object> lazy = Lazy.of(() -> {
            calls.incrementAndGet();
            entered.countDown();
            await(release);
            return new Object();
        });
        List<Object> results = Collections.synchronizedList(new ArrayList<>());
        try (TestThreads group = new TestThreads()) {
            group.start("initialiser", () -> results.add(lazy.get()));
            entered.await();
            Thread waiter = group.start("waiter", () -> results.add(lazy.get()));
            TestThreads.awaitBlockedOn(waiter, b -> b instanceof AbstractQueuedSynchronizer, "on the Lazy's lock");
            assertThat(lazy.isInitialized()).isFalse();
            release.countDown();
        }
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isSameAs(results.get(1));
        assertThat(calls).hasValue(1);
    }

    @Test
    void aWaiterRunsTheInitializerItselfWhenTheFirstAttemptFails() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Lazy<String> lazy = Lazy.of(() -> {
            if (calls.incrementAndGet() == 1) {
                entered.countDown();
                await(release);
                throw new IllegalStateException("first attempt fails");
            }
            return "retried";
        });
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        AtomicReference<String> waiterGot = new AtomicReference<>();
        try (TestThreads group = new TestThreads()) {
            group.start("failing-initialiser", () -> {
                try {
                    lazy.get();
                } catch (IllegalStateException e) {
                    firstFailure.set(e);
                }
            });
            entered.await();
            Thread waiter = group.start("waiter", () -> waiterGot.set(lazy.get()));
            TestThreads.awaitBlockedOn(waiter, b -> b instanceof AbstractQueuedSynchronizer, "on the Lazy's lock");
            release.countDown();
        }
        assertThat(firstFailure.get()).hasMessage("first attempt fails");
        assertThat(waiterGot.get()).isEqualTo("retried");
        assertThat(calls).hasValue(2);
    }

    @Test
    void getKeepsWaitingWhenInterruptedAndReturnsWithTheInterruptStatusSet() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<String> lazy = Lazy.of(() -> {
            entered.countDown();
            await(release);
            return "value";
        });
        AtomicReference<String> got = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        try (TestThreads group = new TestThreads()) {
            group.start("initialiser", lazy::get);
            entered.await();
            Thread waiter = group.start("waiter", () -> {
                got.set(lazy.get());
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            TestThreads.awaitBlockedOn(waiter, b -> b instanceof AbstractQueuedSynchronizer, "on the Lazy's lock");
            waiter.interrupt();
            // It must still be waiting for the initialiser, not returned or failed.
            TestThreads.awaitBlockedOn(waiter, b -> b instanceof AbstractQueuedSynchronizer, "on the Lazy's lock");
            assertThat(got.get()).isNull();
            release.countDown();
        }
        assertThat(got.get()).isEqualTo("value");
        assertThat(interruptedAfter.get()).isTrue();
    }

    @Test
    void timedGetIsInterruptibleWhileWaiting() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<String> lazy = Lazy.of(() -> {
            entered.countDown();
            await(release);
            return "value";
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        try (TestThreads group = new TestThreads()) {
            group.start("initialiser", lazy::get);
            entered.await();
            Thread waiter = group.start("waiter", () -> {
                try {
                    lazy.get(Duration.ofDays(1));
                } catch (InterruptedException e) {
                    failure.set(e);
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            TestThreads.awaitBlockedOn(waiter, b -> b instanceof AbstractQueuedSynchronizer, "on the Lazy's lock");
            waiter.interrupt();
            waiter.join(TestThreads.BOUND);
            release.countDown();
        }
        assertThat(failure.get()).isInstanceOf(InterruptedException.class);
        assertThat(interruptedAfter.get()).as("status cleared with the exception").isFalse();
        assertThat(lazy.get()).isEqualTo("value");
    }

    @Test
    void timedGetTimesOutWhileAnotherThreadInitialises() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<String> lazy = Lazy.of(() -> {
            entered.countDown();
            await(release);
            return "value";
        });
        try (TestThreads group = new TestThreads()) {
            group.start("initialiser", lazy::get);
            entered.await();
            assertThatThrownBy(() -> lazy.get(Duration.ofMillis(1))).isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> lazy.get(Duration.ZERO)).isInstanceOf(TimeoutException.class);
            release.countDown();
        }
        assertThat(lazy.get(Duration.ZERO)).isEqualTo("value");
    }

    @Test
    void anInterruptedThreadStillGetsAComputedValueFromEitherGet() throws Exception {
        Lazy<String> lazy = Lazy.of(() -> "value");
        lazy.get();
        Thread.currentThread().interrupt();
        try {
            assertThat(lazy.get()).isEqualTo("value");
            assertThat(lazy.get(Duration.ofSeconds(1))).isEqualTo("value");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        Counting init = new Counting();
        Lazy<Object> lazy = Lazy.of(init);
        Set<Object> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 100; t++) {
                group.startVirtual("v-" + t, () -> seen.add(lazy.get()));
            }
        }
        assertThat(seen).hasSize(1);
        assertThat(init.calls).hasValue(1);
    }

    /** Awaits a test latch from inside an initializer (which cannot throw checked exceptions). */
    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(TestThreads.BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the initializer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted in the initializer", e);
        }
    }
}

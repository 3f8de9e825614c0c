package dev.interlock.sync;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link Event} contract: flag, waits, bad input, interrupts, set-then-clear, many waiters. */
class EventTest {

    @AfterEach
    void interruptStatusIsClear() {
        assertThat(Thread.interrupted()).as("test left its thread interrupted").isFalse();
    }

    @Test
    void sampleUsageFromTheClassDocRuns() throws Exception {
        AtomicInteger loaded = new AtomicInteger();
        Event ready = new Event();
        Thread loader = Thread.ofPlatform().start(() -> {
            loaded.set(1);
            ready.set();
        });
        if (!ready.await(Duration.ofSeconds(5))) {
            throw new IllegalStateException("configuration not loaded within 5 s");
        }
        assertThat(loaded).hasValue(1);
        loader.join(TestThreads.BOUND);
        assertThat(loader.isAlive()).isFalse();
    }

    @Test
    void startsClear() throws Exception {
        Event e = new Event();
        assertThat(e.isSet()).isFalse();
        assertThat(e.await(Duration.ZERO)).isFalse();
        assertThat(e).hasToString("Event[clear]");
    }

    @Test
    void setRaisesAndClearLowersTheFlag() {
        Event e = new Event();
        e.set();
        assertThat(e.isSet()).isTrue();
        assertThat(e).hasToString("Event[set]");
        e.set();
        assertThat(e.isSet()).isTrue();
        e.clear();
        assertThat(e.isSet()).isFalse();
        e.clear();
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void everyAwaitReturnsAtOnceWhileSet() throws Exception {
        Event e = new Event();
        e.set();
        e.await();
        assertThat(e.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(e.await(-1, TimeUnit.SECONDS)).isTrue();
        assertThat(e.await(Duration.ZERO)).isTrue();
        assertThat(e.await(Duration.ofDays(1))).isTrue();
        assertThat(e.await(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
    }

    @Test
    void zeroOrNegativeTimeoutOnlyChecks() throws Exception {
        Event e = new Event();
        assertThat(e.await(0, TimeUnit.NANOSECONDS)).isFalse();
        assertThat(e.await(-5, TimeUnit.DAYS)).isFalse();
        assertThat(e.await(Duration.ofMillis(-1))).isFalse();
    }

    @Test
    void timedAwaitTimesOutNoEarlierThanItsTimeout() throws Exception {
        Event e = new Event();
        long start = System.nanoTime();
        assertThat(e.await(30, TimeUnit.MILLISECONDS)).isFalse();
        // A lower bound, not a timing assertion: returning early would break the contract.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        start = System.nanoTime();
        assertThat(e.await(Duration.ofMillis(30))).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
    }

    @Test
    void nullUnitOrDurationThrowsAndLeavesTheEventIntact() throws Exception {
        Event e = new Event();
        assertThatThrownBy(() -> e.await(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.await(null)).isInstanceOf(NullPointerException.class);
        assertThat(e.isSet()).isFalse();
        e.set();
        assertThat(e.await(Duration.ZERO)).isTrue();
    }

    @Test
    void interruptedOnEntryEveryAwaitThrowsEvenWhenSet() {
        Event e = new Event();
        e.set();
        List<TestThreads.Body> awaits = List.of(e::await, () -> e.await(1, TimeUnit.SECONDS),
                () -> e.await(Duration.ZERO));
        for (TestThreads.Body await : awaits) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(await::run).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        assertThat(e.isSet()).isTrue();
    }

    @Test
    void blockedAwaitThrowsOnInterruptWithStatusCleared() throws Exception {
        Event e = new Event();
        try (TestThreads threads = new TestThreads()) {
            for (boolean timed : new boolean[] {false, true}) {
                Thread waiter = threads.start("waiter-" + timed, () -> {
                    assertThatThrownBy(() -> {
                        if (timed) {
                            e.await(TestThreads.BOUND);
                        } else {
                            e.await();
                        }
                    }).isInstanceOf(InterruptedException.class);
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                });
                TestThreads.awaitBlocked(waiter);
                waiter.interrupt();
                waiter.join(TestThreads.BOUND);
            }
        }
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void oneSetReleasesManyWaiters() throws Exception {
        Event e = new Event();
        AtomicInteger released = new AtomicInteger();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int kind = i % 3;
                waiters.add(threads.start("waiter-" + i, () -> {
                    boolean ok = switch (kind) {
                        case 0 -> {
                            e.await();
                            yield true;
                        }
                        case 1 -> e.await(TestThreads.BOUND);
                        default -> e.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    };
                    assertThat(ok).isTrue();
                    released.incrementAndGet();
                }));
            }
            waiters.forEach(TestThreads::awaitBlocked);
            e.set();
        }
        assertThat(released).hasValue(12);
    }

    @Test
    void setThenClearStillReleasesWaitersThatWereBlocked() throws Exception {
        Event e = new Event();
        AtomicInteger released = new AtomicInteger();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean timed = i % 2 == 0;
                waiters.add(threads.start("waiter-" + i, () -> {
                    if (timed) {
                        assertThat(e.await(TestThreads.BOUND)).isTrue();
                    } else {
                        e.await();
                    }
                    released.incrementAndGet();
                }));
            }
            waiters.forEach(TestThreads::awaitBlocked);
            e.set();
            e.clear();
        }
        assertThat(released).hasValue(8);
        assertThat(e.isSet()).isFalse();
    }

    @Test
    void awaitStartedAfterClearWaitsForTheNextSet() throws Exception {
        Event e = new Event();
        e.set();
        e.clear();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("late", () -> assertThat(e.await(TestThreads.BOUND)).isTrue());
            TestThreads.awaitBlocked(waiter);
            assertThat(waiter.isAlive()).isTrue();
            e.set();
        }
    }

    @Test
    void writesBeforeSetAreSeenAfterAwait() throws Exception {
        Event e = new Event();
        int[] data = new int[1];
        try (TestThreads threads = new TestThreads()) {
            Thread reader = threads.start("reader", () -> {
                e.await();
                assertThat(data[0]).isEqualTo(42);
            });
            TestThreads.awaitBlocked(reader);
            data[0] = 42;
            e.set();
        }
    }

    @Test
    void hundredsOfVirtualThreadsAreReleasedByOneSet() throws Exception {
        Event e = new Event();
        AtomicInteger released = new AtomicInteger();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                waiters.add(threads.startVirtual("v-" + i, () -> {
                    e.await();
                    released.incrementAndGet();
                }));
            }
            waiters.forEach(TestThreads::awaitBlocked);
            e.set();
            e.clear();
        }
        assertThat(released).hasValue(200);
    }
}

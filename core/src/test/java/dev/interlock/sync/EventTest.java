package dev.interlock.sync;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
    void blockedAwaitsWithTheLongestTimeoutsAreReleasedBySet() throws Exception {
        Event e = new Event();
        try (TestThreads threads = new TestThreads()) {
            Thread days = threads.start("days", () -> assertThat(e.await(Long.MAX_VALUE, TimeUnit.DAYS)).isTrue());
            Thread seconds = threads.start("seconds",
                    () -> assertThat(e.await(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isTrue());
            TestThreads.awaitBlockedOn(days, e.blockerForTests());
            TestThreads.awaitBlockedOn(seconds, e.blockerForTests());
            e.set();
        }
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
                TestThreads.awaitBlockedOn(waiter, e.blockerForTests());
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
            waiters.forEach(w -> TestThreads.awaitBlockedOn(w, e.blockerForTests()));
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
            waiters.forEach(w -> TestThreads.awaitBlockedOn(w, e.blockerForTests()));
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
            TestThreads.awaitBlockedOn(waiter, e.blockerForTests());
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
            TestThreads.awaitBlockedOn(reader, e.blockerForTests());
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
            waiters.forEach(w -> TestThreads.awaitBlockedOn(w, e.blockerForTests()));
            e.set();
            e.clear();
        }
        assertThat(released).hasValue(200);
    }

    // ---- set-then-clear pulses racing waiters that have not parked yet ----
    //
    // A wait has two halves: it reads the state (Event.observe()), then parks until that state's
    // generation ends (Event.awaitFrom). A pulse between the two is invisible from outside the call,
    // so these tests run the halves themselves (package-private) to put the pulse exactly there.

    @Test
    void aWaiterThatLookedBeforeAPulseReturnsEvenWhenALaterWaiterParksFirst() throws Exception {
        Event e = new Event();
        Event.State looked = e.observe();   // waiter A has read the flag: down
        e.set();                            // a pulse before A parks...
        e.clear();
        try (TestThreads threads = new TestThreads()) {
            // ...then waiter B, which starts after the clear, parks first and waits for the next set.
            Thread b = threads.start("b", () -> assertThat(e.await(TestThreads.BOUND)).isTrue());
            TestThreads.awaitBlockedOn(b, e.blockerForTests());
            // A's generation has ended: it returns at once, without waiting, and B still waits.
            assertThat(e.awaitFrom(looked, 0)).isTrue();
            Thread a = threads.start("a", () -> assertThat(e.awaitFrom(looked, TestThreads.BOUND.toNanos())).isTrue());
            a.join(TestThreads.BOUND);
            assertThat(a.isAlive()).isFalse();
            assertThat(b.isAlive()).isTrue();
            assertThat(e.isSet()).isFalse();
            e.set();
        }
    }

    @Test
    void aWaiterThatLookedBeforeAPulseReturnsTrueWhateverTheInterleaving() throws Exception {
        // Each round, on a fresh event: A reads the state, spins at random, then waits from it. P waits
        // until A has read, spins at random, pulses set-then-clear, then waits itself: a later waiter
        // that may queue before A does. A must return true (its generation ended after it looked).
        // Only when both are done does the test set the flag, to release P: a set while A waits would
        // hide a stranded A. A's wait is bounded below the test's own bound so that a stranded A shows up
        // as a failed assertion, not as a hang.
        int rounds = 1_000;
        long aTimeout = TestThreads.BOUND.toNanos() / 2;
        SplittableRandom random = new SplittableRandom(20261127);
        int[] aSpins = random.ints(rounds, 0, 256).toArray();
        int[] pSpins = random.ints(rounds, 0, 256).toArray();
        AtomicReference<Event> current = new AtomicReference<>();
        AtomicInteger looked = new AtomicInteger(-1);
        AtomicInteger returned = new AtomicInteger(-1);
        AtomicInteger pulsed = new AtomicInteger(-1);
        CyclicBarrier start = new CyclicBarrier(3);
        CyclicBarrier end = new CyclicBarrier(3);
        try (TestThreads threads = new TestThreads()) {
            Thread a = threads.start("a", () -> {
                for (int round = 0; round < rounds; round++) {
                    start.await();
                    Event e = current.get();
                    Event.State state = e.observe();
                    looked.set(round);
                    spin(aSpins[round]);
                    boolean ok = e.awaitFrom(state, aTimeout);
                    assertThat(ok).as("round %d: A looked before the pulse, yet its wait timed out", round).isTrue();
                    returned.set(round);
                    end.await();
                }
            });
            threads.start("p", () -> {
                for (int round = 0; round < rounds; round++) {
                    start.await();
                    Event e = current.get();
                    while (looked.get() != round) {
                        Thread.onSpinWait();
                    }
                    spin(pSpins[round]);
                    e.set();
                    e.clear();
                    pulsed.set(round);
                    assertThat(e.await(TestThreads.BOUND)).isTrue();
                    end.await();
                }
            });
            for (int round = 0; round < rounds; round++) {
                Event e = new Event();
                current.set(e);
                start.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS);
                int r = round;
                TestThreads.pollUntil(() -> returned.get() == r && pulsed.get() == r || !a.isAlive(),
                        () -> "A to return in round " + r);
                if (!a.isAlive()) {
                    break; // A failed: closing the threads reports why
                }
                e.set();
                end.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    @Test
    void pulsesReleaseEveryWaiterConfirmedBlockedBeforeThemDespiteLaterWaiters() throws Exception {
        // Black-box version: waiters confirmed parked on the event when a pulse comes all return true,
        // while a churner keeps starting short waits that queue among them (and may miss pulses, as
        // waiters that start after a clear rightly do).
        int rounds = 100;
        Event e = new Event();
        AtomicBoolean churning = new AtomicBoolean(true);
        try (TestThreads threads = new TestThreads()) {
            threads.start("churner", () -> {
                while (churning.get()) {
                    e.await(50, TimeUnit.MICROSECONDS);
                }
            });
            for (int round = 0; round < rounds; round++) {
                Object gate = e.blockerForTests();
                List<Thread> waiters = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int r = round;
                    waiters.add(threads.start("waiter-" + round + "-" + i, () ->
                            assertThat(e.await(TestThreads.BOUND)).as("waiter blocked before pulse %d", r).isTrue()));
                }
                waiters.forEach(w -> TestThreads.awaitBlockedOn(w, gate));
                e.set();
                e.clear();
                for (Thread w : waiters) {
                    w.join(TestThreads.BOUND);
                    assertThat(w.isAlive()).as("%s still waiting after the pulse", w.getName()).isFalse();
                }
            }
            churning.set(false);
        }
    }

    private static void spin(int times) {
        for (int i = 0; i < times; i++) {
            Thread.onSpinWait();
        }
    }
}

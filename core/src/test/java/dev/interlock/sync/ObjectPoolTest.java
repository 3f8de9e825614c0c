package dev.interlock.sync;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ObjectPool} contract, single-threaded and with blocking: creation, reuse, leases, bad
 * input, factory failures, interrupts, fairness and close. Concurrency soaks and diagnostics have
 * their own classes.
 */
class ObjectPoolTest {

    /** A pooled object that counts its closes. */
    static final class Resource implements AutoCloseable {
        final int id;
        final AtomicInteger closes = new AtomicInteger();
        final RuntimeException onClose;

        Resource(int id, RuntimeException onClose) {
            this.id = id;
            this.onClose = onClose;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            if (onClose != null) {
                throw onClose;
            }
        }

        @Override
        public String toString() {
            return "Resource" + id;
        }
    }

    /** A factory of numbered resources that remembers what it made. */
    static final class Factory implements Supplier<Resource> {
        final List<Resource> made = new CopyOnWriteArrayList<>();

        @Override
        public Resource get() {
            Resource r = new Resource(made.size(), null);
            made.add(r);
            return r;
        }
    }

    private final Factory factory = new Factory();

    @AfterEach
    void interruptStatusIsClear() {
        assertThat(Thread.interrupted()).as("test left its thread interrupted").isFalse();
    }

    @Test
    void sampleUsageFromTheClassDocRuns() throws Exception {
        String seen;
        try (ObjectPool<StringBuilder> buffers = new ObjectPool<>(4, StringBuilder::new)) {
            try (ObjectPool.Lease<StringBuilder> lease = buffers.acquire(Duration.ofSeconds(2))) {
                StringBuilder buffer = lease.get();
                buffer.setLength(0);
                buffer.append("reused");
                seen = buffer.toString();
            }
        }
        assertThat(seen).isEqualTo("reused");
    }

    // ---- bad input ----

    @Test
    void rejectsMaxSizeBelowOne() {
        assertThatThrownBy(() -> new ObjectPool<>(0, factory)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectPool<>(-3, factory)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNullFactory() {
        assertThatThrownBy(() -> new ObjectPool<>(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ObjectPool<>(1, null, true)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nullTimeoutsThrowAndLeaveThePoolIntact() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        assertThatThrownBy(() -> pool.tryAcquire(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> pool.acquire(null)).isInstanceOf(NullPointerException.class);
        assertThat(pool.leased()).isZero();
        assertThat(factory.made).isEmpty();
        try (var lease = pool.acquire()) {
            assertThat(lease.get()).isNotNull();
        }
    }

    // ---- creation and reuse ----

    @Test
    void createsObjectsLazilyUpToMaxSize() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(2, factory);
        assertThat(factory.made).isEmpty();
        var a = pool.acquire();
        assertThat(factory.made).hasSize(1);
        var b = pool.acquire();
        assertThat(factory.made).hasSize(2);
        assertThat(pool.tryAcquire(Duration.ZERO)).isEmpty();
        assertThat(factory.made).hasSize(2);
        assertThat(a.get()).isNotSameAs(b.get());
        a.close();
        b.close();
    }

    @Test
    void reusesAnIdleObjectInsteadOfCreatingOne() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(4, factory);
        for (int i = 0; i < 100; i++) {
            try (var lease = pool.acquire()) {
                assertThat(lease.get()).isSameAs(factory.made.get(0));
            }
        }
        assertThat(factory.made).hasSize(1);
    }

    @Test
    void reusesIdleObjectsLastInFirstOut() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(3, factory);
        var a = pool.acquire();
        var b = pool.acquire();
        Resource ra = a.get();
        Resource rb = b.get();
        a.close();
        b.close();
        try (var first = pool.acquire(); var second = pool.acquire()) {
            assertThat(first.get()).isSameAs(rb);
            assertThat(second.get()).isSameAs(ra);
        }
    }

    @Test
    void maxSizeAndLeasedReportTheBoundAndOpenLeases() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(3, factory);
        assertThat(pool.maxSize()).isEqualTo(3);
        assertThat(pool.leased()).isZero();
        var a = pool.acquire();
        var b = pool.acquire();
        assertThat(pool.leased()).isEqualTo(2);
        a.close();
        assertThat(pool.leased()).isEqualTo(1);
        b.close();
        assertThat(pool.leased()).isZero();
    }

    // ---- leases ----

    @Test
    void leaseGetAfterCloseThrows() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var lease = pool.acquire();
        lease.close();
        assertThat(lease.isOpen()).isFalse();
        assertThatThrownBy(lease::get).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void secondLeaseCloseDoesNothingEvenAfterTheObjectIsLentAgain() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var stale = pool.acquire();
        stale.close();
        stale.close();
        assertThat(pool.leased()).isZero();
        var current = pool.acquire();
        stale.close();
        assertThat(pool.leased()).isEqualTo(1);
        assertThat(current.get()).isSameAs(factory.made.get(0));
        assertThat(pool.tryAcquire(Duration.ZERO)).isEmpty();
        current.close();
    }

    @Test
    void racingClosesOfOneLeaseReturnItsObjectOnce() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(2, factory);
        for (int round = 0; round < 500; round++) {
            var lease = pool.acquire();
            CyclicBarrier start = new CyclicBarrier(2);
            try (TestThreads threads = new TestThreads()) {
                for (int t = 0; t < 2; t++) {
                    threads.start("closer-" + t, () -> {
                        start.await();
                        lease.close();
                    });
                }
            }
            assertThat(pool.leased()).isZero();
            try (var x = pool.acquire(); var y = pool.acquire()) {
                assertThat(x.get()).isNotSameAs(y.get());
            }
        }
        assertThat(factory.made).hasSize(2);
    }

    // ---- factory failures ----

    @Test
    void factoryExceptionReachesTheAcquirerAndFreesTheSlot() throws Exception {
        RuntimeException boom = new IllegalStateException("cannot connect");
        AtomicInteger calls = new AtomicInteger();
        ObjectPool<Resource> pool = new ObjectPool<>(1, () -> {
            if (calls.getAndIncrement() == 0) {
                throw boom;
            }
            return factory.get();
        });
        assertThatThrownBy(pool::acquire).isSameAs(boom);
        assertThat(pool.leased()).isZero();
        try (var lease = pool.tryAcquire(Duration.ZERO).orElseThrow()) {
            assertThat(lease.get()).isSameAs(factory.made.get(0));
        }
    }

    @Test
    void factoryReturningNullThrowsNullPointerExceptionAndFreesTheSlot() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ObjectPool<Resource> pool = new ObjectPool<>(1, () -> calls.getAndIncrement() == 0 ? null : factory.get());
        assertThatThrownBy(() -> pool.tryAcquire(Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class);
        assertThat(pool.leased()).isZero();
        try (var lease = pool.acquire()) {
            assertThat(lease.get()).isNotNull();
        }
    }

    @Test
    void factoryFailureLetsAWaiterCreateInstead() throws Exception {
        CountDownLatch creating = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ObjectPool<Resource> pool = new ObjectPool<>(1, () -> {
            if (calls.getAndIncrement() == 0) {
                creating.countDown();
                try {
                    fail.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("first connect fails");
            }
            return factory.get();
        });
        try (TestThreads threads = new TestThreads()) {
            threads.start("failing", () -> assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class));
            creating.await();
            Thread waiter = threads.start("waiter", () -> pool.acquire().close());
            TestThreads.awaitBlockedOn(waiter, pool.blockerForTests());
            fail.countDown();
        }
        assertThat(factory.made).hasSize(1);
        assertThat(pool.leased()).isZero();
    }

    // ---- failures elsewhere in an acquire ----
    //
    // ObjectPool's package-private constructor takes a probe that an acquire calls at fixed steps;
    // throwing from it stands for an OutOfMemoryError (or any Throwable) at that very point. (Not a
    // real OutOfMemoryError: JUnit aborts the whole run if one escapes a test.)

    /** Stands for an OutOfMemoryError. */
    static final class SimulatedOutOfMemoryError extends VirtualMachineError {
        SimulatedOutOfMemoryError(String message) {
            super(message);
        }
    }

    /** A probe that, once armed, throws {@code failure} the next time an acquire reaches {@code step}. */
    private static Consumer<ObjectPool.Step> failOnceAt(ObjectPool.Step step, AtomicBoolean armed, Error failure) {
        return reached -> {
            if (reached == step && armed.getAndSet(false)) {
                throw failure;
            }
        };
    }

    @Test
    void failureAfterTheFactoryReturnedClosesTheNewObjectAndFreesItsSlot() throws Exception {
        Error oome = new SimulatedOutOfMemoryError("no room for the pool's bookkeeping");
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory, false,
                failOnceAt(ObjectPool.Step.CREATED, new AtomicBoolean(true), oome));
        assertThatThrownBy(pool::acquire).isSameAs(oome);
        assertThat(factory.made).hasSize(1);
        assertThat(factory.made.get(0).closes).as("the object the failed acquire created").hasValue(1);
        assertThat(pool.leased()).isZero();
        // The slot is free again: a pool of one can still create and lend an object.
        try (var lease = pool.tryAcquire(Duration.ZERO).orElseThrow()) {
            assertThat(lease.get()).isSameAs(factory.made.get(1));
            assertThat(pool.leases()).hasSize(1);
        }
        assertThat(factory.made.get(1).closes).hasValue(0);
    }

    @Test
    void failureAllocatingTheLeaseLeavesTheIdleObjectIdleAndOpen() throws Exception {
        Error oome = new SimulatedOutOfMemoryError("no room for the lease");
        for (boolean captureStacks : new boolean[] {false, true}) {
            Factory made = new Factory();
            AtomicBoolean armed = new AtomicBoolean();
            ObjectPool<Resource> pool = new ObjectPool<>(1, made, captureStacks,
                    failOnceAt(ObjectPool.Step.GRANTED, armed, oome));
            pool.acquire().close(); // one idle object
            armed.set(true);
            assertThatThrownBy(pool::acquire).isSameAs(oome);
            assertThat(pool.leased()).isZero();
            try (var lease = pool.tryAcquire(Duration.ZERO).orElseThrow()) {
                assertThat(lease.get()).as("the idle object, still pooled").isSameAs(made.made.get(0));
            }
            assertThat(made.made).hasSize(1);
            assertThat(made.made.get(0).closes).hasValue(0);
        }
    }

    @Test
    void failureAllocatingTheLeaseOfANewObjectCreatesNothing() throws Exception {
        Error oome = new SimulatedOutOfMemoryError("no room for the lease");
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory, true,
                failOnceAt(ObjectPool.Step.GRANTED, new AtomicBoolean(true), oome));
        assertThatThrownBy(pool::acquire).isSameAs(oome);
        assertThat(factory.made).isEmpty();
        assertThat(pool.leased()).isZero();
        try (var lease = pool.acquire()) {
            assertThat(lease.get()).isSameAs(factory.made.get(0));
        }
    }

    // ---- timeouts ----

    @Test
    void tryAcquireWithZeroOrNegativeTimeoutDoesNotWait() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        try (var held = pool.acquire()) {
            assertThat(pool.tryAcquire(Duration.ZERO)).isEmpty();
            assertThat(pool.tryAcquire(Duration.ofDays(-1))).isEmpty();
        }
        Optional<ObjectPool.Lease<Resource>> free = pool.tryAcquire(Duration.ZERO);
        assertThat(free).isPresent();
        free.get().close();
    }

    @Test
    void timedAcquireTimesOutNoEarlierThanItsTimeout() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        try (var held = pool.acquire()) {
            Duration timeout = Duration.ofMillis(50);
            long start = System.nanoTime();
            assertThat(pool.tryAcquire(timeout)).isEmpty();
            // A lower bound, not a timing assertion: returning early would break the contract.
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
            start = System.nanoTime();
            assertThatThrownBy(() -> pool.acquire(timeout)).isInstanceOf(TimeoutException.class);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
        }
        assertThat(pool.leased()).isZero();
    }

    @Test
    void timeoutMessageStatesDurationsTooLongForMilliseconds() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        try (var held = pool.acquire()) {
            Duration hugeNegative = Duration.ofSeconds(Long.MIN_VALUE);
            assertThatThrownBy(() -> pool.acquire(hugeNegative))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("within " + hugeNegative + "; ");
            assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(-5)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("within -5 ms; ");
        }
        assertThat(pool.leased()).isZero();
    }

    @Test
    void blockedAcquiresWithTheLongestTimeoutsAreReleasedByReturns() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        try (TestThreads threads = new TestThreads()) {
            Thread a = threads.start("try-max", () ->
                    pool.tryAcquire(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)).orElseThrow().close());
            Thread b = threads.start("acquire-max", () -> pool.acquire(Duration.ofSeconds(Long.MAX_VALUE)).close());
            TestThreads.awaitBlockedOn(a, pool.blockerForTests());
            TestThreads.awaitBlockedOn(b, pool.blockerForTests());
            held.close();
        }
        assertThat(pool.leased()).isZero();
    }

    @Test
    void hugeTimeoutIsClampedNotRejected() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        try (var lease = pool.tryAcquire(Duration.ofSeconds(Long.MAX_VALUE)).orElseThrow()) {
            assertThat(lease.get()).isNotNull();
        }
    }

    // ---- blocking and interrupts ----

    @Test
    void waiterIsReleasedByAReturnedLease() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        List<Resource> got = new CopyOnWriteArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                try (var lease = pool.acquire()) {
                    got.add(lease.get());
                }
            });
            TestThreads.awaitBlockedOn(waiter, pool.blockerForTests());
            assertThat(got).isEmpty();
            held.close();
        }
        assertThat(got).containsExactly(factory.made.get(0));
        assertThat(pool.leased()).isZero();
    }

    @Test
    void timedWaiterIsReleasedByAReturnedLease() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> pool.acquire(TestThreads.BOUND).close());
            TestThreads.awaitBlockedOn(waiter, pool.blockerForTests());
            held.close();
        }
        assertThat(pool.leased()).isZero();
    }

    @Test
    void interruptedOnEntryEveryAcquireThrowsAndTakesNothing() {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        List<TestThreads.Body> acquires = List.of(
                pool::acquire,
                () -> pool.acquire(Duration.ofSeconds(1)),
                () -> pool.tryAcquire(Duration.ZERO),
                () -> pool.tryAcquire(Duration.ofSeconds(1)));
        for (TestThreads.Body acquire : acquires) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(acquire::run).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        assertThat(pool.leased()).isZero();
        assertThat(factory.made).isEmpty();
    }

    @Test
    void blockedAcquireThrowsOnInterruptWithStatusClearedAndLeaksNothing() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        try (TestThreads threads = new TestThreads()) {
            for (boolean timed : new boolean[] {false, true}) {
                Thread waiter = threads.start("waiter-" + timed, () -> {
                    assertThatThrownBy(() -> {
                        if (timed) {
                            pool.tryAcquire(TestThreads.BOUND);
                        } else {
                            pool.acquire();
                        }
                    }).isInstanceOf(InterruptedException.class);
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                });
                TestThreads.awaitBlockedOn(waiter, pool.blockerForTests());
                waiter.interrupt();
                waiter.join(TestThreads.BOUND);
            }
        }
        assertThat(pool.leased()).isEqualTo(1);
        held.close();
        assertThat(pool.leased()).isZero();
        try (var lease = pool.tryAcquire(Duration.ZERO).orElseThrow()) {
            assertThat(lease.get()).isSameAs(factory.made.get(0));
        }
    }

    // ---- fairness ----

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        List<String> order = new CopyOnWriteArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            for (int i = 0; i < 4; i++) {
                String name = "waiter-" + i;
                Thread t = threads.start(name, () -> {
                    try (var lease = pool.acquire()) {
                        order.add(name);
                    }
                });
                TestThreads.awaitBlockedOn(t, pool.blockerForTests());
            }
            held.close();
        }
        assertThat(order).containsExactly("waiter-0", "waiter-1", "waiter-2", "waiter-3");
    }

    @Test
    void newcomerDoesNotOvertakeAQueuedWaiter() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                try (var lease = pool.acquire()) {
                    release.await();
                }
            });
            TestThreads.awaitBlockedOn(waiter, pool.blockerForTests());
            held.close();
            // The waiter is queued or already holds the object: either way the newcomer gets nothing.
            assertThat(pool.tryAcquire(Duration.ZERO)).isEmpty();
            release.countDown();
        }
    }

    // ---- close ----

    @Test
    void acquiresAfterCloseThrowIllegalStateException() {
        ObjectPool<Resource> pool = new ObjectPool<>(2, factory);
        pool.close();
        assertThat(pool.isClosed()).isTrue();
        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.tryAcquire(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThat(pool.leased()).isZero();
        assertThat(factory.made).isEmpty();
    }

    @Test
    void closeWakesEveryWaiterWithIllegalStateException() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(1, factory);
        var held = pool.acquire();
        AtomicInteger refused = new AtomicInteger();
        try (TestThreads threads = new TestThreads()) {
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean timed = i % 2 == 0;
                waiters.add(threads.start("waiter-" + i, () -> {
                    assertThatThrownBy(() -> {
                        if (timed) {
                            pool.tryAcquire(TestThreads.BOUND);
                        } else {
                            pool.acquire();
                        }
                    }).isInstanceOf(IllegalStateException.class);
                    refused.incrementAndGet();
                }));
            }
            waiters.forEach(w -> TestThreads.awaitBlockedOn(w, pool.blockerForTests()));
            pool.close();
        }
        assertThat(refused).hasValue(4);
        assertThat(pool.leased()).isEqualTo(1);
        held.close();
        assertThat(pool.leased()).isZero();
    }

    @Test
    void closeClosesIdleObjectsNowAndLeasedOnesWhenReturned() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(3, factory);
        var a = pool.acquire();
        var b = pool.acquire();
        Resource ra = a.get();
        Resource rb = b.get();
        b.close();
        pool.close();
        assertThat(rb.closes).hasValue(1);
        assertThat(ra.closes).hasValue(0);
        assertThat(a.get()).isSameAs(ra);
        a.close();
        assertThat(ra.closes).hasValue(1);
        assertThat(pool.leased()).isZero();
    }

    /** A resource whose close() waits until {@code proceed} opens, then may fail. */
    static final class SlowResource implements AutoCloseable {
        final String name;
        final CountDownLatch closing = new CountDownLatch(1);
        final CountDownLatch proceed;
        final RuntimeException failure;
        final AtomicInteger closes = new AtomicInteger();

        SlowResource(String name, CountDownLatch proceed, RuntimeException failure) {
            this.name = name;
            this.proceed = proceed;
            this.failure = failure;
        }

        @Override
        public void close() throws InterruptedException {
            closing.countDown();
            if (proceed != null && !proceed.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(name + ": the test never let close() proceed");
            }
            closes.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void acquireGrantedAsThePoolClosesThrowsWithoutWaitingForObjectsBeingClosed() throws Exception {
        // The acquirer takes its count while the pool is open, then (probe) pauses before looking for
        // an object; close() takes the only idle object and is slow to close it. The acquirer must
        // throw IllegalStateException at once: not spin until that close() ends, nor create an object.
        CountDownLatch proceed = new CountDownLatch(1);
        List<SlowResource> made = new CopyOnWriteArrayList<>();
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch granted = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        ObjectPool<SlowResource> pool = new ObjectPool<>(1, () -> {
            SlowResource r = new SlowResource("object-" + made.size(), proceed, null);
            made.add(r);
            return r;
        }, false, step -> {
            if (step == ObjectPool.Step.GRANTED && armed.getAndSet(false)) {
                granted.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        pool.acquire().close(); // object-0 is idle
        armed.set(true);
        try (TestThreads threads = new TestThreads()) {
            try {
                Thread acquirer = threads.start("acquirer", () ->
                        assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class));
                assertThat(granted.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS)).isTrue();
                threads.start("closer", pool::close);
                assertThat(made.get(0).closing.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS)).isTrue();
                resume.countDown();
                acquirer.join(TestThreads.BOUND);
                assertThat(acquirer.isAlive()).as("acquirer still running while object-0 is being closed").isFalse();
                assertThat(made).as("objects created").hasSize(1);
            } finally {
                resume.countDown();
                proceed.countDown();
            }
        }
        assertThat(made.get(0).closes).hasValue(1);
        assertThat(pool.leased()).isZero();
    }

    @Test
    void closeClosesEveryObjectIdleAtTheCallAndReportsTheirFailuresItself() throws Exception {
        // Idle: a (slow to close) on top of c (fails to close); b leased. close() is busy closing a
        // when b's lease is closed: that Lease.close() closes b, and only b; close() then closes c,
        // and c's failure is close()'s to report.
        CountDownLatch proceedA = new CountDownLatch(1);
        RuntimeException cFails = new IllegalStateException("c failed to close");
        SlowResource a = new SlowResource("a", proceedA, null);
        SlowResource b = new SlowResource("b", null, null);
        SlowResource c = new SlowResource("c", null, cFails);
        List<SlowResource> objects = List.of(a, c, b);
        AtomicInteger next = new AtomicInteger();
        ObjectPool<SlowResource> pool = new ObjectPool<>(3, () -> objects.get(next.getAndIncrement()));
        var la = pool.acquire();
        var lc = pool.acquire();
        var lb = pool.acquire();
        lc.close();
        la.close();
        AtomicReference<Throwable> closeOutcome = new AtomicReference<>();
        AtomicInteger cClosesWhenCloseReturned = new AtomicInteger(-1);
        try (TestThreads threads = new TestThreads()) {
            threads.start("pool-close", () -> {
                try {
                    pool.close();
                    closeOutcome.set(new AssertionError("close() returned normally"));
                } catch (Throwable e) {
                    closeOutcome.set(e);
                }
                cClosesWhenCloseReturned.set(c.closes.get());
            });
            try {
                assertThat(a.closing.await(TestThreads.BOUND.toNanos(), TimeUnit.NANOSECONDS)).isTrue();
                lb.close(); // returns b while close() is inside a.close(): closes b only, throws nothing
                assertThat(b.closes).hasValue(1);
                assertThat(c.closes).as("c is close()'s to close").hasValue(0);
            } finally {
                proceedA.countDown();
            }
        }
        assertThat(closeOutcome.get()).isInstanceOf(ObjectPool.ObjectCloseException.class).hasCause(cFails);
        assertThat(cClosesWhenCloseReturned).hasValue(1);
        assertThat(objects).allSatisfy(o -> assertThat(o.closes).as("closes of %s", o).hasValue(1));
        assertThat(pool.leased()).isZero();
    }

    @Test
    void closeIsIdempotent() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(2, factory);
        pool.acquire().close();
        pool.close();
        pool.close();
        assertThat(factory.made.get(0).closes).hasValue(1);
        assertThat(pool.isClosed()).isTrue();
    }

    @Test
    void closeClosesEveryObjectThenThrowsTheFirstFailureWithTheRestSuppressed() throws Exception {
        RuntimeException first = new IllegalStateException("first");
        RuntimeException second = new IllegalArgumentException("second");
        List<Resource> made = new ArrayList<>();
        AtomicInteger n = new AtomicInteger();
        ObjectPool<Resource> pool = new ObjectPool<>(3, () -> {
            int i = n.getAndIncrement();
            Resource r = new Resource(i, i == 0 ? first : i == 1 ? second : null);
            made.add(r);
            return r;
        });
        var leases = List.of(pool.acquire(), pool.acquire(), pool.acquire());
        // Return in reverse so the LIFO stack pops object 0 first.
        for (int i = leases.size() - 1; i >= 0; i--) {
            leases.get(i).close();
        }
        assertThatThrownBy(pool::close)
                .isInstanceOf(ObjectPool.ObjectCloseException.class)
                .hasCause(first)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
        assertThat(made).allSatisfy(r -> assertThat(r.closes).hasValue(1));
        assertThat(pool.isClosed()).isTrue();
        pool.close(); // nothing left to close, nothing to throw
    }

    @Test
    void leaseReturnedAfterCloseIsCountedEvenWhenItsObjectFailsToClose() throws Exception {
        RuntimeException failure = new IllegalStateException("socket already gone");
        ObjectPool<Resource> pool = new ObjectPool<>(1, () -> new Resource(0, failure));
        var lease = pool.acquire();
        pool.close();
        assertThatThrownBy(lease::close).isInstanceOf(ObjectPool.ObjectCloseException.class).hasCause(failure);
        assertThat(lease.isOpen()).isFalse();
        assertThat(pool.leased()).isZero();
        lease.close(); // idempotent: no second close of the object, no exception
    }

    @Test
    void objectsThatAreNotCloseableAreSimplyDropped() throws Exception {
        ObjectPool<StringBuilder> pool = new ObjectPool<>(2, StringBuilder::new);
        var lease = pool.acquire();
        pool.acquire().close();
        pool.close();
        lease.close();
        assertThat(pool.leased()).isZero();
    }

    @Test
    void toStringShowsTheCounts() throws Exception {
        ObjectPool<Resource> pool = new ObjectPool<>(2, factory);
        var lease = pool.acquire();
        assertThat(pool).hasToString("ObjectPool[leased=1, maxSize=2]");
        lease.close();
        pool.close();
        assertThat(pool).hasToString("ObjectPool[leased=0, maxSize=2, closed]");
    }
}

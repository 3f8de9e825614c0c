package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link WorkQueue} contract, run once per kind of consumer thread (one small subclass each):
 * delivery, blocking, interrupts, handler failures, closing, {@code shutdownNow} and metrics. Every
 * queue a test builds is shut down and checked (terminated, invariants hold) after the test.
 */
abstract class WorkQueueContract {

    static final Duration BOUND = TestThreads.BOUND;

    /** The consumer-thread factory under test; null means the builder's default. */
    protected abstract ThreadFactory factory();

    /** Whether the factory makes virtual threads. */
    protected abstract boolean virtualConsumers();

    private final List<WorkQueue<?>> built = new ArrayList<>();

    /** Builds with the factory under test and remembers the queue for the after-test checks. */
    protected <T> WorkQueue<T> build(WorkQueue.Builder<T> builder) {
        ThreadFactory factory = factory();
        if (factory != null) {
            builder.threadFactory(factory);
        }
        WorkQueue<T> queue = builder.build();
        built.add(queue);
        return queue;
    }

    @AfterEach
    void everyQueueTerminatesWithItsInvariantsIntact() throws InterruptedException {
        assertThat(Thread.interrupted()).as("test left its thread interrupted").isFalse();
        for (WorkQueue<?> queue : built) {
            queue.shutdownNow();
            assertThat(queue.awaitTermination(BOUND)).as("consumers exit after shutdownNow").isTrue();
            assertThat(queue.invariantsHold()).as("invariants of " + queue).isTrue();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A handler that records what it handled, on which threads, and waits at a gate while it is shut. */
    static final class Recorder implements Consumer<Integer> {
        final List<Integer> handled = new CopyOnWriteArrayList<>();
        final List<Integer> interrupted = new CopyOnWriteArrayList<>();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final Semaphore entered = new Semaphore(0);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        /** From now on handlers wait (after recording their item) until {@link #open()}. */
        Recorder shut() {
            gate = new CountDownLatch(1);
            return this;
        }

        void open() {
            gate.countDown();
        }

        /** Waits until {@code n} more handler calls have started. */
        void awaitEntered(int n) throws InterruptedException {
            assertThat(entered.tryAcquire(n, BOUND.toNanos(), TimeUnit.NANOSECONDS))
                    .as(n + " handler calls to start").isTrue();
        }

        @Override
        public void accept(Integer item) {
            threads.add(Thread.currentThread());
            handled.add(item);
            entered.release();
            try {
                if (!gate.await(BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new AssertionError("gate never opened");
                }
            } catch (InterruptedException e) {
                interrupted.add(item); // shutdownNow: give up on this item, as a handler should
            }
        }
    }

    private static void submitAll(WorkQueue<Integer> queue, int from, int to) throws InterruptedException {
        for (int i = from; i < to; i++) {
            queue.submit(i);
        }
    }

    // ---------------------------------------------------------------- delivery

    @Test
    void oneConsumerHandlesEveryItemExactlyOnceInSubmissionOrder() throws Exception {
        Recorder recorder = new Recorder();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(4));
        submitAll(queue, 0, 1_000);
        queue.close();
        assertThat(recorder.handled).containsExactlyElementsOf(IntStream.range(0, 1_000).boxed().toList());
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(1_000, 1_000, 0, 0, queue.metrics().maxDepth()));
    }

    @Test
    void severalConsumersHandleEveryItemExactlyOnce() throws Exception {
        AtomicIntegerArray deliveries = new AtomicIntegerArray(2_000);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            threads.add(Thread.currentThread());
            deliveries.incrementAndGet(i);
        }).capacity(8).consumers(3));
        try (TestThreads producers = new TestThreads()) {
            producers.start("producer-0", () -> submitAll(queue, 0, 1_000));
            producers.start("producer-1", () -> submitAll(queue, 1_000, 2_000));
        }
        queue.close();
        for (int i = 0; i < 2_000; i++) {
            assertThat(deliveries.get(i)).as("deliveries of item " + i).isEqualTo(1);
        }
        assertThat(threads).hasSizeBetween(1, 3).allSatisfy(t -> assertThat(t.isVirtual()).isEqualTo(virtualConsumers()));
        assertThat(queue.metrics().completed()).isEqualTo(2_000);
    }

    @Test
    void handlersRunOnTheFactorysThreadsAndNeverOnTheProducer() throws Exception {
        Recorder recorder = new Recorder();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).consumers(2));
        submitAll(queue, 0, 100);
        queue.close();
        assertThat(recorder.threads).doesNotContain(Thread.currentThread())
                .allSatisfy(t -> assertThat(t.isVirtual()).isEqualTo(virtualConsumers()));
    }

    // ---------------------------------------------------------------- capacity and blocking

    @Test
    void submitBlocksWhileFullUntilAConsumerTakesAnItem() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);  // the consumer holds item 0
        queue.submit(1);           // waits in the queue: now full
        AtomicBoolean accepted = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> {
                queue.submit(2);
                accepted.set(true);
            });
            TestThreads.awaitBlocked(producer);
            assertThat(accepted).isFalse();
            assertThat(queue.metrics().queueDepth()).isEqualTo(1);
            recorder.open();
        }
        assertThat(accepted).isTrue();
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1, 2);
    }

    @Test
    void offerWithZeroOrNegativeTimeoutDoesNotWaitWhenFull() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        assertThat(queue.offer(1, Duration.ZERO)).isTrue();
        assertThat(queue.offer(2, Duration.ZERO)).isFalse();
        assertThat(queue.offer(3, Duration.ofDays(-1))).isFalse();
        assertThat(queue.metrics().submitted()).isEqualTo(2);
        recorder.open();
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1);
    }

    @Test
    void timedOfferTimesOutNoEarlierThanItsTimeoutAndAcceptsNothing() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        queue.submit(1);
        Duration timeout = Duration.ofMillis(50);
        long start = System.nanoTime();
        assertThat(queue.offer(2, timeout)).isFalse();
        // A lower bound, not a timing assertion: returning early would break the contract.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
        recorder.open();
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1);
    }

    @Test
    void timedOfferSucceedsWhenASlotFreesWithinTheTimeout() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        queue.submit(1);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer",
                    () -> assertThat(queue.offer(2, BOUND)).isTrue());
            TestThreads.awaitBlocked(producer);
            recorder.open();
        }
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1, 2);
    }

    @Test
    void hugeTimeoutIsClampedNotRejected() throws Exception {
        WorkQueue<Integer> queue = build(WorkQueue.builder(new Recorder()));
        assertThat(queue.offer(1, Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
        assertThat(queue.close(Duration.ofSeconds(Long.MAX_VALUE))).isTrue();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void nullItemsAndTimeoutsThrowAndLeaveTheQueueIntact() throws Exception {
        Recorder recorder = new Recorder();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        assertThatThrownBy(() -> queue.submit(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.offer(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.offer(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.awaitTermination(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> queue.close(null)).isInstanceOf(NullPointerException.class);
        assertThat(queue.isClosed()).as("close(null) closes nothing").isFalse();
        assertThat(queue.metrics().submitted()).isZero();
        queue.submit(7);
        queue.close();
        assertThat(recorder.handled).containsExactly(7);
    }

    // ---------------------------------------------------------------- interruption

    @Test
    void interruptedOnEntrySubmitAndOfferThrowAndAcceptNothing() throws Exception {
        WorkQueue<Integer> queue = build(WorkQueue.builder(new Recorder()));
        List<TestThreads.Body> calls = List.of(
                () -> queue.submit(1),
                () -> queue.offer(1, Duration.ZERO),
                () -> queue.offer(1, BOUND));
        for (TestThreads.Body call : calls) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(call::run).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
        assertThat(queue.metrics().submitted()).isZero();
    }

    @Test
    void blockedSubmitAndOfferThrowOnInterruptWithStatusClearedAndAcceptNothing() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        queue.submit(1);
        try (TestThreads threads = new TestThreads()) {
            for (boolean timed : new boolean[] {false, true}) {
                Thread producer = threads.start("producer-" + timed, () -> {
                    assertThatThrownBy(() -> {
                        if (timed) {
                            queue.offer(2, BOUND);
                        } else {
                            queue.submit(2);
                        }
                    }).isInstanceOf(InterruptedException.class);
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                });
                TestThreads.awaitBlocked(producer);
                producer.interrupt();
                producer.join(BOUND);
            }
        }
        recorder.open();
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1);
        assertThat(queue.metrics().submitted()).isEqualTo(2);
    }

    @Test
    void anInterruptOfAConsumerReachesOnlyTheHandlerRunningAtTheTime() throws Exception {
        CountDownLatch inFirst = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> consumer = new AtomicReference<>();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            if (i == 0) {
                consumer.set(Thread.currentThread());
                inFirst.countDown();
                try {
                    new CountDownLatch(1).await(BOUND.toNanos(), TimeUnit.NANOSECONDS);
                    seen.add("not interrupted");
                } catch (InterruptedException e) {
                    seen.add("interrupted");
                }
                Thread.currentThread().interrupt(); // left set on purpose: the queue must clear it
            } else {
                seen.add(Thread.currentThread().isInterrupted() ? "next interrupted" : "next clean");
            }
        }));
        queue.submit(0);
        inFirst.await();
        consumer.get().interrupt();
        queue.submit(1);
        queue.close();
        assertThat(seen).containsExactly("interrupted", "next clean");
    }

    @Test
    void anIdleConsumerIgnoresAForeignInterruptAndKeepsWorking() throws Exception {
        Recorder recorder = new Recorder();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        queue.submit(0);
        recorder.awaitEntered(1);
        Thread consumer = recorder.threads.iterator().next();
        TestThreads.awaitBlocked(consumer); // waiting for the next item
        consumer.interrupt();
        queue.submit(1);
        recorder.awaitEntered(1);
        assertThat(queue.isTerminated()).isFalse();
        queue.close();
        assertThat(recorder.handled).containsExactly(0, 1);
    }

    // ---------------------------------------------------------------- handler failures

    @Test
    void aThrowingHandlerGoesToOnErrorAndItsConsumerKeepsWorking() throws Exception {
        List<Integer> completed = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            if (i % 3 == 0) {
                throw new IllegalStateException("bad " + i);
            }
            if (i % 3 == 1) {
                throw new AssertionError("worse " + i); // an Error is caught too
            }
            completed.add(i);
        }).onError((item, failure) -> errors.add(item + ":" + failure.getMessage())));
        submitAll(queue, 0, 9);
        queue.close();
        assertThat(completed).containsExactly(2, 5, 8);
        assertThat(errors).containsExactly("0:bad 0", "1:worse 1", "3:bad 3", "4:worse 4", "6:bad 6", "7:worse 7");
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(9, 3, 6, 0, queue.metrics().maxDepth()));
    }

    /** Wraps the factory under test so that its threads report uncaught exceptions to {@code sink}. */
    private ThreadFactory reportingTo(List<Throwable> sink) {
        ThreadFactory base = factory() != null ? factory() : Thread.ofPlatform().factory();
        return r -> {
            Thread t = base.newThread(r);
            t.setUncaughtExceptionHandler((thread, e) -> sink.add(e));
            return t;
        };
    }

    @Test
    void byDefaultAFailureGoesToTheConsumersUncaughtExceptionHandler() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        RuntimeException boom = new IllegalStateException("boom");
        List<Integer> completed = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> {
            if (i == 1) {
                throw boom;
            }
            completed.add(i);
        }).threadFactory(reportingTo(uncaught)).build();
        built.add(queue);
        submitAll(queue, 0, 3);
        queue.close();
        assertThat(uncaught).containsExactly(boom);
        assertThat(completed).containsExactly(0, 2);
        assertThat(queue.metrics().failed()).isEqualTo(1);
    }

    @Test
    void anOnErrorThatThrowsGoesToTheUncaughtHandlerAndLosesNeitherConsumerNorCount() throws Exception {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        RuntimeException handlerFailure = new IllegalStateException("handler");
        RuntimeException callbackFailure = new IllegalArgumentException("onError");
        BiConsumer<Integer, Throwable> rethrowing = (item, failure) -> {
            if (item == 0) {
                throw callbackFailure;
            }
            throw (RuntimeException) failure; // rethrows the handler's own exception
        };
        WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> {
            if (i < 2) {
                throw handlerFailure;
            }
        }).onError(rethrowing).threadFactory(reportingTo(uncaught)).build();
        built.add(queue);
        submitAll(queue, 0, 4);
        queue.close();
        assertThat(uncaught).containsExactly(callbackFailure, handlerFailure);
        assertThat(callbackFailure.getSuppressed()).containsExactly(handlerFailure);
        assertThat(handlerFailure.getSuppressed()).isEmpty();
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(4, 2, 2, 0, queue.metrics().maxDepth()));
    }

    @Test
    void anUncaughtExceptionHandlerThatThrowsStillLeavesTheConsumerWorking() throws Exception {
        ThreadFactory base = factory() != null ? factory() : Thread.ofPlatform().factory();
        List<Integer> completed = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> {
            if (i == 0) {
                throw new IllegalStateException("handler");
            }
            completed.add(i);
        }).threadFactory(r -> {
            Thread t = base.newThread(r);
            t.setUncaughtExceptionHandler((thread, e) -> {
                throw new IllegalStateException("the uncaught-exception handler fails too");
            });
            return t;
        }).build();
        built.add(queue);
        submitAll(queue, 0, 3);
        queue.close();
        assertThat(completed).containsExactly(1, 2);
        assertThat(queue.metrics().failed()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeDeliversEveryAcceptedItemThenReturnsWithTheConsumersGone() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(4).consumers(2));
        submitAll(queue, 0, 2);
        recorder.awaitEntered(2);
        submitAll(queue, 2, 6); // queue full: 4 waiting, 2 in handlers
        AtomicBoolean closed = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread closer = threads.start("closer", () -> {
                queue.close();
                closed.set(true);
            });
            TestThreads.awaitBlocked(closer);
            assertThat(closed).isFalse();
            assertThat(queue.isClosed()).isTrue();
            assertThatThrownBy(() -> queue.submit(99)).isInstanceOf(IllegalStateException.class);
            recorder.open();
        }
        assertThat(closed).isTrue();
        assertThat(queue.isTerminated()).isTrue();
        assertThat(recorder.handled).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        for (Thread consumer : recorder.threads) { // done with the queue; the thread itself ends right after
            consumer.join(BOUND);
            assertThat(consumer.isAlive()).isFalse();
        }
    }

    @Test
    void submitAndOfferAfterCloseThrowIllegalStateExceptionAndAcceptNothing() throws Exception {
        Recorder recorder = new Recorder();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        queue.submit(1);
        queue.close();
        assertThatThrownBy(() -> queue.submit(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> queue.offer(3, Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> queue.offer(4, BOUND)).isInstanceOf(IllegalStateException.class);
        assertThat(queue.metrics().submitted()).isEqualTo(1);
        assertThat(recorder.handled).containsExactly(1);
    }

    @Test
    void producersBlockedOnAFullQueueGetIllegalStateExceptionWhenItCloses() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        queue.submit(1);
        try (TestThreads threads = new TestThreads()) {
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                boolean timed = p % 2 == 0;
                int item = 10 + p;
                producers.add(threads.start("producer-" + p, () -> assertThatThrownBy(() -> {
                    if (timed) {
                        queue.offer(item, BOUND);
                    } else {
                        queue.submit(item);
                    }
                }).isInstanceOf(IllegalStateException.class)));
            }
            producers.forEach(TestThreads::awaitBlocked);
            assertThat(queue.close(Duration.ZERO)).isFalse(); // stops intake; item 0 is still in its handler
        }
        recorder.open();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0, 1);
        assertThat(queue.metrics().submitted()).isEqualTo(2);
    }

    @Test
    void closeIsIdempotentAndRacingClosesAllReturn() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).consumers(2));
        submitAll(queue, 0, 5);
        try (TestThreads threads = new TestThreads()) {
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                closers.add(threads.start("closer-" + i, queue::close));
            }
            closers.forEach(TestThreads::awaitBlocked);
            recorder.open();
        }
        queue.close();
        assertThat(queue.close(Duration.ZERO)).isTrue();
        assertThat(recorder.handled).hasSize(5);
    }

    @Test
    void closeOnAnInterruptedThreadStopsIntakeAndReturnsAtOnceWithTheFlagStillSet() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        submitAll(queue, 0, 3);
        recorder.awaitEntered(1);
        Thread.currentThread().interrupt();
        queue.close();
        assertThat(Thread.interrupted()).as("interrupt status restored").isTrue();
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.isTerminated()).as("still draining").isFalse();
        recorder.open();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0, 1, 2);
    }

    @Test
    void closeInterruptedWhileWaitingReturnsWithTheFlagSetAndTheConsumersDraining() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        submitAll(queue, 0, 3);
        recorder.awaitEntered(1);
        try (TestThreads threads = new TestThreads()) {
            Thread closer = threads.start("closer", () -> {
                queue.close();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                assertThat(queue.isTerminated()).isFalse();
            });
            TestThreads.awaitBlocked(closer);
            closer.interrupt();
        }
        recorder.open();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0, 1, 2);
    }

    @Test
    void timedCloseReportsWhetherTheQueueTerminatedAndNeverGivesUpEarly() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        queue.submit(0);
        recorder.awaitEntered(1);
        Duration timeout = Duration.ofMillis(50);
        long start = System.nanoTime();
        assertThat(queue.close(timeout)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout.toNanos());
        assertThat(queue.isClosed()).isTrue();
        recorder.open();
        assertThat(queue.close(BOUND)).isTrue();
        assertThat(queue.isTerminated()).isTrue();
    }

    @Test
    void timedCloseAndAwaitTerminationThrowOnInterruptButIntakeStaysStopped() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        queue.submit(0);
        recorder.awaitEntered(1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> queue.close(BOUND)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(queue.isClosed()).isTrue();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> queue.awaitTermination(BOUND)).isInstanceOf(InterruptedException.class);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter",
                    () -> assertThatThrownBy(() -> queue.awaitTermination(BOUND)).isInstanceOf(InterruptedException.class));
            TestThreads.awaitBlocked(waiter);
            waiter.interrupt();
        }
        recorder.open();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0);
    }

    @Test
    void awaitTerminationOfAnOpenQueueTimesOut() throws Exception {
        WorkQueue<Integer> queue = build(WorkQueue.builder(new Recorder()));
        assertThat(queue.awaitTermination(Duration.ZERO)).isFalse();
        assertThat(queue.awaitTermination(Duration.ofMillis(10))).isFalse();
        assertThat(queue.isClosed()).isFalse();
    }

    @Test
    void closeFromInsideTheHandlerStopsIntakeWithoutWaitingForItself() throws Exception {
        AtomicReference<WorkQueue<Integer>> self = new AtomicReference<>();
        CountDownLatch accepted = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            if (i == 0) {
                try {
                    accepted.await();
                    WorkQueue<Integer> q = self.get();
                    q.close();
                    seen.add("close returned");
                    seen.add("timed close " + q.close(BOUND));
                    seen.add("await " + q.awaitTermination(BOUND));
                    q.submit(99);
                } catch (IllegalStateException e) {
                    seen.add("submit refused");
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            } else {
                seen.add("handled " + i);
            }
        }).consumers(2));
        self.set(queue);
        submitAll(queue, 0, 4);
        accepted.countDown();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(seen).contains("close returned", "timed close false", "await false", "submit refused",
                "handled 1", "handled 2", "handled 3").hasSize(7);
        assertThatThrownBy(() -> queue.submit(5)).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- shutdownNow

    @Test
    void shutdownNowReturnsExactlyTheItemsNeverHandedOutOldestFirstAndInterruptsTheHandler() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(8));
        queue.submit(0);
        recorder.awaitEntered(1);
        submitAll(queue, 1, 6);
        List<Integer> leftovers = queue.shutdownNow();
        assertThat(leftovers).containsExactly(1, 2, 3, 4, 5);
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0);
        assertThat(recorder.interrupted).containsExactly(0);
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(6, 1, 0, 0, 5));
        assertThatThrownBy(() -> queue.submit(6)).isInstanceOf(IllegalStateException.class);
        assertThat(queue.shutdownNow()).as("a second call").isEmpty();
    }

    @Test
    void shutdownNowAfterCloseReturnsWhatIsStillWaiting() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder));
        submitAll(queue, 0, 4);
        recorder.awaitEntered(1);
        assertThat(queue.close(Duration.ZERO)).isFalse();
        assertThat(queue.shutdownNow()).containsExactly(1, 2, 3);
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(recorder.handled).containsExactly(0);
    }

    @Test
    void shutdownNowWakesBlockedProducersWithIllegalStateException() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(1));
        queue.submit(0);
        recorder.awaitEntered(1);
        queue.submit(1);
        List<Integer> leftovers;
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer",
                    () -> assertThatThrownBy(() -> queue.submit(2)).isInstanceOf(IllegalStateException.class));
            TestThreads.awaitBlocked(producer);
            leftovers = queue.shutdownNow();
        }
        assertThat(leftovers).containsExactly(1);
        assertThat(queue.awaitTermination(BOUND)).isTrue();
    }

    @Test
    void shutdownNowFromAHandlerInterruptsTheOtherConsumersButNotItself() throws Exception {
        AtomicReference<WorkQueue<Integer>> self = new AtomicReference<>();
        CountDownLatch otherWaiting = new CountDownLatch(1);
        CountDownLatch allSubmitted = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            try {
                if (i == 0) {
                    otherWaiting.countDown();
                    new CountDownLatch(1).await(BOUND.toNanos(), TimeUnit.NANOSECONDS);
                    seen.add("0 not interrupted");
                } else {
                    allSubmitted.await();
                    List<Integer> leftovers = self.get().shutdownNow();
                    seen.add("leftovers " + leftovers);
                    seen.add("caller interrupted " + Thread.currentThread().isInterrupted());
                }
            } catch (InterruptedException e) {
                seen.add(i + " interrupted");
            }
        }).consumers(2).capacity(4));
        self.set(queue);
        queue.submit(0);
        otherWaiting.await();
        submitAll(queue, 1, 4);
        allSubmitted.countDown();
        assertThat(queue.awaitTermination(BOUND)).isTrue();
        assertThat(seen).containsExactlyInAnyOrder("0 interrupted", "leftovers [2, 3]", "caller interrupted false");
    }

    // ---------------------------------------------------------------- metrics

    @Test
    void metricsCountSubmittedCompletedFailedDepthAndMaxDepth() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (i % 2 == 1) {
                throw new IllegalStateException("odd");
            }
        }).capacity(4).onError((i, e) -> { }));
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(0, 0, 0, 0, 0));
        queue.submit(0);
        entered.await();
        submitAll(queue, 1, 4);
        WorkQueue.Metrics during = queue.metrics();
        assertThat(during.submitted()).isEqualTo(4);
        assertThat(during.queueDepth()).isEqualTo(3);
        assertThat(during.maxDepth()).isBetween(3, 4);
        assertThat(during.completed() + during.failed()).isZero();
        gate.countDown();
        queue.close();
        assertThat(queue.metrics()).isEqualTo(new WorkQueue.Metrics(4, 2, 2, 0, during.maxDepth()));
        assertThat(queue.capacity()).isEqualTo(4);
    }

    @Test
    void toStringShowsStateDepthConsumersAndCounts() throws Exception {
        Recorder recorder = new Recorder().shut();
        WorkQueue<Integer> queue = build(WorkQueue.builder(recorder).capacity(4).consumers(2));
        submitAll(queue, 0, 3);
        recorder.awaitEntered(2);
        assertThat(queue).hasToString(
                "WorkQueue[running, waiting=1/4, consumers=2/2, submitted=3, completed=0, failed=0]");
        queue.close(Duration.ZERO);
        assertThat(queue.toString()).startsWith("WorkQueue[closing, ");
        recorder.open();
        queue.close();
        assertThat(queue).hasToString(
                "WorkQueue[terminated, waiting=0/4, consumers=0/2, submitted=3, completed=3, failed=0]");
    }
}

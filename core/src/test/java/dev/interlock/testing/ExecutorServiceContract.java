package dev.interlock.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static dev.interlock.testing.TestThreads.awaitBlocked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ExecutorService} contract, as the JDK documents it ({@code Executor}, {@code ExecutorService},
 * {@code AbstractExecutorService} and {@code Future}), for executors with a fixed number of threads and
 * an unbounded FIFO queue, run on every implementation by a small subclass. Conventions after the
 * JSR-166 TCK's: one property per test, tasks that block on latches the test opens, started tasks
 * confirmed started (by latch) or blocked (by thread state) before the test acts, and nothing left
 * running: after each test every executor it made is shut down and terminated, and every thread its
 * factory made has ended. It also runs on {@link java.util.concurrent.ThreadPoolExecutor} (same
 * threads, a {@code LinkedBlockingQueue}): a test that the JDK's pool fails is a wrong test.
 *
 * <p>Timing: the only time assertions are lower bounds ("a timed call that gives up has waited at least
 * its timeout"). No sleeps.
 */
public abstract class ExecutorServiceContract {

    /** How long a test waits for anything before it fails instead of hanging. */
    protected static final Duration BOUND = TestThreads.BOUND;
    /** Timeout of the "gives up after waiting" tests: short, the assertion is a lower bound. */
    private static final Duration SHORT = Duration.ofMillis(30);

    /**
     * A fresh executor with {@code threads} worker threads, all made by {@code factory}, and an
     * unbounded FIFO queue.
     */
    protected abstract ExecutorService newExecutor(int threads, ThreadFactory factory);

    /** Every executor and factory a test made, checked and cleaned up after it. */
    private final List<ExecutorService> executors = new CopyOnWriteArrayList<>();
    private final List<TrackingFactory> factories = new CopyOnWriteArrayList<>();

    /** A fresh executor of {@code threads} threads from a {@link TrackingFactory} (see {@link #factory}). */
    protected ExecutorService newExecutor(int threads) {
        return track(newExecutor(threads, newFactory()));
    }

    /** A fresh tracking factory of platform threads, whose threads are checked to have ended after the test. */
    protected TrackingFactory newFactory() {
        return newFactory(Thread.ofPlatform().name("contract-worker-", 1).factory());
    }

    /** A fresh tracking factory over {@code delegate}, whose threads are checked to have ended after the test. */
    protected TrackingFactory newFactory(ThreadFactory delegate) {
        TrackingFactory f = new TrackingFactory(delegate);
        factories.add(f);
        return f;
    }

    /** Registers an executor to be shut down, awaited and checked after the test. */
    protected <E extends ExecutorService> E track(E executor) {
        executors.add(executor);
        return executor;
    }

    /** The factory most recently made by {@link #newFactory} (and so by {@link #newExecutor(int)}). */
    protected TrackingFactory factory() {
        return factories.getLast();
    }

    /** A factory that remembers every thread it made. */
    public static final class TrackingFactory implements ThreadFactory {
        private final ThreadFactory delegate;
        public final List<Thread> made = new CopyOnWriteArrayList<>();

        public TrackingFactory(ThreadFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = delegate.newThread(r);
            made.add(t);
            return t;
        }

        /** Joins every thread made, within {@link #BOUND} in all; fails if one is still alive. */
        public void joinAll() throws InterruptedException {
            long deadline = System.nanoTime() + BOUND.toNanos();
            for (Thread t : made) {
                if (t.getState() != Thread.State.NEW) {
                    t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                }
                assertThat(t.isAlive()).as("pool thread %s still alive", t.getName()).isFalse();
            }
        }
    }

    @AfterEach
    void everyExecutorTerminatesAndNoPoolThreadOutlivesIt() throws InterruptedException {
        boolean interrupted = Thread.interrupted();
        for (ExecutorService e : executors) {
            e.shutdownNow();
            assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("terminated: " + e).isTrue();
        }
        for (TrackingFactory f : factories) {
            f.joinAll();
        }
        assertThat(interrupted).as("the test left its thread interrupted").isFalse();
    }

    /** Waits for {@code latch} within {@link #BOUND}, or fails. */
    protected static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("timed out after " + BOUND + " waiting for a latch");
        }
    }

    /** {@code f}'s result, waiting at most {@link #BOUND}: a hung executor fails the test instead of hanging it. */
    protected static <T> T get(Future<T> f) throws InterruptedException, ExecutionException, TimeoutException {
        return f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A task that counts {@code started} down, then waits for {@code release} (within the bound). */
    protected static Runnable blocker(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            try {
                await(release);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** A runnable that does nothing, with a name for failure messages. */
    protected static Runnable noop(String name) {
        return new Runnable() {
            @Override
            public void run() {
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    // ------------------------------------------------------------------ execute and submit

    @Test
    public void executeRunsTheTaskOnAThreadFromTheFactory() throws Exception {
        ExecutorService e = newExecutor(2);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        e.execute(() -> {
            ranOn.set(Thread.currentThread());
            done.countDown();
        });
        await(done);
        assertThat(factory().made).contains(ranOn.get());
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    public void submitRunnableCompletesItsFutureWithNull() throws Exception {
        ExecutorService e = newExecutor(1);
        AtomicBoolean ran = new AtomicBoolean();
        Future<?> f = e.submit(() -> ran.set(true));
        assertThat(f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(ran).isTrue();
        assertThat(f.isDone()).isTrue();
        assertThat(f.isCancelled()).isFalse();
        assertThat(f.state()).isEqualTo(Future.State.SUCCESS);
    }

    @Test
    public void submitRunnableWithResultCompletesItsFutureWithThatResult() throws Exception {
        ExecutorService e = newExecutor(1);
        Future<String> f = e.submit(() -> { }, "result");
        assertThat(f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("result");
    }

    @Test
    public void submitCallableCompletesItsFutureWithItsValue() throws Exception {
        ExecutorService e = newExecutor(1);
        Future<Integer> f = e.submit(() -> 6 * 7);
        assertThat(f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(42);
        assertThat(f.resultNow()).isEqualTo(42);
    }

    @Test
    public void submitCallableExceptionIsTheCauseOfExecutionException() throws Exception {
        ExecutorService e = newExecutor(1);
        Exception failure = new Exception("callable failed");
        Future<Integer> f = e.submit(() -> {
            throw failure;
        });
        assertThatThrownBy(() -> f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
        assertThat(f.exceptionNow()).isSameAs(failure);
        assertThat(f.state()).isEqualTo(Future.State.FAILED);
    }

    @Test
    public void submitRunnableExceptionIsTheCauseOfExecutionException() throws Exception {
        ExecutorService e = newExecutor(1);
        RuntimeException failure = new IllegalStateException("runnable failed");
        Future<?> f = e.submit((Runnable) () -> {
            throw failure;
        });
        assertThatThrownBy(() -> f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
    }

    @Test
    public void submitErrorIsTheCauseOfExecutionException() throws Exception {
        ExecutorService e = newExecutor(1);
        Error failure = new AssertionError("an error in a task");
        Future<?> f = e.submit((Runnable) () -> {
            throw failure;
        });
        assertThatThrownBy(() -> f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
        assertThat(e.submit(() -> "still serving").get(BOUND.toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo("still serving");
    }

    @Test
    public void nullTasksAreRejectedWithNullPointerExceptionAndTheExecutorStillWorks() throws Exception {
        ExecutorService e = newExecutor(1);
        assertThatThrownBy(() -> e.execute(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Callable<String>) null)).isInstanceOf(NullPointerException.class);
        assertThat(e.isShutdown()).isFalse();
        assertThat(e.submit(() -> "ok").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("ok");
    }

    @Test
    public void tasksRunConcurrentlyOnAsManyThreadsAsConfigured() throws Exception {
        int threads = 3;
        ExecutorService e = newExecutor(threads);
        CyclicBarrier allThere = new CyclicBarrier(threads);
        List<Future<Thread>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(e.submit(() -> {
                allThere.await(BOUND.toMillis(), TimeUnit.MILLISECONDS); // needs all three running at once
                return Thread.currentThread();
            }));
        }
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        for (Future<Thread> f : futures) {
            ranOn.add(f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertThat(ranOn).hasSize(threads);
        assertThat(factory().made).hasSize(threads).containsAll(ranOn);
    }

    @Test
    public void idleWorkersAreWokenForABurstOfTasksThatMustRunTogether() throws Exception {
        int threads = 3;
        ExecutorService e = newExecutor(threads);
        for (int round = 0; round < 20; round++) {
            for (Thread t : factory().made) {
                awaitBlocked(t); // every worker idle before the burst (none exists in round 0)
            }
            CyclicBarrier together = new CyclicBarrier(threads);
            List<Future<Integer>> burst = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                burst.add(e.submit(() -> together.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)));
            }
            for (Future<Integer> f : burst) {
                get(f); // a worker left asleep would leave the barrier broken (timeout) or the task queued
            }
        }
        assertThat(factory().made).hasSize(threads);
    }

    @Test
    public void neverCreatesMoreThreadsThanConfigured() throws Exception {
        ExecutorService e = newExecutor(2);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(e.submit(() -> { }));
        }
        for (Future<?> f : futures) {
            f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(factory().made.size()).isBetween(1, 2);
    }

    @Test
    public void oneThreadRunsTasksInSubmissionOrder() throws Exception {
        ExecutorService e = newExecutor(1);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            futures.add(e.submit(() -> order.add(n)));
        }
        for (Future<?> f : futures) {
            f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(order).isSorted().hasSize(100);
    }

    @Test
    public void tasksSeeWhatTheSubmitterWroteBeforeSubmitting() throws Exception {
        ExecutorService e = newExecutor(2);
        int[] plain = new int[64];
        for (int round = 0; round < 200; round++) {
            int value = round + 1;
            Arrays.fill(plain, value);
            Future<Boolean> f = e.submit(() -> Arrays.stream(plain).allMatch(v -> v == value));
            assertThat(f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }
    }

    @Test
    public void tasksFromManyThreadsEachRunExactlyOnce() throws Exception {
        ExecutorService e = newExecutor(3);
        int submitters = 4;
        int perSubmitter = 5_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(submitters * perSubmitter);
        CountDownLatch allRan = new CountDownLatch(submitters * perSubmitter);
        CyclicBarrier start = new CyclicBarrier(submitters);
        try (TestThreads group = new TestThreads()) {
            for (int s = 0; s < submitters; s++) {
                int base = s * perSubmitter;
                group.start("submitter-" + s, () -> {
                    start.await();
                    for (int i = 0; i < perSubmitter; i++) {
                        int id = base + i;
                        e.execute(() -> {
                            runs.incrementAndGet(id);
                            allRan.countDown();
                        });
                    }
                });
            }
        }
        await(allRan);
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
        }
    }

    @Test
    public void cancelWithInterruptInterruptsTheRunningTask() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<?> f = e.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException expected) {
                interrupted.countDown();
            }
        });
        await(started);
        assertThat(f.cancel(true)).isTrue();
        await(interrupted);
        assertThat(f.isCancelled()).isTrue();
        assertThat(e.submit(() -> "next").get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("next");
    }

    // ------------------------------------------------------------------ invokeAll

    @Test
    public void invokeAllReturnsCompletedFuturesInTaskOrder() throws Exception {
        ExecutorService e = newExecutor(2);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            tasks.add(() -> n * n);
        }
        List<Future<Integer>> futures = e.invokeAll(tasks);
        assertThat(futures).hasSize(10).allMatch(Future::isDone);
        for (int i = 0; i < 10; i++) {
            assertThat(get(futures.get(i))).isEqualTo(i * i);
        }
    }

    @Test
    public void invokeAllKeepsEachTasksOwnOutcome() throws Exception {
        ExecutorService e = newExecutor(2);
        IllegalStateException failure = new IllegalStateException("second fails");
        List<Future<String>> futures = e.invokeAll(List.of(() -> "first", () -> {
            throw failure;
        }, () -> "third"));
        assertThat(get(futures.get(0))).isEqualTo("first");
        assertThatThrownBy(() -> get(futures.get(1))).isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
        assertThat(get(futures.get(2))).isEqualTo("third");
    }

    @Test
    public void invokeAllOfNoTasksReturnsAnEmptyList() throws Exception {
        ExecutorService e = newExecutor(1);
        assertThat(e.invokeAll(List.<Callable<String>>of())).isEmpty();
        assertThat(e.invokeAll(List.<Callable<String>>of(), 1, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    public void invokeAllRejectsNullArgumentsWithNullPointerException() {
        ExecutorService e = newExecutor(1);
        assertThatThrownBy(() -> e.invokeAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAll(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAll(List.of(() -> "x"), 1, null)).isInstanceOf(NullPointerException.class);
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(() -> "x");
        withNull.add(null);
        assertThatThrownBy(() -> e.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAll(withNull, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
    }

    @Test
    public void timedInvokeAllCancelsTheTasksUnfinishedAtTheTimeout() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstStarted = new AtomicBoolean();
        CountDownLatch interrupted = new CountDownLatch(1);
        long start = System.nanoTime();
        List<Future<String>> futures = e.invokeAll(List.of(() -> {
            firstStarted.set(true);
            try {
                await(release);
                return "late";
            } catch (InterruptedException cancelled) {
                interrupted.countDown();
                throw cancelled;
            }
        }, () -> "never started"), SHORT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(futures).hasSize(2).allMatch(Future::isCancelled);
        if (firstStarted.get()) {
            await(interrupted); // running at the timeout: cancelled with an interrupt (on a loaded
        }                       // machine it may not have started at all: then it never runs)
        release.countDown();
    }

    @Test
    public void timedInvokeAllReturnsEveryResultWhenInTime() throws Exception {
        ExecutorService e = newExecutor(2);
        List<Future<String>> futures = e.invokeAll(List.of(() -> "a", () -> "b"), BOUND.toMillis(),
                TimeUnit.MILLISECONDS);
        assertThat(get(futures.get(0))).isEqualTo("a");
        assertThat(get(futures.get(1))).isEqualTo("b");
    }

    // ------------------------------------------------------------------ invokeAny

    @Test
    public void invokeAnyOfNoTasksThrowsIllegalArgument() {
        ExecutorService e = newExecutor(1);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<String>>of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<String>>of(), 1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void invokeAnyRejectsNullArgumentsWithNullPointerException() {
        ExecutorService e = newExecutor(1);
        assertThatThrownBy(() -> e.invokeAny(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(() -> "x"), 1, null)).isInstanceOf(NullPointerException.class);
        List<Callable<String>> onlyNull = new ArrayList<>();
        onlyNull.add(null);
        assertThatThrownBy(() -> e.invokeAny(onlyNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(onlyNull, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
    }

    @Test
    public void invokeAnyReturnsTheResultOfATaskThatSucceeded() throws Exception {
        ExecutorService e = newExecutor(2);
        String result = e.invokeAny(List.of(() -> {
            throw new IllegalStateException("fails");
        }, () -> "succeeds"));
        assertThat(result).isEqualTo("succeeds");
        List<Callable<String>> one = List.of(() -> "timed");
        String timed = e.invokeAny(one, BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(timed).isEqualTo("timed");
    }

    @Test
    public void invokeAnyThrowsExecutionExceptionWhenEveryTaskFails() {
        ExecutorService e = newExecutor(2);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<String>>of(() -> {
            throw new IllegalStateException("one");
        }, () -> {
            throw new IllegalStateException("two");
        }))).isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    public void timedInvokeAnyThrowsTimeoutWhenNoTaskFinishesInTime() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch release = new CountDownLatch(1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> e.invokeAny(List.of(() -> {
            await(release);
            return "late";
        }), SHORT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        release.countDown();
    }

    // ------------------------------------------------------------------ shutdown

    @Test
    public void everySubmissionAfterShutdownIsRejected() {
        ExecutorService e = newExecutor(1);
        e.shutdown();
        assertThatThrownBy(() -> e.execute(noop("late"))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.submit(() -> "late")).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.submit(noop("late"))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.invokeAll(List.of(() -> "late"))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(() -> "late"))).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    public void executeAfterShutdownNowIsRejected() {
        ExecutorService e = newExecutor(1);
        e.shutdownNow();
        assertThatThrownBy(() -> e.execute(noop("late"))).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    public void shutdownRunsEveryQueuedTaskThenTerminates() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            e.execute(ran::incrementAndGet);
        }
        e.shutdown();
        assertThat(e.isShutdown()).isTrue();
        assertThat(e.isTerminated()).isFalse();
        release.countDown();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(5);
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void shutdownDoesNotWaitForRunningTasks() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        e.shutdown(); // returns although the task still runs
        assertThat(e.isShutdown()).isTrue();
        assertThat(e.isTerminated()).isFalse();
        assertThat(e.awaitTermination(0, TimeUnit.MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    public void shutdownAndShutdownNowAreIdempotent() throws Exception {
        ExecutorService e = newExecutor(2);
        e.submit(() -> "x").get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        e.shutdown();
        e.shutdown();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(e.shutdownNow()).isEmpty();
        e.shutdown();
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void anExecutorThatNeverRanATaskTerminatesOnShutdown() throws Exception {
        ExecutorService e = newExecutor(3);
        assertThat(e.isShutdown()).isFalse();
        assertThat(e.isTerminated()).isFalse();
        e.shutdown();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void shutdownNowReturnsExactlyTheTasksThatNeverStartedInQueueOrder() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Runnable r = new Runnable() {
                @Override
                public void run() {
                    ran.incrementAndGet();
                }
            };
            queued.add(r);
            e.execute(r);
        }
        List<Runnable> returned = e.shutdownNow();
        assertThat(returned).containsExactlyElementsOf(queued);
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(0);
    }

    @Test
    public void shutdownNowReturnsSubmittedTasksAsTheirFuturesNeitherRunNorCancelled() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        Future<String> a = e.submit(() -> "a");
        Future<?> b = e.submit(noop("b"));
        List<Runnable> returned = e.shutdownNow();
        assertThat(returned).hasSize(2);
        assertThat((Object) returned.get(0)).isSameAs(a);
        assertThat((Object) returned.get(1)).isSameAs(b);
        assertThat(a.isDone()).isFalse();
        assertThat(b.isDone()).isFalse();
        a.cancel(false);
        b.cancel(false);
    }

    @Test
    public void shutdownNowInterruptsEveryRunningTask() throws Exception {
        int threads = 3;
        ExecutorService e = newExecutor(threads);
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch interrupted = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            e.execute(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException expected) {
                    interrupted.countDown();
                }
            });
        }
        await(started);
        assertThat(e.shutdownNow()).isEmpty();
        await(interrupted);
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    public void shutdownNowAfterShutdownReturnsTheTasksStillQueued() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        Runnable queued = noop("queued");
        e.execute(queued);
        e.shutdown();
        assertThat(e.shutdownNow()).containsExactly(queued);
    }

    @Test
    public void shutdownNowOfAnIdleExecutorReturnsNothingAndTerminates() throws Exception {
        ExecutorService e = newExecutor(2);
        e.submit(() -> "x").get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e.shutdownNow()).isEmpty();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(e.isShutdown()).isTrue();
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void noPoolThreadOutlivesTermination() throws Exception {
        ExecutorService e = newExecutor(3);
        for (int i = 0; i < 30; i++) {
            e.submit(() -> { });
        }
        e.shutdown();
        assertThat(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(factory().made).isNotEmpty();
        factory().joinAll();
    }

    // ------------------------------------------------------------------ awaitTermination

    @Test
    public void awaitTerminationTimesOutWhileATaskRuns() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        e.shutdown();
        long start = System.nanoTime();
        assertThat(e.awaitTermination(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(e.isTerminated()).isFalse();
        release.countDown();
    }

    @Test
    public void awaitTerminationTimesOutIfNeverShutDown() throws Exception {
        ExecutorService e = newExecutor(1);
        assertThat(e.awaitTermination(SHORT.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(e.awaitTermination(0, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(e.awaitTermination(-1, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    public void awaitTerminationIsReleasedWhenTheLastTaskFinishes() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        e.shutdown();
        AtomicBoolean terminated = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter",
                    () -> terminated.set(e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)));
            awaitBlocked(waiter);
            release.countDown();
        }
        assertThat(terminated).isTrue();
    }

    @Test
    public void awaitTerminationThrowsWhenTheWaiterIsInterrupted() throws Exception {
        ExecutorService e = newExecutor(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                try {
                    e.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException expected) {
                    thrown.set(expected);
                }
            });
            awaitBlocked(waiter);
            waiter.interrupt();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    public void awaitTerminationRejectsANullUnit() {
        ExecutorService e = newExecutor(1);
        assertThatThrownBy(() -> e.awaitTermination(1, null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ close

    @Test
    public void closeRunsTheQueuedTasksAndTerminates() {
        ExecutorService e = newExecutor(1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            e.execute(ran::incrementAndGet);
        }
        e.close();
        assertThat(ran).hasValue(10);
        assertThat(e.isTerminated()).isTrue();
        e.close(); // again: nothing to do
    }

    @Test
    public void closeWaitsForTheRunningTask() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean taskFinished = new AtomicBoolean();
        AtomicBoolean finishedBeforeClose = new AtomicBoolean();
        e.execute(() -> {
            blocker(started, release).run();
            taskFinished.set(true);
        });
        await(started);
        try (TestThreads threads = new TestThreads()) {
            Thread closer = threads.start("closer", () -> {
                e.close();
                finishedBeforeClose.set(taskFinished.get());
            });
            awaitBlocked(closer);
            release.countDown();
        }
        assertThat(finishedBeforeClose).isTrue();
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void closeInterruptedStopsTheTasksAndReturnsWithTheInterruptStatusSet() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch taskInterrupted = new CountDownLatch(1);
        Runnable queued = noop("queued");
        e.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException expected) {
                taskInterrupted.countDown();
            }
        });
        e.execute(queued);
        await(started);
        AtomicBoolean interruptStatusAfterClose = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread closer = threads.start("closer", () -> {
                e.close();
                interruptStatusAfterClose.set(Thread.currentThread().isInterrupted());
            });
            awaitBlocked(closer);
            closer.interrupt();
        }
        await(taskInterrupted);
        assertThat(interruptStatusAfterClose).isTrue();
        assertThat(e.isTerminated()).isTrue();
    }

    @Test
    public void cancelledFuturesOfDrainedTasksDoNotBlockTheirWaiters() throws Exception {
        ExecutorService e = newExecutor(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.execute(blocker(started, release));
        await(started);
        Future<String> queued = e.submit(() -> "never");
        for (Runnable r : e.shutdownNow()) {
            ((Future<?>) r).cancel(false);
        }
        assertThatThrownBy(() -> get(queued)).isInstanceOf(CancellationException.class);
    }
}

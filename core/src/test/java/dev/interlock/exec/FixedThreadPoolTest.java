package dev.interlock.exec;

import dev.interlock.testing.ExecutorServiceContract;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.interlock.testing.TestThreads.awaitBlocked;
import static dev.interlock.testing.TestThreads.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FixedThreadPool} against the {@link ExecutorServiceContract}, plus what it promises beyond
 * it: configuration and bad input, on-demand threads from the factory (and what happens when the
 * factory fails), each {@link RejectionPolicy} on a saturated pool and after shutdown, failing tasks
 * that never shrink the pool, interrupts, shutdown and close from inside a task, exact termination,
 * metrics, and virtual-thread workers. The soak test ({@code FixedThreadPoolSoakTest}) checks the
 * exactly-once accounting under random failures, interrupts and shutdowns; jcstress
 * ({@code FixedThreadPoolStress}) checks execute racing shutdown on the real memory model.
 *
 * <p>Why there is no Lincheck test: Lincheck checks that concurrent calls are equivalent to some
 * sequential order of the same calls, each returning the value the sequential specification
 * gives. A thread pool's operations have almost no such values: {@code execute} returns nothing and
 * its effect (the task running, later, on another thread) is outside the call; {@code submit}'s
 * result is a {@code Future} whose completion is asynchronous; {@code shutdownNow}'s list depends on
 * how far the workers, threads Lincheck neither creates nor controls, have got; and
 * {@code awaitTermination} blocks, which Lincheck reports as a hang. A sequential model would have to
 * include the scheduler, at which point it proves nothing about the pool. The property that matters,
 * "every task is run once, returned, or rejected, never lost", is a whole-history property: it is
 * checked here, in the soak test, and in jcstress, where the racing calls are two actors and the
 * outcome is read after termination.
 */
class FixedThreadPoolTest extends ExecutorServiceContract {

    @Override
    protected ExecutorService newExecutor(int threads, ThreadFactory factory) {
        return FixedThreadPool.builder().threads(threads).threadFactory(factory).build();
    }

    /** A pool of {@code threads} from a tracked factory, with the given capacity and policy. */
    private FixedThreadPool pool(int threads, int capacity, RejectionPolicy policy) {
        return track(FixedThreadPool.builder().threads(threads).queueCapacity(capacity).rejection(policy)
                .threadFactory(newFactory()).build());
    }

    private FixedThreadPool pool(int threads) {
        return (FixedThreadPool) newExecutor(threads);
    }

    /** A factory that reports uncaught exceptions to {@code failures}, tracked like the others. */
    private TrackingFactory factoryReportingTo(List<Throwable> failures, List<Thread> failedOn) {
        return newFactory(Thread.ofPlatform().name("reporting-worker-", 1)
                .uncaughtExceptionHandler((t, e) -> {
                    failedOn.add(t);
                    failures.add(e);
                }).factory());
    }

    /** Blocks the pool's {@code threads} workers; returns the latch that releases them. */
    private static CountDownLatch occupyAllWorkers(FixedThreadPool pool, int threads) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            pool.execute(blocker(started, release));
        }
        await(started);
        return release;
    }

    // ------------------------------------------------------------------ sample

    @Test
    void sampleUsage() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (FixedThreadPool pool = FixedThreadPool.builder()
                .threads(4)
                .queueCapacity(1_000)
                .rejection(RejectionPolicy.CALLER_RUNS)   // back-pressure: a full queue slows the producer
                .build()) {
            Future<Integer> answer = pool.submit(() -> 6 * 7);
            pool.execute(() -> log.add("fire and forget"));
            log.add("answer " + get(answer));            // waits for the task: "answer 42"
        }                                                 // close(): runs what is queued, then waits
        assertThat(log).containsExactlyInAnyOrder("fire and forget", "answer 42");
    }

    // ------------------------------------------------------------------ configuration and bad input

    @Test
    void threadsBelowOneAreRejectedByConstructorAndBuilder() {
        assertThatThrownBy(() -> new FixedThreadPool(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FixedThreadPool(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedThreadPool.builder().threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FixedThreadPool.builder().threads(Integer.MIN_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void capacityBelowOneAndNullPolicyOrFactoryAreRejected() {
        FixedThreadPool.Builder b = FixedThreadPool.builder();
        assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.queueCapacity(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rejection(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threadFactory(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRejectedBuilderArgumentKeepsThePreviousValue() {
        ThreadFactory factory = newFactory();
        FixedThreadPool.Builder b = FixedThreadPool.builder().threads(3).queueCapacity(7)
                .rejection(RejectionPolicy.DISCARD).threadFactory(factory);
        assertThatThrownBy(() -> b.threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.rejection(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threadFactory(null)).isInstanceOf(NullPointerException.class);
        FixedThreadPool pool = track(b.build());
        assertThat(pool.threads()).isEqualTo(3);
        assertThat(pool.queueCapacity()).isEqualTo(7);
        assertThat(pool.rejectionPolicy()).isEqualTo(RejectionPolicy.DISCARD);
        pool.execute(() -> { });
        pollUntil(() -> !factory().made.isEmpty(), "the given factory to make a thread");
    }

    @Test
    void builderDefaultsMatchExecutorsNewFixedThreadPool() throws Exception {
        FixedThreadPool pool = track(FixedThreadPool.builder().build());
        assertThat(pool.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(pool.queueCapacity()).isEqualTo(FixedThreadPool.UNBOUNDED).isEqualTo(Integer.MAX_VALUE);
        assertThat(pool.rejectionPolicy()).isEqualTo(RejectionPolicy.ABORT);
        FixedThreadPool byConstructor = track(new FixedThreadPool(2));
        assertThat(byConstructor.threads()).isEqualTo(2);
        assertThat(byConstructor.queueCapacity()).isEqualTo(FixedThreadPool.UNBOUNDED);
        assertThat(byConstructor.rejectionPolicy()).isEqualTo(RejectionPolicy.ABORT);
    }

    @Test
    void theDefaultFactoryMakesNamedNonDaemonPlatformThreads() throws Exception {
        FixedThreadPool pool = track(new FixedThreadPool(2));
        Thread worker = get(pool.submit(Thread::currentThread));
        assertThat(worker.getName()).matches("FixedThreadPool-\\d+-worker-1");
        assertThat(worker.isDaemon()).isFalse();
        assertThat(worker.isVirtual()).isFalse();
        assertThat(worker.getPriority()).isEqualTo(Thread.NORM_PRIORITY);
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(worker.isAlive()).isFalse();
    }

    @Test
    void badInputLeavesThePoolIntact() throws Exception {
        FixedThreadPool pool = pool(1, 2, RejectionPolicy.ABORT);
        FixedThreadPool.Metrics before = pool.metrics();
        assertThatThrownBy(() -> pool.execute(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> pool.awaitTermination(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(pool.metrics()).isEqualTo(before);
        assertThat(factory().made).isEmpty();
        assertThat(get(pool.submit(() -> "ok"))).isEqualTo("ok");
    }

    // ------------------------------------------------------------------ threads

    @Test
    void threadsStartOnDemandOnePerTaskUpToTheLimit() throws Exception {
        FixedThreadPool pool = pool(3);
        assertThat(factory().made).isEmpty();
        assertThat(pool.metrics().threads()).isZero();
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 1; i <= 3; i++) {
            CountDownLatch started = new CountDownLatch(1);
            pool.execute(blocker(started, release));
            await(started);
            assertThat(factory().made).hasSize(i);
            assertThat(pool.metrics().threads()).isEqualTo(i);
        }
        pool.execute(noop("queued"));
        assertThat(factory().made).hasSize(3);
        assertThat(pool.metrics().queued()).isEqualTo(1);
        release.countDown();
    }

    @Test
    void anUnboundedPoolQueuesAHundredThousandTasksBehindABlockedWorker() throws Exception {
        FixedThreadPool pool = pool(1);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100_000; i++) {
            pool.execute(ran::incrementAndGet);
        }
        assertThat(pool.metrics().queued()).isEqualTo(100_000);
        assertThat(pool.metrics().rejected()).isZero();
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(100_000);
    }

    @Test
    void aHugeBoundedCapacityCostsNothingUntilUsed() throws Exception {
        FixedThreadPool pool = pool(1, Integer.MAX_VALUE - 1, RejectionPolicy.ABORT);
        assertThat(pool.queueCapacity()).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(get(pool.submit(() -> "ok"))).isEqualTo("ok");
    }

    @Test
    void aFactoryReturningNullRejectsTheTaskWithACauseAndThePoolStaysUsable() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        TrackingFactory real = newFactory();
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(2)
                .threadFactory(r -> broken.get() ? null : real.newThread(r)).build());
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> pool.execute(() -> ran.set(true)))
                .isInstanceOf(RejectedExecutionException.class).cause().isInstanceOf(NullPointerException.class);
        assertThat(ran).isFalse();
        assertThat(pool.metrics().threads()).isZero();
        assertThat(pool.metrics().rejected()).isEqualTo(1);
        assertThat(pool.isShutdown()).isFalse();
        broken.set(false);
        assertThat(get(pool.submit(() -> "works"))).isEqualTo("works");
        assertThat(pool.metrics().threads()).isEqualTo(1);
    }

    @Test
    void aThrowingFactoryRejectsWithItsExceptionAsTheCause() {
        IllegalStateException failure = new IllegalStateException("no threads today");
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(r -> {
            throw failure;
        }).build());
        assertThatThrownBy(() -> pool.execute(noop("task"))).isInstanceOf(RejectedExecutionException.class)
                .cause().isSameAs(failure);
        assertThat(pool.metrics().queued()).isZero();
    }

    @Test
    void aFailingFactoryWithAWorkerAliveStillQueuesAndRunsTheTask() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(false);
        TrackingFactory real = newFactory();
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(2)
                .threadFactory(r -> {
                    if (broken.get()) {
                        throw new IllegalStateException("factory down");
                    }
                    return real.newThread(r);
                }).build());
        assertThat(get(pool.submit(() -> "first"))).isEqualTo("first");
        broken.set(true);
        Future<Thread> second = pool.submit(Thread::currentThread);
        assertThat(get(second)).isSameAs(real.made.getFirst());
        assertThat(pool.metrics().threads()).isEqualTo(1);
        assertThat(pool.metrics().rejected()).isZero();
    }

    @Test
    void aFactoryThatStartsItsThreadItselfIsTreatedAsAFailure() throws Exception {
        AtomicInteger ranByForeignThread = new AtomicInteger();
        List<Thread> started = new CopyOnWriteArrayList<>();
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(r -> {
            Thread t = Thread.ofPlatform().start(() -> {
                r.run(); // the pool's worker must refuse to run in a thread it did not start
                ranByForeignThread.incrementAndGet();
            });
            started.add(t);
            return t;
        }).build());
        AtomicBoolean taskRan = new AtomicBoolean();
        assertThatThrownBy(() -> pool.execute(() -> taskRan.set(true)))
                .isInstanceOf(RejectedExecutionException.class).cause().isInstanceOf(IllegalThreadStateException.class);
        for (Thread t : started) {
            t.join(BOUND);
        }
        assertThat(ranByForeignThread).hasValue(1);
        assertThat(taskRan).isFalse();
        assertThat(pool.metrics().threads()).isZero();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    // ------------------------------------------------------------------ rejection policies

    @Test
    void abortRejectsWhenTheQueueIsFullAndChangesNothing() throws Exception {
        FixedThreadPool pool = pool(1, 2, RejectionPolicy.ABORT);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(ran::incrementAndGet);
        pool.execute(ran::incrementAndGet);
        AtomicBoolean rejectedRan = new AtomicBoolean();
        assertThatThrownBy(() -> pool.execute(() -> rejectedRan.set(true)))
                .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("queue full");
        assertThatThrownBy(() -> pool.submit(() -> "also rejected")).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.metrics().queued()).isEqualTo(2);
        assertThat(pool.metrics().rejected()).isEqualTo(2);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(2);
        assertThat(rejectedRan).isFalse();
    }

    @Test
    void capacityCountsWaitingTasksNotRunningOnes() throws Exception {
        FixedThreadPool pool = pool(2, 1, RejectionPolicy.ABORT);
        CountDownLatch release = occupyAllWorkers(pool, 2);
        pool.execute(noop("the one waiting"));
        assertThatThrownBy(() -> pool.execute(noop("one too many"))).isInstanceOf(RejectedExecutionException.class);
        release.countDown();
    }

    @Test
    void callerRunsRunsTheTaskInTheSubmittingThreadBeforeExecuteReturns() throws Exception {
        FixedThreadPool pool = pool(1, 1, RejectionPolicy.CALLER_RUNS);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        pool.execute(noop("fills the queue"));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        pool.execute(() -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        assertThat(pool.metrics().rejected()).isEqualTo(1);
        assertThat(pool.metrics().queued()).isEqualTo(1);
        release.countDown();
    }

    @Test
    void callerRunsPropagatesAnExecutedTasksExceptionToTheCaller() throws Exception {
        FixedThreadPool pool = pool(1, 1, RejectionPolicy.CALLER_RUNS);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        pool.execute(noop("fills the queue"));
        IllegalStateException failure = new IllegalStateException("thrown in the caller");
        assertThatThrownBy(() -> pool.execute(() -> {
            throw failure;
        })).isSameAs(failure);
        Future<String> f = pool.submit(() -> {
            throw failure;
        });
        assertThat(f.isDone()).isTrue();
        assertThatThrownBy(() -> get(f)).isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
        release.countDown();
    }

    @Test
    void discardDropsTheNewTaskSilentlyAndCancelsItsFuture() throws Exception {
        FixedThreadPool pool = pool(1, 1, RejectionPolicy.DISCARD);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(ran::incrementAndGet);
        pool.execute(() -> ran.addAndGet(100)); // dropped, no exception
        Future<String> dropped = pool.submit(() -> "never");
        assertThat(dropped.isCancelled()).isTrue();
        assertThatThrownBy(() -> get(dropped)).isInstanceOf(CancellationException.class);
        assertThat(pool.metrics().rejected()).isEqualTo(2);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(1);
    }

    @Test
    void discardOldestDropsTheOldestQueuedTaskCancelsItsFutureAndQueuesTheNewOne() throws Exception {
        FixedThreadPool pool = pool(1, 2, RejectionPolicy.DISCARD_OLDEST);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        List<String> ran = new CopyOnWriteArrayList<>();
        Future<String> oldest = pool.submit(() -> {
            ran.add("oldest");
            return "never";
        });
        pool.execute(() -> ran.add("second"));
        pool.execute(() -> ran.add("newest"));
        assertThat(oldest.isCancelled()).isTrue();
        assertThatThrownBy(() -> get(oldest)).isInstanceOf(CancellationException.class);
        assertThat(pool.metrics().queued()).isEqualTo(2);
        assertThat(pool.metrics().rejected()).isEqualTo(1);
        pool.execute(() -> ran.add("newer still")); // drops "second", a plain Runnable: it never runs
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).containsExactly("newest", "newer still");
        assertThat(pool.metrics().rejected()).isEqualTo(2);
    }

    @Test
    void discardOldestWithCapacityOneKeepsOnlyTheNewestWaitingTask() throws Exception {
        FixedThreadPool pool = pool(1, 1, RejectionPolicy.DISCARD_OLDEST);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            pool.execute(() -> ran.add(n));
        }
        assertThat(pool.metrics().queued()).isEqualTo(1);
        assertThat(pool.metrics().rejected()).isEqualTo(9);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).containsExactly(9);
    }

    @ParameterizedTest
    @EnumSource(RejectionPolicy.class)
    void everyPolicyRejectsWithAnExceptionAfterShutdown(RejectionPolicy policy) throws Exception {
        FixedThreadPool pool = pool(1, 1, policy);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        pool.execute(noop("fills the queue"));
        pool.shutdown();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> pool.execute(() -> ran.set(true))).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        release.countDown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThatThrownBy(() -> pool.execute(() -> ran.set(true))).isInstanceOf(RejectedExecutionException.class);
        assertThat(ran).as("a task offered after shutdown never runs, not even in the caller").isFalse();
        assertThat(pool.metrics().rejected()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ failures

    @Test
    void failingExecutedTasksNeverShrinkThePoolAndTheSameThreadsKeepServing() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> failedOn = new CopyOnWriteArrayList<>();
        TrackingFactory factory = factoryReportingTo(failures, failedOn);
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(2).threadFactory(factory).build());
        for (int i = 0; i < 100; i++) {
            int n = i;
            pool.execute(() -> {
                throw new IllegalStateException("task " + n + " fails");
            });
        }
        pollUntil(() -> failures.size() == 100, "every failure to reach the handler");
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        List<Future<?>> later = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            later.add(pool.submit(() -> ranOn.add(Thread.currentThread())));
        }
        for (Future<?> f : later) {
            get(f);
        }
        assertThat(factory.made).hasSize(2);
        assertThat(factory.made).containsAll(ranOn).containsAll(failedOn);
        assertThat(pool.metrics().threads()).isEqualTo(2);
        pollUntil(() -> pool.metrics().completed() == 200, "200 tasks counted");
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void theWorkersUncaughtExceptionHandlerReceivesAnExecutedTasksException() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> failedOn = new CopyOnWriteArrayList<>();
        TrackingFactory factory = factoryReportingTo(failures, failedOn);
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(factory).build());
        IllegalStateException failure = new IllegalStateException("boom");
        pool.execute(() -> {
            throw failure;
        });
        pollUntil(() -> !failures.isEmpty(), "the handler to be called");
        assertThat(failures).containsExactly(failure);
        assertThat(failedOn).containsExactly(factory.made.getFirst());
    }

    @Test
    void anErrorFromAnExecutedTaskGoesToTheHandlerAndTheWorkerGoesOn() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> failedOn = new CopyOnWriteArrayList<>();
        TrackingFactory factory = factoryReportingTo(failures, failedOn);
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(factory).build());
        Error error = new AssertionError("an error, not an exception");
        pool.execute(() -> {
            throw error;
        });
        assertThat(get(pool.submit(Thread::currentThread))).isSameAs(factory.made.getFirst());
        assertThat(failures).containsExactly(error);
        assertThat(factory.made).hasSize(1);
    }

    @Test
    void aHandlerThatThrowsDoesNotKillTheWorker() throws Exception {
        TrackingFactory factory = newFactory(Thread.ofPlatform()
                .uncaughtExceptionHandler((t, e) -> {
                    throw new IllegalStateException("the handler fails too");
                }).factory());
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(factory).build());
        pool.execute(() -> {
            throw new IllegalStateException("task fails");
        });
        assertThat(get(pool.submit(Thread::currentThread))).isSameAs(factory.made.getFirst());
        assertThat(pool.metrics().threads()).isEqualTo(1);
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aSubmittedTasksExceptionGoesOnlyToItsFuture() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        TrackingFactory factory = factoryReportingTo(failures, new CopyOnWriteArrayList<>());
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(factory).build());
        Future<?> f = pool.submit((Runnable) () -> {
            throw new IllegalStateException("into the future");
        });
        assertThatThrownBy(() -> get(f)).isInstanceOf(ExecutionException.class);
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(failures).isEmpty();
    }

    // ------------------------------------------------------------------ interruption

    @Test
    void everyTaskStartsWithTheInterruptStatusClearWhateverThePreviousTaskLeft() throws Exception {
        FixedThreadPool pool = pool(1);
        List<Boolean> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            pool.execute(() -> {
                seen.add(Thread.currentThread().isInterrupted());
                Thread.currentThread().interrupt(); // left behind for the next task
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(seen).hasSize(20).containsOnly(false);
    }

    @Test
    void interruptingAnIdleWorkerChangesNothing() throws Exception {
        FixedThreadPool pool = pool(1);
        Thread worker = get(pool.submit(Thread::currentThread));
        awaitBlocked(worker);
        worker.interrupt();
        Future<Boolean> next = pool.submit(() -> Thread.currentThread() == worker
                && !Thread.currentThread().isInterrupted());
        assertThat(get(next)).isTrue();
        assertThat(pool.metrics().threads()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ shutdown and close from a task

    @Test
    void shutdownFromInsideATaskReturnsAndTheQueuedTasksStillRun() throws Exception {
        FixedThreadPool pool = pool(1);
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch shutDown = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        pool.execute(() -> {
            try {
                await(queued);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pool.shutdown();
            shutDown.countDown();
        });
        for (int i = 0; i < 3; i++) {
            pool.execute(ran::incrementAndGet);
        }
        queued.countDown();
        await(shutDown);
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ran).hasValue(3);
    }

    @Test
    void closeFromInsideATaskShutsDownAndReturnsWithoutWaitingForItself() throws Exception {
        FixedThreadPool pool = pool(2);
        Future<Boolean> closer = pool.submit(() -> {
            pool.close();
            return pool.isShutdown() && !pool.isTerminated();
        });
        assertThat(closer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void awaitTerminationFromInsideATaskWaitsOutItsTimeoutAndReturnsFalse() throws Exception {
        FixedThreadPool pool = pool(1);
        Future<Boolean> self = pool.submit(() -> {
            pool.shutdown();
            return pool.awaitTermination(20, TimeUnit.MILLISECONDS);
        });
        assertThat(self.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void shutdownNowFromInsideATaskInterruptsThatTaskAndReturnsTheQueue() throws Exception {
        FixedThreadPool pool = pool(1);
        CountDownLatch queued = new CountDownLatch(1);
        AtomicReference<List<Runnable>> returned = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        pool.execute(() -> {
            try {
                await(queued);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.set(pool.shutdownNow());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        Runnable waiting = noop("waiting");
        pool.execute(waiting);
        queued.countDown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(returned.get()).containsExactly(waiting);
        assertThat(interruptedAfter).isTrue();
    }

    // ------------------------------------------------------------------ execute racing shutdown, paused in the factory

    /** A factory that signals {@code inFactory}, waits for {@code proceed}, then makes a thread or throws. */
    private ThreadFactory pausingFactory(CountDownLatch inFactory, CountDownLatch proceed, AtomicInteger calls,
                                         int pauseOnCall, boolean failAfterPause) {
        TrackingFactory real = newFactory();
        return r -> {
            if (calls.incrementAndGet() == pauseOnCall) {
                inFactory.countDown();
                try {
                    await(proceed);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (failAfterPause) {
                    throw new IllegalStateException("factory failed after the pause");
                }
            }
            return real.newThread(r);
        };
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTaskHandedToAWorkerCountedBeforeShutdownRunsEvenIfTheShutdownCompletesFirst(boolean now)
            throws Exception {
        // execute counts a new worker for its task (accepting it), then the factory pauses while the
        // test shuts the pool down: the task was accepted first, so it runs (interrupted, after shutdownNow).
        CountDownLatch inFactory = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1)
                .threadFactory(pausingFactory(inFactory, proceed, new AtomicInteger(), 1, false)).build());
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean ranInterrupted = new AtomicBoolean();
        AtomicReference<Throwable> rejection = new AtomicReference<>();
        List<Runnable> returned = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            threads.start("submitter", () -> {
                try {
                    pool.execute(() -> {
                        ranInterrupted.set(Thread.currentThread().isInterrupted());
                        ran.set(true);
                    });
                } catch (RejectedExecutionException e) {
                    rejection.set(e);
                }
            });
            await(inFactory);
            if (now) {
                returned.addAll(pool.shutdownNow());
            } else {
                pool.shutdown();
            }
            assertThat(pool.isTerminated()).as("a counted worker holds termination back").isFalse();
            proceed.countDown();
        }
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(rejection.get()).isNull();
        assertThat(ran).isTrue();
        assertThat(ranInterrupted.get()).isEqualTo(now);
        assertThat(returned).isEmpty();
    }

    /** A task that waits for {@code release} whatever interrupts it gets (it keeps its worker alive). */
    private static Runnable stubbornBlocker(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    await(release);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anExecuteThatReachesTheQueueAfterShutdownIsRejectedNotLost(boolean now) throws Exception {
        // Worker 1 is busy (and stays alive); execute tries to start worker 2, the factory pauses while
        // the test shuts the pool down, then fails: with a worker alive, execute falls back to the
        // queue, which is closed by then, so the task must come back as a rejection.
        CountDownLatch inFactory = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(2)
                .threadFactory(pausingFactory(inFactory, proceed, new AtomicInteger(), 2, true)).build());
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(stubbornBlocker(busy, release));
        await(busy);
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Throwable> rejection = new AtomicReference<>();
        List<Runnable> returned = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            threads.start("submitter", () -> {
                try {
                    pool.execute(() -> ran.set(true));
                } catch (RejectedExecutionException e) {
                    rejection.set(e);
                }
            });
            await(inFactory);
            if (now) {
                returned.addAll(pool.shutdownNow());
            } else {
                pool.shutdown();
            }
            proceed.countDown();
        }
        release.countDown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(rejection.get()).isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");
        assertThat(ran).isFalse();
        assertThat(returned).isEmpty();
        assertThat(pool.metrics().rejected()).isEqualTo(1);
    }

    @Test
    void terminationWaitsUntilShutdownNowHasTakenEveryQueuedTask() throws Exception {
        // The worker's thread pauses in interrupt(), called by shutdownNow after it has set STOP and
        // before it takes the queue: meanwhile the worker finishes its task, sees STOP and exits.
        // The pool must not call itself terminated while a task it accepted is still queued.
        CountDownLatch interrupting = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        TrackingFactory factory = newFactory(r -> new Thread(r, "slow-interrupt-worker") {
            @Override
            public void interrupt() {
                interrupting.countDown();
                try {
                    await(proceed);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.interrupt();
            }
        });
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(1).threadFactory(factory).build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(blocker(started, release));
        await(started);
        Runnable queued = noop("queued");
        pool.execute(queued);
        AtomicReference<List<Runnable>> returned = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            threads.start("stopper", () -> returned.set(pool.shutdownNow()));
            await(interrupting);
            release.countDown();
            Thread worker = factory.made.getFirst();
            worker.join(BOUND);
            assertThat(worker.isAlive()).isFalse();
            assertThat(pool.isTerminated()).as("terminated with a task still queued").isFalse();
            assertThat(pool.awaitTermination(0, TimeUnit.MILLISECONDS)).isFalse();
            proceed.countDown();
        }
        assertThat(returned.get()).containsExactly(queued);
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void theFirstTasksAreHandedToTheWorkersTheyStartSoASmallQueueDoesNotRejectThem() throws Exception {
        FixedThreadPool pool = pool(4, 1, RejectionPolicy.ABORT);
        CountDownLatch release = occupyAllWorkers(pool, 4); // four tasks at once, a queue of one
        assertThat(pool.metrics().queued()).isZero();
        assertThat(pool.metrics().rejected()).isZero();
        assertThat(factory().made).hasSize(4);
        release.countDown();
    }

    // ------------------------------------------------------------------ termination

    @Test
    void whenTerminatedEveryPoolThreadHasAlreadyEnded() throws Exception {
        for (int round = 0; round < 20; round++) {
            FixedThreadPool pool = pool(3);
            for (int i = 0; i < 10; i++) {
                pool.execute(() -> { });
            }
            if (round % 2 == 0) {
                pool.shutdown();
                assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            } else {
                pool.shutdownNow();
                pollUntil(pool::isTerminated, "termination");
            }
            for (Thread t : factory().made) {
                assertThat(t.isAlive()).as("round %d: %s", round, t.getName()).isFalse();
            }
            assertThat(pool.metrics().threads()).isZero();
        }
    }

    @Test
    void isTerminatedStaysFalseWhileAShutDownPoolStillRunsATask() throws Exception {
        FixedThreadPool pool = pool(2);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        pool.shutdown();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.isTerminated()).isFalse();
        assertThat(pool.toString()).contains("Shutting down");
        release.countDown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(pool.toString()).contains("Terminated");
    }

    // ------------------------------------------------------------------ metrics

    @Test
    void metricsCountThreadsActiveQueuedCompletedAndRejected() throws Exception {
        FixedThreadPool pool = pool(2, 3, RejectionPolicy.ABORT);
        assertThat(pool.metrics()).isEqualTo(new FixedThreadPool.Metrics(0, 0, 0, 0, 0, 0));
        CountDownLatch release = occupyAllWorkers(pool, 2);
        for (int i = 0; i < 3; i++) {
            pool.execute(noop("queued " + i));
        }
        assertThatThrownBy(() -> pool.execute(noop("rejected"))).isInstanceOf(RejectedExecutionException.class);
        FixedThreadPool.Metrics busy = pool.metrics();
        assertThat(busy.threads()).isEqualTo(2);
        assertThat(busy.active()).isEqualTo(2);
        assertThat(busy.queued()).isEqualTo(3);
        assertThat(busy.completed()).isZero();
        assertThat(busy.rejected()).isEqualTo(1);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        FixedThreadPool.Metrics done = pool.metrics();
        assertThat(done.threads()).isZero();
        assertThat(done.active()).isZero();
        assertThat(done.queued()).isZero();
        assertThat(done.completed()).isEqualTo(5);
        assertThat(done.rejected()).isEqualTo(1);
    }

    @Test
    void queueWaitCoversAtLeastTheTimeATaskWaitedBehindABlockedWorker() throws Exception {
        FixedThreadPool pool = pool(1);
        CountDownLatch release = occupyAllWorkers(pool, 1);
        long waitBefore = pool.metrics().queueWaitNanos();
        pool.execute(noop("waits"));
        long queuedBy = System.nanoTime();
        pool.execute(noop("waits too")); // the test does some work before it releases the worker
        long releasedAt = System.nanoTime();
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(pool.metrics().queueWaitNanos() - waitBefore).isGreaterThanOrEqualTo(releasedAt - queuedBy);
    }

    @Test
    void toStringShowsStateSizeAndCounts() throws Exception {
        FixedThreadPool pool = pool(2, 10, RejectionPolicy.CALLER_RUNS);
        get(pool.submit(() -> "x"));
        pollUntil(() -> pool.metrics().completed() == 1, "the task to be counted");
        assertThat(pool.toString()).isEqualTo("FixedThreadPool[Running, threads=1/2, active=0, queued=0/10, "
                + "completed=1, rejected=0, policy=CALLER_RUNS]");
    }

    // ------------------------------------------------------------------ virtual threads

    @Test
    void virtualThreadWorkersRunThousandsOfTasksBlockedOnOneLatchAtOnce() throws Exception {
        int threads = 2_000;
        TrackingFactory factory = newFactory(Thread.ofVirtual().name("virtual-worker-", 1).factory());
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(threads).threadFactory(factory).build());
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            pool.execute(() -> {
                blocker(started, release).run();
                finished.incrementAndGet();
            });
        }
        await(started); // every task is blocked at once: each holds its own virtual worker
        assertThat(pool.metrics().active()).isEqualTo(threads);
        assertThat(factory.made).hasSize(threads).allMatch(Thread::isVirtual);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(finished).hasValue(threads);
        assertThat(factory.made).noneMatch(Thread::isAlive);
    }

    @Test
    void virtualThreadWorkersServeMoreTasksThanThreadsInWaves() throws Exception {
        int threads = 500;
        int tasks = 5_000;
        TrackingFactory factory = newFactory(Thread.ofVirtual().factory());
        FixedThreadPool pool = track(FixedThreadPool.builder().threads(threads).threadFactory(factory).build());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstWave = new CountDownLatch(threads);
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < tasks; i++) {
            pool.execute(() -> {
                blocker(firstWave, release).run();
                finished.incrementAndGet();
            });
        }
        await(firstWave);
        assertThat(pool.metrics().active()).isEqualTo(threads);
        assertThat(pool.metrics().queued()).isEqualTo(tasks - threads);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(finished).hasValue(tasks);
        assertThat(factory.made).hasSize(threads);
    }
}

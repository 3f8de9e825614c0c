package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static dev.interlock.testing.TestThreads.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak (well under a second per configuration): two submitters offer numbered tasks, by
 * {@code execute} and {@code submit} alternately, to a small bounded pool while tasks fail at
 * random, leave their thread interrupted, or park briefly, and a chaos thread interrupts random
 * workers; in the middle the controller calls {@code shutdown} or {@code shutdownNow}. Afterwards
 * every task must be exactly one of: run once (by a worker, or by its submitter under
 * {@code CALLER_RUNS}), returned by {@code shutdownNow}, rejected with an exception, or discarded by
 * the policy (a submitted task's {@code Future} is then cancelled; an executed one is simply never
 * seen again, and is counted). The counts and the checksums of the task ids must add up, the pool's
 * {@code rejected} metric must equal the rejections observed, and the pool must terminate.
 */
class FixedThreadPoolSoakTest {

    private static final int SUBMITTERS = 2;
    /** The pool's queue capacity: small, so that the rejection policies are exercised often. */
    private static final int CAPACITY = 16;
    /** Most task ids a run hands out (a bound on memory; a run normally uses a few tens of thousands). */
    private static final int TOTAL = 1 << 20;
    /** Tasks started before the controller shuts the pool down. */
    private static final int SHUT_DOWN_AFTER = 5_000;
    /** How long a "working" task parks, in nanoseconds (20 us): work that a shutdownNow may interrupt. */
    private static final long PARK_NANOS = 20_000;
    /** Offers each submitter still makes once it has seen the pool shut down. */
    private static final int OFFERS_AFTER_SHUTDOWN = 100;

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (RejectionPolicy policy : RejectionPolicy.values()) {
            for (boolean now : new boolean[] {false, true}) {
                all.add(Arguments.of(policy, now, policy.ordinal() % 2 == 1 && now)); // some on virtual threads
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}, shutdownNow={1}, virtual={2}")
    @MethodSource("configurations")
    void everyTaskIsRunOnceReturnedRejectedOrDiscardedAcrossAShutdown(RejectionPolicy policy, boolean shutdownNow,
                                                                     boolean virtual) throws Exception {
        List<Thread> workers = new CopyOnWriteArrayList<>();
        ThreadFactory base = virtual ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory();
        ThreadFactory factory = r -> {
            Thread t = base.newThread(r);
            t.setUncaughtExceptionHandler((thread, e) -> { }); // failures are expected; counted in the task
            workers.add(t);
            return t;
        };
        FixedThreadPool pool = FixedThreadPool.builder().threads(3).queueCapacity(CAPACITY).rejection(policy)
                .threadFactory(factory).build();

        AtomicIntegerArray runs = new AtomicIntegerArray(TOTAL);
        AtomicIntegerArray rejectedWithException = new AtomicIntegerArray(TOTAL);
        boolean[] offered = new boolean[TOTAL];                     // offered[id] written by id's submitter only
        Map<Future<?>, Integer> futures = new ConcurrentHashMap<>();  // submitted tasks' futures -> id
        Map<Runnable, Integer> executed = new ConcurrentHashMap<>();  // executed tasks -> id
        LongAdder ranSum = new LongAdder();
        LongAdder started = new LongAdder();
        LongAdder ranInCaller = new LongAdder();
        AtomicBoolean stopChaos = new AtomicBoolean();
        List<Runnable> returned = new CopyOnWriteArrayList<>();
        List<Thread> submitterThreads = new CopyOnWriteArrayList<>();
        CyclicBarrier go = new CyclicBarrier(SUBMITTERS + 1);
        AtomicInteger nextId = new AtomicInteger();
        CountDownLatch submittersDone = new CountDownLatch(SUBMITTERS);

        try (TestThreads threads = new TestThreads()) {
            for (int s = 0; s < SUBMITTERS; s++) {
                threads.start("submitter-" + s, () -> {
                    submitterThreads.add(Thread.currentThread());
                    go.await();
                    int afterShutdown = 0;
                    while (afterShutdown < OFFERS_AFTER_SHUTDOWN) {
                        int id = nextId.getAndIncrement();
                        if (id >= TOTAL) {
                            break;
                        }
                        if (pool.isShutdown()) {
                            afterShutdown++;
                        }
                        Runnable task = new Task(id, runs, ranSum, started, ranInCaller, submitterThreads);
                        offered[id] = true;
                        try {
                            if (id % 2 == 0) {
                                executed.put(task, id);
                                pool.execute(task);
                            } else {
                                futures.put(pool.submit(task), id);
                            }
                        } catch (RejectedExecutionException e) {
                            rejectedWithException.incrementAndGet(id);
                        } catch (Task.Failure e) {
                            // CALLER_RUNS ran a failing executed task in this thread: it ran, and threw here
                        }
                        if (pool.metrics().queued() >= CAPACITY) {
                            Thread.yield(); // pacing, not synchronisation: let the workers catch up
                        }
                    }
                    submittersDone.countDown();
                });
            }
            threads.start("chaos", () -> {
                SplittableRandom random = new SplittableRandom(7);
                while (!stopChaos.get()) {
                    if (!workers.isEmpty()) {
                        workers.get(random.nextInt(workers.size())).interrupt();
                    }
                    Thread.yield();
                }
            });
            go.await();
            // Shut down in the middle: with tasks started and (so that shutdownNow has some to return) queued.
            pollUntil(() -> started.sum() >= SHUT_DOWN_AFTER
                            && (pool.metrics().queued() >= CAPACITY / 2 || started.sum() >= 4L * SHUT_DOWN_AFTER)
                    || submittersDone.getCount() == 0, SHUT_DOWN_AFTER + " tasks started and half a queue");
            if (shutdownNow) {
                returned.addAll(pool.shutdownNow());
            } else {
                pool.shutdown();
            }
            assertThat(pool.awaitTermination(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS))
                    .as("terminated").isTrue();
            stopChaos.set(true);
        }
        assertThat(workers).noneMatch(Thread::isAlive);

        // Classify every task.
        Map<Object, Integer> returnedIds = new IdentityHashMap<>();
        for (Runnable r : returned) {
            Integer id = r instanceof Future<?> f ? futures.get(f) : executed.get(r);
            assertThat(id).as("returned task %s was offered", r).isNotNull();
            assertThat(returnedIds.put(r, id)).as("returned twice: %s", r).isNull();
        }
        boolean[] wasReturned = new boolean[TOTAL];
        returnedIds.values().forEach(id -> wasReturned[id] = true);
        boolean[] cancelled = new boolean[TOTAL];
        futures.forEach((f, id) -> cancelled[id] = f.isCancelled());

        long ran = 0;
        long returnedCount = 0;
        long rejectedCount = 0;
        long discardedSubmitted = 0;
        long discardedExecuted = 0;
        long offeredCount = 0;
        long offeredSum = 0;
        long accountedSum = 0;
        for (int id = 0; id < TOTAL; id++) {
            if (!offered[id]) {
                continue;
            }
            offeredCount++;
            offeredSum += id;
            int r = runs.get(id);
            int rejectedHere = rejectedWithException.get(id);
            assertThat(r).as("runs of task %d", id).isLessThanOrEqualTo(1);
            assertThat(rejectedHere).as("rejections of task %d", id).isLessThanOrEqualTo(1);
            int outcomes = r + rejectedHere + (wasReturned[id] ? 1 : 0);
            if (id % 2 == 1 && cancelled[id] && !wasReturned[id]) {
                discardedSubmitted++;
                outcomes++;
                assertThat(r).as("a discarded task %d never runs", id).isZero();
            }
            if (outcomes == 0) {
                assertThat(id % 2).as("task %d lost (only an executed task may vanish, by a discard)", id).isZero();
                assertThat(policy).as("task %d lost", id)
                        .isIn(RejectionPolicy.DISCARD, RejectionPolicy.DISCARD_OLDEST);
                discardedExecuted++;
                outcomes = 1;
            }
            assertThat(outcomes).as("outcomes of task %d", id).isEqualTo(1);
            ran += r;
            returnedCount += wasReturned[id] ? 1 : 0;
            rejectedCount += rejectedHere;
            accountedSum += id;
        }
        assertThat(ran).isEqualTo(runsTotal(runs));
        assertThat(ranSum.sum() + sumOf(returnedIds.values()) + sumRejected(rejectedWithException)
                + sumDiscarded(runs, rejectedWithException, wasReturned, offered))
                .as("checksum of the ids").isEqualTo(offeredSum).isEqualTo(accountedSum);
        assertThat(ran + returnedCount + rejectedCount + discardedSubmitted + discardedExecuted)
                .isEqualTo(offeredCount);
        if (!shutdownNow) {
            assertThat(returnedCount).isZero();
        }
        if (policy != RejectionPolicy.CALLER_RUNS) {
            assertThat(ranInCaller.sum()).isZero();
        }
        assertThat(pool.metrics().rejected()).as("the rejected metric")
                .isEqualTo(rejectedCount + discardedSubmitted + discardedExecuted + ranInCaller.sum());
        assertThat(pool.metrics().completed()).isEqualTo(ran - ranInCaller.sum());
        assertThat(rejectedCount).as("offers after shutdown are rejected").isGreaterThanOrEqualTo(
                nextId.get() < TOTAL ? SUBMITTERS * OFFERS_AFTER_SHUTDOWN : 0);
    }

    private static long runsTotal(AtomicIntegerArray runs) {
        long n = 0;
        for (int i = 0; i < runs.length(); i++) {
            n += runs.get(i);
        }
        return n;
    }

    private static long sumOf(Iterable<Integer> ids) {
        long s = 0;
        for (int id : ids) {
            s += id;
        }
        return s;
    }

    private static long sumRejected(AtomicIntegerArray rejected) {
        long s = 0;
        for (int i = 0; i < rejected.length(); i++) {
            s += (long) i * rejected.get(i);
        }
        return s;
    }

    /** Ids offered that neither ran, nor were returned, nor rejected with an exception: discarded. */
    private static long sumDiscarded(AtomicIntegerArray runs, AtomicIntegerArray rejected, boolean[] returned,
                                     boolean[] offered) {
        long s = 0;
        for (int i = 0; i < runs.length(); i++) {
            if (offered[i] && runs.get(i) == 0 && rejected.get(i) == 0 && !returned[i]) {
                s += i;
            }
        }
        return s;
    }

    /** A numbered task: counts its run, then, by its id, fails, interrupts itself, parks, or returns. */
    static final class Task implements Runnable {

        /** A task's deliberate failure. */
        static final class Failure extends RuntimeException {
            Failure(int id) {
                super("task " + id + " fails on purpose", null, false, false);
            }
        }

        private final int id;
        private final AtomicIntegerArray runs;
        private final LongAdder ranSum;
        private final LongAdder started;
        private final LongAdder ranInCaller;
        private final List<Thread> submitters;

        Task(int id, AtomicIntegerArray runs, LongAdder ranSum, LongAdder started, LongAdder ranInCaller,
             List<Thread> submitters) {
            this.id = id;
            this.runs = runs;
            this.ranSum = ranSum;
            this.started = started;
            this.ranInCaller = ranInCaller;
            this.submitters = submitters;
        }

        @Override
        public void run() {
            runs.incrementAndGet(id);
            ranSum.add(id);
            started.increment();
            if (submitters.contains(Thread.currentThread())) {
                ranInCaller.increment();
            }
            int kind = (int) ((id * 0x9E3779B97F4A7C15L) >>> 59); // 0..31, spread over ids
            if (kind < 3) {
                throw new Failure(id);
            } else if (kind < 5) {
                Thread.currentThread().interrupt();
            } else if (kind < 7) {
                LockSupport.parkNanos(PARK_NANOS);
            }
        }

        @Override
        public String toString() {
            return "task-" + id;
        }
    }
}

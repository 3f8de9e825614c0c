package dev.interlock.bench.exec;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.exec.WorkQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Producer-consumer hand-off through a work queue: each benchmark thread is a producer that submits a
 * batch of {@value #BATCH} items and waits until the consumers have handled all of them; there are as
 * many consumer threads as producers ({@code p1c1}: one and one; {@code p2c2}: two and two), and the
 * handler is trivial (it counts the item off its batch). Score: items per microsecond, summed over
 * the producers.
 *
 * <p>Implementations, all with capacity {@value #CAPACITY} and the same consumer count:
 * {@code WorkQueue} (ours); and the loop people write by hand, platform consumer threads running
 * {@code while (true) handler.accept(queue.take())} (with a try/catch so a failing handler does not
 * kill its thread, as WorkQueue guarantees) over an {@code ArrayBlockingQueue} (the same design: one
 * lock, two conditions, an array) or a {@code LinkedBlockingQueue} (two locks, linked nodes). The
 * peers have no close protocol: they stop by interrupt at the end of the trial, dropping whatever is
 * left (nothing, here); WorkQueue's stop-intake-then-drain is part of what is measured.
 *
 * <p>Why every iteration ends: an invocation waits only for its own batch, and the consumers run
 * until the trial's tear-down, so every batch is handled; a producer blocked on a full queue is
 * released by a consumer, which never waits for anything but items. The wait for the batch parks in
 * bounded slices, so a lost unpark (there should be none) would cost at most a millisecond.
 *
 * <p>Run: {@code ./interlock bench WorkQueueBench}. Read the ours/peer ratios, not the absolute
 * numbers: on the shared two-core machine 2p2c means four busy threads on two cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(WorkQueueBench.BATCH)
@Compare(ours = {"WorkQueue"}, peers = {"ArrayBlockingQueue", "LinkedBlockingQueue"})
@RatioTarget(benchmark = "p1c1", ours = "WorkQueue", peer = "ArrayBlockingQueue", atLeast = 1.0)
@RatioTarget(benchmark = "p2c2", ours = "WorkQueue", peer = "ArrayBlockingQueue", atLeast = 1.0)
public class WorkQueueBench {

    /** Capacity of every queue, in items: smaller than a batch, so producers do block. */
    static final int CAPACITY = 128;
    /** Items a producer submits per invocation; the operations of one invocation. */
    static final int BATCH = 1024;
    /** Longest single park of a producer waiting for its batch, in nanoseconds (1 ms). */
    static final long PARK_NANOS = 1_000_000L;

    @Param({"WorkQueue", "ArrayBlockingQueue", "LinkedBlockingQueue"})
    public String impl;

    private Sink sink;

    /** One producer's batch: every item is this object; the handler counts it down. */
    @State(Scope.Thread)
    public static class Batch {
        private final AtomicInteger remaining = new AtomicInteger();
        private Thread owner;

        @Setup(Level.Trial)
        public void setUp() {
            owner = Thread.currentThread();
        }

        /** The handler: one item of this batch handled; wakes the producer after the last. */
        void done() {
            if (remaining.decrementAndGet() == 0) {
                LockSupport.unpark(owner);
            }
        }

        void awaitDone() {
            while (remaining.get() != 0) {
                LockSupport.parkNanos(this, PARK_NANOS);
            }
        }
    }

    /** What a producer sees of each implementation. */
    interface Sink {
        void submit(Batch item) throws InterruptedException;

        void close() throws InterruptedException;
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        int consumers = params.getThreads(); // as many consumers as producers
        sink = switch (impl) {
            case "WorkQueue" -> new WorkQueueSink(consumers);
            case "ArrayBlockingQueue" -> new LoopSink(new ArrayBlockingQueue<>(CAPACITY), consumers);
            case "LinkedBlockingQueue" -> new LoopSink(new LinkedBlockingQueue<>(CAPACITY), consumers);
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sink.close();
    }

    @Benchmark
    @Threads(1)
    public void p1c1(Batch batch) throws InterruptedException {
        pushBatch(batch);
    }

    @Benchmark
    @Threads(2)
    public void p2c2(Batch batch) throws InterruptedException {
        pushBatch(batch);
    }

    private void pushBatch(Batch batch) throws InterruptedException {
        batch.remaining.set(BATCH);
        for (int i = 0; i < BATCH; i++) {
            sink.submit(batch);
        }
        batch.awaitDone();
    }

    /** Ours. */
    static final class WorkQueueSink implements Sink {
        private final WorkQueue<Batch> queue;

        WorkQueueSink(int consumers) {
            queue = WorkQueue.<Batch>builder(Batch::done).capacity(CAPACITY).consumers(consumers).build();
        }

        @Override
        public void submit(Batch item) throws InterruptedException {
            queue.submit(item);
        }

        @Override
        public void close() {
            queue.close();
        }
    }

    /** The peer: a JDK blocking queue drained by hand-written consumer loops. */
    static final class LoopSink implements Sink {
        private final BlockingQueue<Batch> queue;
        private final List<Thread> consumers = new ArrayList<>();

        LoopSink(BlockingQueue<Batch> queue, int count) {
            this.queue = queue;
            for (int i = 0; i < count; i++) {
                consumers.add(Thread.ofPlatform().name("loop-consumer-" + (i + 1)).start(this::consume));
            }
        }

        private void consume() {
            try {
                while (true) {
                    Batch item = queue.take();
                    try {
                        item.done();
                    } catch (RuntimeException e) {
                        Thread.currentThread().getUncaughtExceptionHandler()
                                .uncaughtException(Thread.currentThread(), e);
                    }
                }
            } catch (InterruptedException stop) {
                // end of the trial
            }
        }

        @Override
        public void submit(Batch item) throws InterruptedException {
            queue.put(item);
        }

        @Override
        public void close() throws InterruptedException {
            for (Thread t : consumers) {
                t.interrupt();
            }
            for (Thread t : consumers) {
                t.join();
            }
        }
    }
}

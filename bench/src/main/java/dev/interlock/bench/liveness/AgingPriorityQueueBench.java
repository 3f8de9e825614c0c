package dev.interlock.bench.liveness;

import dev.interlock.bench.Compare;
import dev.interlock.liveness.AgingPriorityQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One offer and one poll, with a random priority of 10, on a queue that holds about
 * {@value #PREFILL} elements, by 1 and by 2 threads: {@link AgingPriorityQueue} against the JDK's
 * {@link PriorityBlockingQueue} of (element, priority, sequence) entries, the stable priority queue
 * without aging.
 *
 * <p>What to expect: both are a binary heap under one {@code ReentrantLock}. Aging costs
 * {@code AgingPriorityQueue} a clock read ({@code System.nanoTime()}) and a multiplication per offer,
 * no work per element over time (its keys are static: see its implementation notes). No target: this
 * measures the price of aging, which should be a few percent, and guards against a regression.
 *
 * <p>Run: {@code ./interlock bench AgingPriorityQueueBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"AgingPriorityQueue"}, peers = {"PriorityBlockingQueue"})
public class AgingPriorityQueueBench {

    /** Elements in the queue while the benchmark runs. */
    static final int PREFILL = 1_000;
    /** Priorities are drawn from [0, PRIORITIES). */
    static final int PRIORITIES = 10;

    @Param({"AgingPriorityQueue", "PriorityBlockingQueue"})
    public String impl;

    private Ops ops;

    /** One offer-poll pair behind one interface. */
    interface Ops {
        void offer(Integer e, int priority);

        Integer poll();
    }

    /** The JDK peer's element: priority first, then arrival order, as a stable priority queue. */
    record Prioritised(Integer element, int priority, long seq) {
        static final Comparator<Prioritised> ORDER = Comparator.<Prioritised>comparingInt(p -> p.priority()).reversed()
                .thenComparingLong(Prioritised::seq);
    }

    @Setup
    public void setUp() {
        ops = switch (impl) {
            case "AgingPriorityQueue" -> {
                AgingPriorityQueue<Integer> q = new AgingPriorityQueue<>(Duration.ofMillis(1));
                yield new Ops() {
                    @Override
                    public void offer(Integer e, int priority) {
                        q.offer(e, priority);
                    }

                    @Override
                    public Integer poll() {
                        return q.poll();
                    }
                };
            }
            case "PriorityBlockingQueue" -> {
                PriorityBlockingQueue<Prioritised> q = new PriorityBlockingQueue<>(PREFILL * 2, Prioritised.ORDER);
                AtomicLong seq = new AtomicLong();
                yield new Ops() {
                    @Override
                    public void offer(Integer e, int priority) {
                        q.offer(new Prioritised(e, priority, seq.getAndIncrement()));
                    }

                    @Override
                    public Integer poll() {
                        Prioritised p = q.poll();
                        return p == null ? null : p.element();
                    }
                };
            }
            default -> throw new IllegalArgumentException(impl);
        };
        for (int i = 0; i < PREFILL; i++) {
            ops.offer(i, i % PRIORITIES);
        }
    }

    @Benchmark
    @Threads(1)
    public Integer offerPoll1() {
        ops.offer(42, ThreadLocalRandom.current().nextInt(PRIORITIES));
        return ops.poll();
    }

    @Benchmark
    @Threads(2)
    public Integer offerPoll2() {
        ops.offer(42, ThreadLocalRandom.current().nextInt(PRIORITIES));
        return ops.poll();
    }
}

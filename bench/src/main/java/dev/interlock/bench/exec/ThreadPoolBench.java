package dev.interlock.bench.exec;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.exec.FixedThreadPool;
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

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tiny tasks through a pool of {@code threads} workers, submitted by one thread: {@code submitAndWait}
 * submits one task and waits for its {@code Future} (the latency of a hand-off to an idle worker and
 * back), {@code batch1000} submits {@value #BATCH} tasks and then waits for all of them (throughput of
 * the queue under a producer and busy workers; the score counts tasks). Peers: the JDK's
 * {@code ThreadPoolExecutor} configured as {@code Executors.newFixedThreadPool} (same threads, an
 * unbounded {@code LinkedBlockingQueue}) and a {@code ForkJoinPool} of the same parallelism (work
 * stealing; external submissions go to a shared submission queue).
 *
 * <p>Target: {@code FixedThreadPool} at least 1.0x {@code ThreadPoolExecutor} on both. Every pool's
 * threads are started before measuring (one warm batch in the set-up), so neither pays thread
 * creation. Each {@code get} has a generous timeout so that a broken pool fails the run instead of
 * hanging it.
 *
 * <p>Run: {@code ./interlock bench ThreadPoolBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"FixedThreadPool"}, peers = {"ThreadPoolExecutor", "ForkJoinPool"})
@RatioTarget(benchmark = "submitAndWait", ours = "FixedThreadPool", peer = "ThreadPoolExecutor", atLeast = 1.0)
@RatioTarget(benchmark = "batch1000", ours = "FixedThreadPool", peer = "ThreadPoolExecutor", atLeast = 1.0)
public class ThreadPoolBench {

    /** Tasks per {@code batch1000} invocation. */
    static final int BATCH = 1_000;
    /** Longest wait for one task's result, in seconds: only a broken pool takes it. */
    static final long GET_TIMEOUT_SECONDS = 10;

    /** The task: a few nanoseconds of arithmetic on a value the JIT cannot fold. */
    private static final Callable<Long> TINY = new Callable<>() {
        private long seed = 0x9E3779B97F4A7C15L; // not final: the JIT cannot fold the result

        @Override
        public Long call() {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            return x ^ (x << 17);
        }
    };

    @Param({"FixedThreadPool", "ThreadPoolExecutor", "ForkJoinPool"})
    public String impl;

    /** Worker threads in every pool. */
    @Param({"2"})
    public int threads;

    private ExecutorService executor;
    @SuppressWarnings("unchecked")
    private final Future<Long>[] batch = (Future<Long>[]) new Future<?>[BATCH];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        executor = switch (impl) {
            case "FixedThreadPool" -> new FixedThreadPool(threads);
            case "ThreadPoolExecutor" -> new ThreadPoolExecutor(threads, threads, 0L, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>());
            case "ForkJoinPool" -> new ForkJoinPool(threads);
            default -> throw new IllegalArgumentException(impl);
        };
        batch1000(); // starts every worker thread
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(GET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(impl + " did not terminate");
        }
    }

    @Benchmark
    @Threads(1)
    public long submitAndWait() throws InterruptedException, ExecutionException, TimeoutException {
        return executor.submit(TINY).get(GET_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BATCH)
    public long batch1000() throws InterruptedException, ExecutionException, TimeoutException {
        for (int i = 0; i < BATCH; i++) {
            batch[i] = executor.submit(TINY);
        }
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += batch[i].get(GET_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            batch[i] = null;
        }
        return sum;
    }
}

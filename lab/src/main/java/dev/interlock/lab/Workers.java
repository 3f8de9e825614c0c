package dev.interlock.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs a group of named worker threads released together, and waits for them within a time box.
 *
 * <p>Experiments use it so that every run ends: workers still running when the time box expires are
 * interrupted, and the result says so. Not reusable across runs; thread-safe for its one caller.
 */
public final class Workers {

    /** A worker's body; {@code index} runs from 0 to {@code count - 1}. */
    @FunctionalInterface
    public interface Body {
        void run(int index) throws Exception;
    }

    /**
     * How a group's run ended.
     *
     * @param elapsedNanos  from the release of the workers to the last one's end (or the time box)
     * @param finished      whether every worker returned within the time box
     * @param stragglers    workers still alive after the time box and the interrupt grace period
     * @param firstFailure  the first exception a worker threw (other than the interrupt the lab sent
     *                      after the time box), or null
     */
    public record Result(long elapsedNanos, boolean finished, int stragglers, Throwable firstFailure) {
        public long elapsedMillis() {
            return elapsedNanos / 1_000_000L;
        }
    }

    /** How long interrupted stragglers get to finish before the run is reported without them. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private Workers() {
    }

    /** Runs {@code count} platform threads named {@code prefix + (index + 1)}. */
    public static Result run(String prefix, int count, Duration timeBox, Body body) throws InterruptedException {
        return run(prefix, count, timeBox, Thread.ofPlatform().factory(), body);
    }

    /** Runs {@code count} threads from {@code factory}, named {@code prefix + (index + 1)}. */
    public static Result run(String prefix, int count, Duration timeBox, ThreadFactory factory, Body body)
            throws InterruptedException {
        return run(index -> prefix + (index + 1), count, timeBox, factory, body);
    }

    /** Runs {@code count} threads from {@code factory}, thread {@code index} named {@code names.apply(index)}. */
    public static Result run(IntFunction<String> names, int count, Duration timeBox, ThreadFactory factory,
                             Body body) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            Thread t = factory.newThread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    body.run(index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
            t.setName(names.apply(i));
            threads.add(t);
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        boolean finished = done.await(timeBox.toNanos(), TimeUnit.NANOSECONDS);
        long elapsed = System.nanoTime() - start;
        int stragglers = 0;
        if (!finished) {
            threads.forEach(Thread::interrupt);
            long deadline = System.nanoTime() + GRACE.toNanos();
            for (Thread t : threads) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (t.isAlive()) {
                    stragglers++;
                }
            }
        }
        return new Result(elapsed, finished, stragglers, failure.get());
    }
}

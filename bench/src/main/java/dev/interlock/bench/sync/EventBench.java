package dev.interlock.bench.sync;

import dev.interlock.bench.Compare;
import dev.interlock.sync.Event;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The fast paths of a raised flag, read by 2 threads: {@code await()} on a set {@link Event} against
 * {@code await()} on a {@code CountDownLatch(0)}, and {@code isSet()} against {@code getCount() == 0}.
 * No target: both are a volatile read (plus an interrupt check for await); this only guards against
 * a regression that would make the Event's fast path slower than the latch's.
 *
 * <p>Run: {@code ./interlock bench EventBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"Event"}, peers = {"CountDownLatch"})
public class EventBench {

    @Param({"Event", "CountDownLatch"})
    public String impl;

    private Flag flag;

    /** A raised flag behind one interface. */
    interface Flag {
        void await() throws InterruptedException;

        boolean isSet();
    }

    @Setup
    public void setUp() {
        flag = switch (impl) {
            case "Event" -> {
                Event e = new Event();
                e.set();
                yield new Flag() {
                    @Override
                    public void await() throws InterruptedException {
                        e.await();
                    }

                    @Override
                    public boolean isSet() {
                        return e.isSet();
                    }
                };
            }
            case "CountDownLatch" -> {
                CountDownLatch latch = new CountDownLatch(0);
                yield new Flag() {
                    @Override
                    public void await() throws InterruptedException {
                        latch.await();
                    }

                    @Override
                    public boolean isSet() {
                        return latch.getCount() == 0;
                    }
                };
            }
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(2)
    public void awaitWhenSet() throws InterruptedException {
        flag.await();
    }

    @Benchmark
    @Threads(2)
    public boolean isSet() {
        return flag.isSet();
    }
}

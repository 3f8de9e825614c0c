package dev.interlock.bench.sync;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.sync.ObjectPool;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * One acquire + release round trip on a pool of {@value #SIZE} objects shared by 1 and 2 threads (the
 * pool is never exhausted: this measures the fast path, not waiting). Peer: commons-pool2's
 * {@code GenericObjectPool} ({@code borrowObject}/{@code returnObject}), configured to match: the same
 * maximum, objects kept idle, blocking when exhausted, LIFO, no validation, no JMX. It is left
 * unfair (its default, and its faster mode); ours is always FIFO-fair, which costs nothing here
 * because nobody waits.
 *
 * <p>Target: ours at least 2x commons-pool2 at 1 and 2 threads.
 *
 * <p>Run: {@code ./interlock bench ObjectPoolBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"ObjectPool"}, peers = {"commons-pool2"})
@RatioTarget(benchmark = "roundTrip1", ours = "ObjectPool", peer = "commons-pool2", atLeast = 2.0)
@RatioTarget(benchmark = "roundTrip2", ours = "ObjectPool", peer = "commons-pool2", atLeast = 2.0)
public class ObjectPoolBench {

    /** Objects in the pool. */
    static final int SIZE = 4;

    @Param({"ObjectPool", "commons-pool2"})
    public String impl;

    private Pool pool;

    /** The pooled object: a stand-in for a connection. */
    public static final class Conn {
        long uses;
    }

    /** The two pools behind one interface; borrow returns a handle to give back. */
    interface Pool {
        Object borrow() throws Exception;

        Conn object(Object handle);

        void giveBack(Object handle);

        void close();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pool = switch (impl) {
            case "ObjectPool" -> new Ours();
            case "commons-pool2" -> new Commons();
            default -> throw new IllegalArgumentException(impl);
        };
        // Create every object up front so both measure reuse, not creation.
        Object[] handles = new Object[SIZE];
        for (int i = 0; i < SIZE; i++) {
            handles[i] = pool.borrow();
        }
        for (Object h : handles) {
            pool.giveBack(h);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    @Threads(1)
    public long roundTrip1() throws Exception {
        return roundTrip();
    }

    @Benchmark
    @Threads(2)
    public long roundTrip2() throws Exception {
        return roundTrip();
    }

    private long roundTrip() throws Exception {
        Object handle = pool.borrow();
        try {
            return ++pool.object(handle).uses;
        } finally {
            pool.giveBack(handle);
        }
    }

    static final class Ours implements Pool {
        private final ObjectPool<Conn> pool = new ObjectPool<>(SIZE, Conn::new);

        @Override
        public Object borrow() throws InterruptedException {
            return pool.acquire();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Conn object(Object handle) {
            return ((ObjectPool.Lease<Conn>) handle).get();
        }

        @Override
        public void giveBack(Object handle) {
            ((ObjectPool.Lease<?>) handle).close();
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    static final class Commons implements Pool {
        private final GenericObjectPool<Conn> pool;

        Commons() {
            GenericObjectPoolConfig<Conn> config = new GenericObjectPoolConfig<>();
            config.setMaxTotal(SIZE);
            config.setMaxIdle(SIZE);
            config.setMinIdle(0);
            config.setBlockWhenExhausted(true);
            config.setLifo(true);
            config.setFairness(false);
            config.setTestOnBorrow(false);
            config.setTestOnReturn(false);
            config.setTestWhileIdle(false);
            config.setJmxEnabled(false);
            pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
                @Override
                public Conn create() {
                    return new Conn();
                }

                @Override
                public PooledObject<Conn> wrap(Conn conn) {
                    return new DefaultPooledObject<>(conn);
                }
            }, config);
        }

        @Override
        public Object borrow() throws Exception {
            return pool.borrowObject();
        }

        @Override
        public Conn object(Object handle) {
            return (Conn) handle;
        }

        @Override
        public void giveBack(Object handle) {
            pool.returnObject((Conn) handle);
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}

package dev.interlock.stress.sync;

import dev.interlock.sync.ObjectPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link ObjectPool} on the real memory model: the bound holds when acquires race, an object returned
 * by one thread reaches the next holder with its plain fields as the returner left them, and a blocked
 * acquire is released both by a returned lease and by closing the pool, and a return racing
 * {@code close()} closes each object exactly once.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t ObjectPoolStress -m quick}
 */
public final class ObjectPoolStress {

    private ObjectPoolStress() {
    }

    /** A pooled object with plain fields, written by one holder and read by the next. */
    public static final class Conn {
        int a;
        int b;
    }

    /** 1 if a zero-timeout acquire got a lease (kept open), else 0. */
    static int tryTake(ObjectPool<Conn> pool) {
        try {
            return pool.tryAcquire(Duration.ZERO).isPresent() ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static ObjectPool.Lease<Conn> take(ObjectPool<Conn> pool) {
        try {
            return pool.acquire();
        } catch (InterruptedException e) {
            throw new IllegalStateException("jcstress interrupted the set-up", e);
        }
    }

    /** Pool of 1: two actors race a zero-timeout acquire and keep what they get; the arbiter counts leases. */
    @JCStressTest
    @Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE, desc = "Exactly one actor holds the only object.")
    @Outcome(id = {"1, 1, 1", "1, 1, 2"}, expect = FORBIDDEN, desc = "Both hold it: the bound was broken.")
    @Outcome(id = {"0, 0, 0", "0, 0, 1"}, expect = FORBIDDEN, desc = "Neither got the free object: a count was lost.")
    @Outcome(expect = FORBIDDEN, desc = "leased() disagrees with the leases handed out.")
    @State
    public static class AtMostMaxSize {
        final ObjectPool<Conn> pool = new ObjectPool<>(1, Conn::new);

        @Actor
        public void actor1(III_Result r) {
            r.r1 = tryTake(pool);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = tryTake(pool);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = pool.leased();
        }
    }

    /**
     * Pool of 2 with one lease taken in the set-up: two actors race for the last object (three actors
     * would need three CPUs, which jcstress requires and a 2-core machine does not have).
     */
    @JCStressTest
    @Outcome(id = {"1, 0, 2", "0, 1, 2"}, expect = ACCEPTABLE, desc = "Exactly one actor gets the last object.")
    @Outcome(id = {"1, 1, 2", "1, 1, 3"}, expect = FORBIDDEN, desc = "Both get one: three leases of two objects.")
    @Outcome(expect = FORBIDDEN, desc = "The free object was refused, or leased() disagrees.")
    @State
    public static class LastOfTwo {
        final ObjectPool<Conn> pool = new ObjectPool<>(2, Conn::new);
        final ObjectPool.Lease<Conn> held = take(pool);

        @Actor
        public void actor1(III_Result r) {
            r.r1 = tryTake(pool);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = tryTake(pool);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = pool.leased();
        }
    }

    /**
     * Pool of 1 whose object is leased in the set-up. The returner writes the object's plain fields and
     * closes the lease; the taker, if it gets the object, must see both writes.
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The taker came before the return: no object.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The taker got the object with the returner's writes.")
    @Outcome(expect = FORBIDDEN, desc = "The taker got the object without the returner's writes.")
    @State
    public static class ReturnPublishesWrites {
        final ObjectPool<Conn> pool = new ObjectPool<>(1, Conn::new);
        final ObjectPool.Lease<Conn> held = take(pool);

        @Actor
        public void returner() {
            Conn c = held.get();
            c.a = 1;
            c.b = 2;
            held.close();
        }

        @Actor
        public void taker(II_Result r) {
            try {
                var lease = pool.tryAcquire(Duration.ZERO);
                if (lease.isPresent()) {
                    Conn c = lease.get().get();
                    r.r1 = c.a;
                    r.r2 = c.b;
                } else {
                    r.r1 = -1;
                    r.r2 = -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A pooled object that counts how often it is closed. */
    public static final class Closeable implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /**
     * Pool of 2: one object idle and one leased in the set-up. One actor returns the lease while the
     * other closes the pool. Whichever wins, each object is closed exactly once (the idle one by
     * close(), the returned one by close() or by the returner) and nothing stays leased.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "Both objects closed once; nothing leased.")
    @Outcome(expect = FORBIDDEN, desc = "An object closed twice or never, or the lease count is wrong.")
    @State
    public static class CloseRacingReturn {
        final ObjectPool<Closeable> pool = new ObjectPool<>(2, Closeable::new);
        final ObjectPool.Lease<Closeable> idle = takeCloseable(pool);
        final ObjectPool.Lease<Closeable> held = takeCloseable(pool);
        final Closeable idleObject = idle.get();
        final Closeable heldObject = held.get();

        {
            idle.close();
        }

        @Actor
        public void returner() {
            held.close();
        }

        @Actor
        public void closer() {
            pool.close();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = idleObject.closes.get();
            r.r2 = heldObject.closes.get();
            r.r3 = pool.leased();
        }
    }

    static ObjectPool.Lease<Closeable> takeCloseable(ObjectPool<Closeable> pool) {
        try {
            return pool.acquire();
        } catch (InterruptedException e) {
            throw new IllegalStateException("jcstress interrupted the set-up", e);
        }
    }

    /** A thread blocked in acquire() on an exhausted pool is released by a returned lease. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The returned object woke the waiter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter missed the return and stayed blocked.")
    @State
    public static class ReturnReleasesWaiter {
        final ObjectPool<Conn> pool = new ObjectPool<>(1, Conn::new);
        final ObjectPool.Lease<Conn> held = take(pool);

        @Actor
        public void waiter() {
            try {
                pool.acquire().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // jcstress interrupts a stale actor
            }
        }

        @Signal
        public void giveBack() {
            held.close();
        }
    }

    /** A thread blocked in acquire() on an exhausted pool is released, with IllegalStateException, by close(). */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "close() woke the waiter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter missed the close and stayed blocked.")
    @State
    public static class CloseReleasesWaiter {
        final ObjectPool<Conn> pool = new ObjectPool<>(1, Conn::new);
        final ObjectPool.Lease<Conn> held = take(pool);

        @Actor
        public void waiter() {
            try {
                pool.acquire().close();
            } catch (IllegalStateException closed) {
                // expected: the pool was closed while (or before) this thread waited
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // jcstress interrupts a stale actor
            }
        }

        @Signal
        public void close() {
            pool.close();
        }
    }
}

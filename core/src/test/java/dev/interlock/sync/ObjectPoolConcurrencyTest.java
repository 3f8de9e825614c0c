package dev.interlock.sync;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ObjectPool} under many threads: the bound holds inside the critical section, no object is
 * lent twice at once, nothing leaks, close during traffic leaves everything closed.
 */
class ObjectPoolConcurrencyTest {

    /** An object that detects being held by two threads at once. */
    static final class Exclusive implements AutoCloseable {
        final AtomicBoolean held = new AtomicBoolean();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /** Counts holders inside the critical section and remembers the most seen at once. */
    static final class Occupancy {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final AtomicLong violations = new AtomicLong();

        void enter(ObjectPool<Exclusive> pool, Exclusive object) {
            int holders = now.incrementAndGet();
            max.accumulateAndGet(holders, Math::max);
            if (!object.held.compareAndSet(false, true) || holders > pool.maxSize()
                    || pool.leased() > pool.maxSize()) {
                violations.incrementAndGet();
            }
        }

        void exit(Exclusive object) {
            object.held.set(false);
            now.decrementAndGet();
        }
    }

    @Test
    void leasedNeverExceedsMaxSizeUnderManyThreads() throws Exception {
        int maxSize = 3;
        int threads = 8;
        int perThread = 5_000;
        AtomicInteger created = new AtomicInteger();
        ObjectPool<Exclusive> pool = new ObjectPool<>(maxSize, () -> {
            created.incrementAndGet();
            return new Exclusive();
        });
        Occupancy occupancy = new Occupancy();
        AtomicLong timeouts = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int flavour = t % 3;
                group.start("soak-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Optional<ObjectPool.Lease<Exclusive>> got = switch (flavour) {
                            case 0 -> Optional.of(pool.acquire());
                            case 1 -> pool.tryAcquire(Duration.ZERO);
                            default -> pool.tryAcquire(Duration.ofNanos(ThreadLocalRandom.current().nextInt(50_000)));
                        };
                        if (got.isEmpty()) {
                            timeouts.incrementAndGet();
                            continue;
                        }
                        try (var lease = got.get()) {
                            occupancy.enter(pool, lease.get());
                            Thread.onSpinWait();
                            occupancy.exit(lease.get());
                        }
                    }
                });
            }
        }
        assertThat(occupancy.violations).hasValue(0);
        assertThat(occupancy.max.get()).isBetween(1, maxSize);
        assertThat(created.get()).isBetween(1, maxSize);
        assertThat(pool.leased()).isZero();
        assertThat(pool.leases()).isEmpty();
    }

    @Test
    void factoryFailuresUnderContentionLeakNoSlot() throws Exception {
        int maxSize = 2;
        AtomicInteger alive = new AtomicInteger();
        AtomicBoolean flaky = new AtomicBoolean(true);
        ObjectPool<Exclusive> pool = new ObjectPool<>(maxSize, () -> {
            if (flaky.get() && ThreadLocalRandom.current().nextInt(3) == 0) {
                throw new IllegalStateException("flaky connect");
            }
            alive.incrementAndGet();
            return new Exclusive();
        });
        Occupancy occupancy = new Occupancy();
        AtomicLong failures = new AtomicLong();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("flaky-" + t, () -> {
                    start.await();
                    for (int i = 0; i < 2_000; i++) {
                        ObjectPool.Lease<Exclusive> lease;
                        try {
                            lease = pool.acquire();
                        } catch (IllegalStateException e) {
                            failures.incrementAndGet();
                            continue;
                        }
                        try (lease) {
                            occupancy.enter(pool, lease.get());
                            occupancy.exit(lease.get());
                        }
                    }
                });
            }
        }
        assertThat(occupancy.violations).hasValue(0);
        assertThat(pool.leased()).isZero();
        assertThat(alive.get()).isBetween(1, maxSize);
        // Every slot is still usable: maxSize leases at once (creating what the failures did not).
        flaky.set(false);
        var a = pool.acquire();
        var b = pool.acquire();
        assertThat(a.get()).isNotSameAs(b.get());
        a.close();
        b.close();
    }

    @Test
    void closeDuringTrafficClosesEveryObjectExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            java.util.List<Exclusive> made = new java.util.concurrent.CopyOnWriteArrayList<>();
            ObjectPool<Exclusive> pool = new ObjectPool<>(2, () -> {
                Exclusive e = new Exclusive();
                made.add(e);
                return e;
            });
            int threads = 4;
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            try (TestThreads group = new TestThreads()) {
                for (int t = 0; t < threads; t++) {
                    group.start("user-" + t, () -> {
                        start.await();
                        while (true) {
                            try (var lease = pool.acquire()) {
                                lease.get().held.set(true);
                            } catch (IllegalStateException closed) {
                                return;
                            }
                        }
                    });
                }
                start.await();
                Thread.yield();
                pool.close();
            }
            assertThat(pool.leased()).isZero();
            assertThat(made).allSatisfy(e -> assertThat(e.closes).hasValue(1));
        }
    }

    @Test
    void hundredsOfVirtualThreadsShareAPoolOfTwo() throws Exception {
        ObjectPool<Exclusive> pool = new ObjectPool<>(2, Exclusive::new);
        Occupancy occupancy = new Occupancy();
        AtomicInteger done = new AtomicInteger();
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 200; t++) {
                group.startVirtual("v-" + t, () -> {
                    for (int i = 0; i < 20; i++) {
                        try (var lease = pool.acquire()) {
                            occupancy.enter(pool, lease.get());
                            Thread.yield(); // a virtual thread unmounts here while it holds the lease
                            occupancy.exit(lease.get());
                        }
                    }
                    done.incrementAndGet();
                });
            }
        }
        assertThat(done).hasValue(200);
        assertThat(occupancy.violations).hasValue(0);
        assertThat(occupancy.max.get()).isBetween(1, 2);
        assertThat(pool.leased()).isZero();
    }

    @Test
    void virtualThreadsBlockedOnAnEmptyPoolAreWokenByClose() throws Exception {
        ObjectPool<Exclusive> pool = new ObjectPool<>(1, Exclusive::new);
        var held = pool.acquire();
        AtomicInteger refused = new AtomicInteger();
        try (TestThreads group = new TestThreads()) {
            java.util.List<Thread> waiters = new java.util.ArrayList<>();
            for (int t = 0; t < 100; t++) {
                waiters.add(group.startVirtual("v-" + t, () -> {
                    try {
                        pool.acquire().close();
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                    }
                }));
            }
            waiters.forEach(w -> TestThreads.awaitBlockedOn(w, pool.blockerForTests()));
            pool.close();
        }
        assertThat(refused).hasValue(100);
        held.close();
        assertThat(pool.leased()).isZero();
    }
}

package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.CheckThenActPool;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.sync.ObjectPool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The guide's connection pool: N workers share K connections and must never hold more than K at once.
 * The check-then-act pool lets several workers through the same "is there room?" check and hands out
 * more than K; {@link ObjectPool} takes the count and the check in one step and never does. Then a
 * leak: one worker keeps its connection, another's timed acquire fails, and the pool's diagnostics
 * name the holder and how long it has held the lease.
 */
public final class ConnectionPoolExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 8;
    private static final int DEFAULT_SIZE = 2;
    private static final int DEFAULT_OPS = 300;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** Simulated time to open a connection: the network handshake that widens the broken pool's window. */
    private static final long CONNECT_NANOS = 200_000;
    /** Simulated query while a connection is held: one short round trip. */
    private static final long QUERY_NANOS = 20_000;
    /** How long the worker facing the leaked connection waits before giving up. */
    private static final Duration LEAK_TIMEOUT = Duration.ofMillis(100);

    /** A simulated connection; its id makes traces readable. */
    static final class Connection {
        final int id;

        Connection(int id) {
            this.id = id;
        }

        void query() {
            LockSupport.parkNanos(QUERY_NANOS);
        }

        @Override
        public String toString() {
            return "conn-" + id;
        }
    }

    /** Opens simulated connections, numbered from 1, counting them. */
    static final class Connector {
        final AtomicInteger opened = new AtomicInteger();

        Connection open() {
            LockSupport.parkNanos(CONNECT_NANOS);
            return new Connection(opened.incrementAndGet());
        }
    }

    /** Holders inside the critical section now, and the most seen at once. */
    static final class Occupancy {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();

        void enter() {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        void exit() {
            now.decrementAndGet();
        }
    }

    @Override
    public String name() {
        return "connection-pool";
    }

    @Override
    public String summary() {
        return "a check-then-act pool hands out more connections than it has; ObjectPool never does, "
                + "and names who holds them when an acquire times out";
    }

    @Override
    public String optionsHelp() {
        return "--threads workers (" + DEFAULT_THREADS + "), --size connections in the pool (" + DEFAULT_SIZE
                + "), --ops acquisitions per worker (" + DEFAULT_OPS + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int size = settings.size(settings.tracing() ? 1 : DEFAULT_SIZE);
        int ops = settings.ops(settings.tracing() ? 2 : DEFAULT_OPS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        tracer.phase("check-then-act (broken)");
        variants.add(checkThenAct(threads, size, ops, timeBox, tracer));
        tracer.phase("ObjectPool");
        variants.add(objectPool(threads, size, ops, timeBox, tracer));
        List<String> leakNotes = new ArrayList<>();
        tracer.phase("ObjectPool, leaked lease");
        variants.add(leak(timeBox, tracer, leakNotes));

        List<String> notes = new ArrayList<>(List.of(
                "check-then-act (broken): \"fewer than " + size + " out?\", then take, then count. Workers that",
                "check at once all see room (opening a connection holds the window open): more than " + size,
                "held at once, more than " + size + " opened. ObjectPool takes its count with one CAS, only while",
                "below the limit: max holders, counted inside the critical section, stays <= " + size + ".",
                "leaked lease: a pool of one connection; worker-1 keeps it, worker-2 waits " + LEAK_TIMEOUT.toMillis()
                        + " ms,",
                "and its TimeoutException names the holder:"));
        leakNotes.forEach(line -> notes.add("  " + line));
        return new Report(name(), "workers=" + threads + ", connections=" + size + ", acquisitions per worker=" + ops,
                variants, notes);
    }

    private Variant checkThenAct(int threads, int size, int ops, Duration timeBox, Tracer tracer)
            throws InterruptedException {
        Connector connector = new Connector();
        CheckThenActPool<Connection> pool = new CheckThenActPool<>(size, connector::open);
        Occupancy occupancy = new Occupancy();
        String target = "CheckThenActPool";
        Workers.Result result = Workers.run("worker-", threads, timeBox, index -> {
            for (int i = 0; i < ops; i++) {
                tracer.send(target, "acquire");
                Connection c = pool.acquire();
                occupancy.enter();
                if (tracer.enabled()) {
                    tracer.reply(target, "lease " + c + " (" + occupancy.now.get() + " held)");
                }
                c.query();
                occupancy.exit();
                if (tracer.enabled()) {
                    tracer.send(target, "release " + c);
                }
                pool.release(c);
            }
        });
        int max = occupancy.max.get();
        Verdict verdict;
        if (max > size || connector.opened.get() > size) {
            verdict = Verdict.BROKEN;
        } else {
            verdict = Verdict.INCONCLUSIVE; // the race did not hit this time (or could not: workers <= size)
        }
        return metrics("check-then-act (broken)", size, max, connector.opened.get(), (long) threads * ops, -1, result)
                .verdict(verdict);
    }

    private Variant objectPool(int threads, int size, int ops, Duration timeBox, Tracer tracer)
            throws InterruptedException {
        Connector connector = new Connector();
        Occupancy occupancy = new Occupancy();
        AtomicInteger waited = new AtomicInteger();
        AtomicInteger overLimit = new AtomicInteger();
        String target = "ObjectPool";
        Workers.Result result;
        try (ObjectPool<Connection> pool = new ObjectPool<>(size, connector::open)) {
            result = Workers.run("worker-", threads, timeBox, index -> {
                for (int i = 0; i < ops; i++) {
                    tracer.send(target, "acquire");
                    ObjectPool.Lease<Connection> free = pool.tryAcquire(Duration.ZERO).orElse(null);
                    if (free == null) {
                        waited.incrementAndGet();
                        tracer.note("blocked: all " + size + " leased");
                    }
                    try (var lease = free != null ? free : pool.acquire()) {
                        Connection c = lease.get();
                        occupancy.enter();
                        if (pool.leased() > size) {
                            overLimit.incrementAndGet();
                        }
                        if (tracer.enabled()) {
                            tracer.reply(target, "lease " + c + " (" + occupancy.now.get() + " held)");
                        }
                        c.query();
                        occupancy.exit();
                        if (tracer.enabled()) {
                            tracer.send(target, "release " + c);
                        }
                    }
                }
            });
        }
        int max = occupancy.max.get();
        Verdict verdict;
        if (result.firstFailure() != null || max > size || connector.opened.get() > size || overLimit.get() > 0) {
            verdict = Verdict.BROKEN;
        } else if (!result.finished()) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            verdict = Verdict.CORRECT;
        }
        return metrics("ObjectPool", size, max, connector.opened.get(), (long) threads * ops, waited.get(), result)
                .verdict(verdict);
    }

    /** worker-1 leaks the only connection; worker-2's timed acquire fails and names it. */
    private Variant leak(Duration timeBox, Tracer tracer, List<String> notes) throws InterruptedException {
        Connector connector = new Connector();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        AtomicReference<TimeoutException> timeout = new AtomicReference<>();
        AtomicReference<List<ObjectPool.LeaseInfo>> holders = new AtomicReference<>(List.of());
        AtomicReference<String> leakerName = new AtomicReference<>();
        long[] waitedNanos = new long[1];
        String target = "ObjectPool_of_1";
        Workers.Result result;
        try (ObjectPool<Connection> pool = new ObjectPool<>(1, connector::open)) {
            result = Workers.run("worker-", 2, timeBox, index -> {
                if (index == 0) {
                    leakerName.set(Thread.currentThread().getName());
                    tracer.send(target, "acquire");
                    try (var lease = pool.acquire()) {
                        tracer.reply(target, "lease " + lease.get());
                        tracer.note("keeps " + lease.get() + " (forgot to close it)");
                        holding.countDown();
                        reported.await(); // holds it too long: until the other worker has given up
                    }
                } else {
                    try {
                        holding.await();
                        tracer.send(target, "acquire, timeout " + LEAK_TIMEOUT.toMillis() + " ms");
                        long start = System.nanoTime();
                        try (var lease = pool.acquire(LEAK_TIMEOUT)) {
                            tracer.reply(target, "lease " + lease.get() + " (unexpected)");
                        } catch (TimeoutException e) {
                            waitedNanos[0] = System.nanoTime() - start;
                            timeout.set(e);
                            holders.set(pool.leases());
                            if (tracer.enabled()) {
                                tracer.reply(target, "TimeoutException, held by " + holders.get().getFirst());
                            }
                        }
                    } finally {
                        reported.countDown();
                    }
                }
            });
        }
        TimeoutException e = timeout.get();
        List<ObjectPool.LeaseInfo> held = holders.get();
        boolean named = !held.isEmpty() && held.getFirst().holderName().equals(leakerName.get())
                && e != null && e.getMessage().contains(leakerName.get());
        if (e != null) {
            notes.add(e.getMessage());
        }
        Verdict verdict;
        if (result.firstFailure() != null) {
            verdict = Verdict.BROKEN;
        } else if (e == null || !result.finished()) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            verdict = named && waitedNanos[0] >= LEAK_TIMEOUT.toNanos() ? Verdict.CORRECT : Verdict.BROKEN;
        }
        Variant.Builder v = Variant.named("ObjectPool, leaked lease")
                .metric("limit", 1)
                .metric("max holders", held.size())
                .metric("opened", connector.opened.get())
                .metric("timed out", e != null)
                .metric("waited ms", waitedNanos[0] / 1_000_000L)
                .metric("holder", held.isEmpty() ? "-" : held.getFirst().holderName())
                .metric("held ms", held.isEmpty() ? -1 : held.getFirst().age().toMillis())
                .metric("ms", result.elapsedMillis());
        return v.verdict(verdict);
    }

    private static Variant.Builder metrics(String name, int size, int max, int opened, long acquisitions, int waited,
                                           Workers.Result result) {
        Variant.Builder v = Variant.named(name)
                .metric("limit", size)
                .metric("max holders", max)
                .metric("opened", opened)
                .metric("acquisitions", acquisitions);
        if (waited >= 0) {
            v.metric("waited", waited);
        }
        return v.metric("ms", result.elapsedMillis());
    }
}

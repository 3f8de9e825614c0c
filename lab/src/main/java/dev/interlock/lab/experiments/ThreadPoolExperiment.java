package dev.interlock.lab.experiments;

import dev.interlock.exec.FixedThreadPool;
import dev.interlock.exec.RejectionPolicy;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.DyingWorkerPool;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The guide's chapter 5: one batch of small tasks, one in {@value #FAIL_EVERY} of which throws, run
 * six ways. A new thread per task (as many threads as tasks); the guide's first pool, whose worker
 * dies with a failing task ({@link DyingWorkerPool}: the pool shrinks to nothing and the rest of the
 * batch waits for ever); {@link FixedThreadPool}, whose workers survive failures, shut down with
 * {@code shutdown} (everything queued runs) and with {@code shutdownNow} (what never started comes
 * back); {@code ThreadPoolExecutor}, which replaces each dead worker with a new thread; and a virtual
 * thread per task. Every variant counts each task's runs, so "every task ran exactly once" (or, for
 * {@code shutdownNow}, "ran once or was returned, never both") is checked, with a checksum of the ids.
 */
public final class ThreadPoolExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_OPS = 4_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** One task in FAIL_EVERY throws (task ids FAIL_EVERY-1, 2*FAIL_EVERY-1, ...). */
    private static final int FAIL_EVERY = 50;
    /** The same for a traced run, so that its few tasks include failures. */
    private static final int TRACE_FAIL_EVERY = 3;
    /** Tasks in a traced run. */
    private static final int TRACE_OPS = 8;
    /** Rounds of arithmetic per task: a small task, a few hundred nanoseconds. */
    private static final int WORK_ROUNDS = 200;
    /** Most tasks a run accepts (about 10 bytes of bookkeeping each, and one thread each per-task). */
    private static final int MAX_OPS = 1_000_000;

    @Override
    public String name() {
        return "thread-pool";
    }

    @Override
    public String summary() {
        return "small tasks, some failing, run thread-per-task, on a pool whose workers die, on FixedThreadPool "
                + "(shutdown and shutdownNow), ThreadPoolExecutor and virtual threads";
    }

    @Override
    public String optionsHelp() {
        return "--threads pool threads (" + DEFAULT_THREADS + "), --ops tasks (" + DEFAULT_OPS
                + "), --size queue capacity of FixedThreadPool and ThreadPoolExecutor, beyond which tasks run "
                + "in the submitting thread (unbounded)";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 2 : DEFAULT_THREADS);
        int tasks = settings.ops(settings.tracing() ? TRACE_OPS : DEFAULT_OPS);
        int capacity = settings.size(FixedThreadPool.UNBOUNDED);
        int failEvery = settings.tracing() ? TRACE_FAIL_EVERY : FAIL_EVERY;
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        if (tasks > MAX_OPS) {
            throw new IllegalArgumentException("--ops must be at most " + MAX_OPS);
        }
        Setup setup = new Setup(threads, tasks, capacity, failEvery, timeBox, tracer);

        List<Variant> variants = new ArrayList<>();
        variants.add(threadPerTask(setup));
        variants.add(dyingWorkers(setup));
        variants.add(fixedThreadPool(setup, false));
        variants.add(fixedThreadPool(setup, true));
        variants.add(threadPoolExecutor(setup));
        variants.add(virtualThreadPerTask(setup));

        int failures = tasks / failEvery;
        return new Report(name(), "tasks=" + tasks + " (1 in " + failEvery + " throws: " + failures + "), pool threads="
                + threads + ", queue=" + (capacity == FixedThreadPool.UNBOUNDED ? "unbounded" : capacity
                + " then caller runs"), variants, List.of(
                "thread-per-task: correct, but one new thread per task: 'threads' = tasks. A pool reuses a few.",
                "dying workers (broken): the guide's first pool runs each task with nothing around run(): a",
                "failing task's exception ends its worker's loop and its thread, and nobody replaces it. After",
                threads + " failures no worker is left; the pool still accepts tasks, which wait for ever: 'lost' are",
                "tasks never run (and, had this been submit, never-completing futures). 'pool at end' = workers alive.",
                "FixedThreadPool catches the exception, hands it to the thread's uncaught-exception handler and",
                "keeps serving: " + threads + " threads for every task, each run once. shutdown runs all that is",
                "queued; shutdownNow interrupts the running tasks and returns those never started (ran + returned =",
                "tasks, none both). ThreadPoolExecutor keeps its size too, but by letting the worker die and",
                "starting a new thread: one thread per failure. Virtual threads make a thread per task cheap.",
                "ms is wall time for submitting and finishing the batch (one run, not a benchmark)."));
    }

    /** What every variant shares. */
    private record Setup(int threads, int tasks, int capacity, int failEvery, Duration timeBox, Tracer tracer) {
        boolean bounded() {
            return capacity != FixedThreadPool.UNBOUNDED;
        }
    }

    // ------------------------------------------------------------------ variants

    private Variant threadPerTask(Setup s) throws InterruptedException {
        String name = "thread-per-task";
        s.tracer().phase(name);
        Batch batch = new Batch(s, "Thread", false);
        CountingFactory factory = new CountingFactory(Thread.ofPlatform().name("task-thread-", 1).daemon(true)
                .factory(), Tracer.OFF, "");
        Workers.Result result = runSubmitter(s, () -> {
            List<Thread> started = new ArrayList<>(s.tasks());
            for (int id = 0; id < s.tasks(); id++) {
                batch.traceSubmit("start task-" + id);
                Thread t = factory.newThread(batch.task(id));
                t.start();
                started.add(t);
            }
            for (Thread t : started) {
                t.join();
            }
        });
        return batch.report(name, factory, -1, null, result, false);
    }

    private Variant dyingWorkers(Setup s) throws InterruptedException {
        String name = "dying workers (broken)";
        s.tracer().phase(name);
        Batch batch = new Batch(s, "DyingWorkerPool", true);
        CountingFactory factory = new CountingFactory(Thread.ofPlatform().name("worker-", 1).daemon(true).factory(),
                s.tracer(), ": this worker dies");
        DyingWorkerPool pool = new DyingWorkerPool(s.threads(), factory);
        int[] poolAtEnd = {-1};
        try {
            Workers.Result result = runSubmitter(s, () -> {
                for (int id = 0; id < s.tasks(); id++) {
                    batch.traceSubmit("execute task-" + id);
                    pool.execute(batch.task(id));
                }
                // Wait until every task ran or no worker is left to run the rest (then they never will).
                boolean allRan = true;
                while (!batch.done.await(1, TimeUnit.MILLISECONDS)) {
                    if (pool.liveWorkers() == 0) {
                        allRan = false;
                        if (s.tracer().enabled()) {
                            s.tracer().note("no worker left; " + pool.queued() + " tasks wait for ever");
                        }
                        break;
                    }
                }
                // Every failure killed its worker: all of them if every task ran, else one per worker. A
                // dying worker leaves the live count before its handler runs: wait for the handlers, so
                // that their notes (and the failure count) belong to this variant.
                long deaths = allRan ? batch.expectedFailures() : s.threads();
                batch.awaitHandled(factory, deaths, s.timeBox());
                poolAtEnd[0] = pool.liveWorkers();
            });
            return batch.report(name, factory, poolAtEnd[0], null, result, true);
        } finally {
            pool.shutdownNow();
        }
    }

    private Variant fixedThreadPool(Setup s, boolean now) throws InterruptedException {
        String name = now ? "FixedThreadPool, shutdownNow" : "FixedThreadPool";
        s.tracer().phase(name);
        Batch batch = new Batch(s, "FixedThreadPool", true);
        CountingFactory factory = new CountingFactory(Thread.ofPlatform().name("worker-", 1).daemon(true).factory(),
                s.tracer(), ": this worker goes on");
        FixedThreadPool pool = FixedThreadPool.builder().threads(s.threads()).queueCapacity(s.capacity())
                .rejection(RejectionPolicy.CALLER_RUNS).threadFactory(factory).build();
        int[] poolAtEnd = {-1};
        List<Runnable> returned = new ArrayList<>();
        try {
            Workers.Result result = runSubmitter(s, () -> {
                submitAll(s, batch, pool);
                if (now) {
                    s.tracer().send("FixedThreadPool", "shutdownNow");
                    poolAtEnd[0] = pool.metrics().threads();
                    returned.addAll(pool.shutdownNow());
                    if (s.tracer().enabled()) {
                        s.tracer().reply("FixedThreadPool", "returned " + returned.size() + " never-started tasks");
                    }
                } else {
                    batch.done.await();
                    poolAtEnd[0] = pool.metrics().threads();
                    s.tracer().send("FixedThreadPool", "shutdown");
                    pool.shutdown();
                }
                pool.awaitTermination(s.timeBox().toMillis(), TimeUnit.MILLISECONDS);
            });
            return batch.report(name, factory, poolAtEnd[0], now ? returned : null, result, false);
        } finally {
            pool.shutdownNow();
        }
    }

    private Variant threadPoolExecutor(Setup s) throws InterruptedException {
        String name = "ThreadPoolExecutor";
        s.tracer().phase(name);
        Batch batch = new Batch(s, "ThreadPoolExecutor", true);
        CountingFactory factory = new CountingFactory(Thread.ofPlatform().name("tpe-worker-", 1).daemon(true)
                .factory(), s.tracer(), ": this thread dies, TPE starts another");
        BlockingQueue<Runnable> queue = s.bounded()
                ? new ArrayBlockingQueue<>(s.capacity())
                : new LinkedBlockingQueue<>();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(s.threads(), s.threads(), 0L, TimeUnit.MILLISECONDS, queue,
                factory, new ThreadPoolExecutor.CallerRunsPolicy());
        int[] poolAtEnd = {-1};
        try {
            Workers.Result result = runSubmitter(s, () -> {
                submitAll(s, batch, pool);
                batch.done.await();
                // A failing task counts down before it throws, so its worker may still be dying. TPE
                // replaces a dead worker only while it is not shut down, and the uncaught-exception
                // handler runs after that replacement: wait for every failure to reach a handler.
                batch.awaitFailuresDelivered(factory, s.timeBox());
                poolAtEnd[0] = pool.getPoolSize();
                pool.shutdown();
                pool.awaitTermination(s.timeBox().toMillis(), TimeUnit.MILLISECONDS);
            });
            return batch.report(name, factory, poolAtEnd[0], null, result, false);
        } finally {
            pool.shutdownNow();
        }
    }

    private Variant virtualThreadPerTask(Setup s) throws InterruptedException {
        String name = "virtual-thread-per-task";
        s.tracer().phase(name);
        Batch batch = new Batch(s, "ThreadPerTaskExecutor", false);
        CountingFactory factory = new CountingFactory(Thread.ofVirtual().name("vt-", 1).factory(), Tracer.OFF, "");
        ExecutorService executor = Executors.newThreadPerTaskExecutor(factory);
        try {
            Workers.Result result = runSubmitter(s, () -> {
                submitAll(s, batch, executor);
                executor.shutdown();
                executor.awaitTermination(s.timeBox().toMillis(), TimeUnit.MILLISECONDS);
            });
            return batch.report(name, factory, -1, null, result, false);
        } finally {
            executor.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A submitter's whole job. */
    @FunctionalInterface
    private interface SubmitterBody {
        void run() throws Exception;
    }

    /** Runs {@code body} in one thread named "submitter", within the time box. */
    private static Workers.Result runSubmitter(Setup s, SubmitterBody body) throws InterruptedException {
        return Workers.run(index -> "submitter", 1, s.timeBox(), Thread.ofPlatform().factory(), index -> body.run());
    }

    /** Executes every task; one that runs in the submitter (caller-runs) and fails throws here: ignored. */
    private static void submitAll(Setup s, Batch batch, Executor executor) {
        for (int id = 0; id < s.tasks(); id++) {
            batch.traceSubmit("execute task-" + id);
            try {
                executor.execute(batch.task(id));
            } catch (TaskFailure ranInTheCallerAndFailed) {
                batch.callerFailures.increment(); // counted by the task itself; no worker died
            }
        }
    }

    /** A task's deliberate failure (no stack trace: it is expected, and there are many). */
    static final class TaskFailure extends RuntimeException {
        TaskFailure(int id) {
            super("task-" + id + " failed", null, false, false);
        }
    }

    /** Makes threads from {@code base}, counting them and the failures their handler reports. */
    private static final class CountingFactory implements ThreadFactory {
        final ThreadFactory base;
        final Tracer tracer;
        final String onFailure;
        final AtomicInteger created = new AtomicInteger();
        final LongAdder uncaught = new LongAdder();

        CountingFactory(ThreadFactory base, Tracer tracer, String onFailure) {
            this.base = base;
            this.tracer = tracer;
            this.onFailure = onFailure;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = base.newThread(r);
            t.setUncaughtExceptionHandler((thread, e) -> {
                uncaught.increment();
                if (tracer.enabled()) {
                    tracer.note("uncaught: " + e.getMessage() + onFailure);
                }
            });
            created.incrementAndGet();
            return t;
        }
    }

    /** One variant's batch: its tasks and their accounting. */
    private static final class Batch {
        final Setup setup;
        final String target;
        final Tracer taskTracer; // OFF for thread-per-task variants: one diagram column per task is noise
        final AtomicIntegerArray runs;
        final LongAdder ranSum = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder sawInterrupt = new LongAdder();
        final LongAdder callerFailures = new LongAdder();
        final CountDownLatch done;

        Batch(Setup setup, String target, boolean traceTasks) {
            this.setup = setup;
            this.target = target;
            this.taskTracer = traceTasks ? setup.tracer() : Tracer.OFF;
            this.runs = new AtomicIntegerArray(setup.tasks());
            this.done = new CountDownLatch(setup.tasks());
        }

        /** The number of tasks in this batch that throw. */
        int expectedFailures() {
            return setup.tasks() / setup.failEvery();
        }

        /**
         * Waits, at most {@code bound}, until every failing task has either failed in the submitter
         * (caller runs) or reached its worker thread's uncaught-exception handler.
         */
        void awaitFailuresDelivered(CountingFactory factory, Duration bound) {
            awaitHandled(factory, expectedFailures() - callerFailures.sum(), bound); // the submitter's own: counted
        }

        /** Waits, at most {@code bound}, until {@code n} failures have reached a worker's uncaught-exception handler. */
        void awaitHandled(CountingFactory factory, long n, Duration bound) {
            long deadline = System.nanoTime() + bound.toNanos();
            while (factory.uncaught.sum() < n && System.nanoTime() - deadline < 0
                    && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(100_000L);
            }
        }

        void traceSubmit(String action) {
            if (setup.tracer().enabled()) {
                setup.tracer().send(target, action);
            }
        }

        Task task(int id) {
            return new Task(id);
        }

        /** A small task: counts its run, does a little arithmetic, and fails if its id says so. */
        final class Task implements Runnable {
            final int id;

            Task(int id) {
                this.id = id;
            }

            @Override
            public void run() {
                runs.incrementAndGet(id);
                ranSum.add(id);
                long x = id + 1;
                for (int i = 0; i < WORK_ROUNDS; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                if (x == 0) {
                    throw new AssertionError("unreachable: xorshift of a non-zero value"); // keeps x alive
                }
                boolean fails = (id + 1) % setup.failEvery() == 0;
                if (Thread.currentThread().isInterrupted()) {
                    sawInterrupt.increment();
                }
                if (taskTracer.enabled()) {
                    taskTracer.note(fails ? "task-" + id + " throws" : "runs task-" + id);
                }
                done.countDown();
                if (fails) {
                    failed.increment();
                    throw new TaskFailure(id);
                }
            }

            @Override
            public String toString() {
                return "task-" + id;
            }
        }

        /**
         * The variant's row. {@code returned} is shutdownNow's list (null: not a shutdownNow variant);
         * {@code broken}: a known-broken variant, INCONCLUSIVE rather than CORRECT if it lost nothing.
         */
        Variant report(String name, CountingFactory factory, int poolAtEnd, List<Runnable> returned,
                       Workers.Result result, boolean broken) {
            int n = setup.tasks();
            long ran = 0;
            long doubled = 0;
            for (int id = 0; id < n; id++) {
                int r = runs.get(id);
                ran += r > 0 ? 1 : 0;
                doubled += Math.max(0, r - 1);
            }
            long returnedCount = 0;
            long returnedSum = 0;
            long returnedAndRan = 0;
            if (returned != null) {
                for (Runnable r : returned) {
                    int id = ((Task) r).id;
                    returnedCount++;
                    returnedSum += id;
                    returnedAndRan += runs.get(id) > 0 ? 1 : 0;
                }
            }
            long lost = n - ran - returnedCount + returnedAndRan;
            long expectedSum = (long) n * (n - 1) / 2;
            boolean checksumOk = ranSum.sum() + returnedSum == expectedSum && doubled == 0;
            Verdict verdict;
            if (doubled > 0 || returnedAndRan > 0 || result.firstFailure() != null) {
                verdict = Verdict.BROKEN;
            } else if (broken) {
                verdict = lost > 0 ? Verdict.BROKEN : Verdict.INCONCLUSIVE;
            } else if (!result.finished()) {
                verdict = Verdict.INCONCLUSIVE;
            } else {
                verdict = lost == 0 && checksumOk ? Verdict.CORRECT : Verdict.BROKEN;
            }
            Variant.Builder v = Variant.named(name)
                    .metric("tasks", n)
                    .metric("ran", ran)
                    .metric("failed", failed.sum());
            if (returned != null) {
                v.metric("returned", returnedCount).metric("interrupted", sawInterrupt.sum());
            }
            v.metric("lost", lost)
                    .metric("doubled", doubled)
                    .metric("checksum", checksumOk ? "ok" : "BAD")
                    .metric("threads", factory.created.get());
            if (poolAtEnd >= 0) {
                v.metric("pool at end", poolAtEnd);
            }
            v.metric("ms", result.elapsedMillis());
            if (result.firstFailure() != null) {
                v.metric("error", result.firstFailure().toString());
            }
            return v.verdict(verdict);
        }
    }
}

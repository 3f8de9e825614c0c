package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.NonReentrantLock;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guide's FileManager: {@code write()} takes a lock and calls {@code log()}, which takes the same
 * lock again. A {@link ReentrantLock} lets its owner in again (hold count 2) and every write is
 * logged; a lock that does not know its owner makes the thread wait for itself forever. The lab
 * waits a bounded time for the inner acquisition, so the self-deadlock is detected and the run ends.
 */
public final class ReentrancyExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 2;
    private static final int DEFAULT_OPS = 20_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /**
     * How long {@code log()} waits for the lock its own caller already holds. A re-entry never has to
     * wait at all, so any wait this long means the thread is waiting for itself.
     */
    static final Duration SELF_WAIT_BOUND = Duration.ofMillis(100);

    @Override
    public String name() {
        return "reentrancy";
    }

    @Override
    public String summary() {
        return "a method calling another under the same lock: fine with ReentrantLock, a self-deadlock without";
    }

    @Override
    public String optionsHelp() {
        return "--threads writing threads (" + DEFAULT_THREADS + "), --ops writes per thread (" + DEFAULT_OPS + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(settings.tracing() ? 1 : DEFAULT_THREADS);
        int ops = settings.ops(settings.tracing() ? 2 : DEFAULT_OPS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = List.of(
                measure("ReentrantLock", "ReentrantLock", new ReentrantLock(), threads, ops, timeBox, tracer),
                measure("non-reentrant lock (broken)", "NonReentrantLock", new NonReentrantLock(), threads, ops,
                        timeBox, tracer));
        return new Report(name(), "threads=" + threads + ", writes per thread=" + ops
                + ", inner wait bound=" + SELF_WAIT_BOUND.toMillis() + " ms", variants, List.of(
                "write() locks, then calls log(), which locks the same lock again. ReentrantLock records its",
                "owner and counts holds: the owner gets in again (hold count 2) and each unlock counts down.",
                "A lock that records no owner cannot tell its holder from a stranger: log() waits for the lock",
                "its own thread holds, forever. The lab's log() waits at most " + SELF_WAIT_BOUND.toMillis()
                        + " ms, which a re-entry never",
                "needs, so a timeout there is a self-deadlock. ThreadMXBean cannot see it: the lock has no owner."));
    }

    private Variant measure(String name, String target, Lock lock, int threads, int ops, Duration timeBox,
                            Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        FileManager files = new FileManager(lock, target, tracer);
        AtomicLong selfDeadlocks = new AtomicLong();
        AtomicLong waitedNanos = new AtomicLong();
        Workers.Result result;
        DeadlockWatch.Found cycle;
        try (DeadlockWatch watch = new DeadlockWatch("watchdog", tracer, Thread::getName)) {
            result = Workers.run("T", threads, timeBox, index -> {
                watch.register();
                for (int i = 0; i < ops; i++) {
                    try {
                        files.write("entry " + i + " from T" + (index + 1));
                    } catch (SelfDeadlockException e) {
                        // A real thread would wait here forever: it stops, and the run goes on without it.
                        selfDeadlocks.incrementAndGet();
                        waitedNanos.addAndGet(e.waitedNanos);
                        return;
                    }
                }
            });
            cycle = watch.found();
        }
        long writes = files.writes();
        long logged = files.logLines();
        Variant.Builder v = Variant.named(name)
                .metric("writes", writes)
                .metric("log lines", logged);
        if (lock instanceof ReentrantLock) {
            v.metric("max hold count", files.maxHoldCount());
        }
        v.metric("self-deadlocks", selfDeadlocks.get());
        if (selfDeadlocks.get() > 0) {
            v.metric("inner wait ms", TimeUnit.NANOSECONDS.toMillis(waitedNanos.get() / selfDeadlocks.get()));
        }
        v.metric("ThreadMXBean cycle", cycle != null);
        Verdict verdict;
        if (selfDeadlocks.get() > 0 || cycle != null) {
            verdict = Verdict.DEADLOCKED;
        } else if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (writes == (long) threads * ops && logged == writes
                && (!(lock instanceof ReentrantLock) || files.maxHoldCount() == 2)) {
            verdict = Verdict.CORRECT;
        } else {
            verdict = Verdict.BROKEN;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }

    /** The inner acquisition waited {@link #SELF_WAIT_BOUND} for a lock its own thread holds. */
    private static final class SelfDeadlockException extends Exception {
        /** How long the inner acquisition waited before giving up. */
        final long waitedNanos;

        SelfDeadlockException(long waitedNanos) {
            super("waited " + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms for a lock this thread holds",
                    null, false, false);
            this.waitedNanos = waitedNanos;
        }
    }

    /**
     * The guide's example: a writer that logs every write, both under one lock. Thread-safe with a
     * reentrant lock; with a non-reentrant one, {@code write} never completes (here: throws
     * {@link SelfDeadlockException} after the bound).
     */
    private static final class FileManager {
        private final Lock lock;
        private final String target;
        private final Tracer tracer;
        private String lastWrite;   // guarded by lock
        private String lastLogLine; // guarded by lock
        private long writes;        // guarded by lock
        private long logLines;      // guarded by lock
        private int maxHoldCount;   // guarded by lock

        FileManager(Lock lock, String target, Tracer tracer) {
            this.lock = lock;
            this.target = target;
            this.tracer = tracer;
        }

        void write(String data) throws InterruptedException, SelfDeadlockException {
            if (tracer.enabled()) {
                tracer.send(target, "lock (write)");
            }
            lock.lockInterruptibly();
            try {
                if (tracer.enabled()) {
                    tracer.reply(target, "locked" + holds());
                }
                lastWrite = data;
                log("wrote " + lastWrite.length() + " characters");
                writes++;
            } finally {
                lock.unlock();
                if (tracer.enabled()) {
                    tracer.send(target, "unlock (write)" + holds());
                }
            }
        }

        /** Called by {@link #write} with the lock held: takes it again. */
        private void log(String message) throws InterruptedException, SelfDeadlockException {
            if (tracer.enabled()) {
                tracer.send(target, "lock again (log)");
            }
            if (!lock.tryLock()) {
                if (tracer.enabled()) {
                    tracer.note("blocked on itself: waits for the lock it holds");
                }
                long start = System.nanoTime();
                if (!lock.tryLock(SELF_WAIT_BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
                    if (tracer.enabled()) {
                        tracer.note("still waiting after " + SELF_WAIT_BOUND.toMillis()
                                + " ms: self-deadlock, gives up");
                    }
                    throw new SelfDeadlockException(System.nanoTime() - start);
                }
            }
            try {
                if (tracer.enabled()) {
                    tracer.reply(target, "locked again" + holds());
                }
                if (lock instanceof ReentrantLock r) {
                    maxHoldCount = Math.max(maxHoldCount, r.getHoldCount());
                }
                lastLogLine = message;
                logLines++;
            } finally {
                lock.unlock();
                if (tracer.enabled()) {
                    tracer.send(target, "unlock (log)" + holds());
                }
            }
        }

        /** ", hold count N" for a ReentrantLock held by this thread; empty otherwise. */
        private String holds() {
            return lock instanceof ReentrantLock r ? ", hold count " + r.getHoldCount() : "";
        }

        long writes() {
            lock.lock();
            try {
                return writes;
            } finally {
                lock.unlock();
            }
        }

        long logLines() {
            lock.lock();
            try {
                return logLines;
            } finally {
                lock.unlock();
            }
        }

        int maxHoldCount() {
            lock.lock();
            try {
                return maxHoldCount;
            } finally {
                lock.unlock();
            }
        }
    }
}

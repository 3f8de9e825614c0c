package dev.interlock.stress.exec;

import dev.interlock.exec.FixedThreadPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link FixedThreadPool} on the real memory model: a task offered while another thread shuts the pool
 * down is either run or rejected (or, against {@code shutdownNow}, returned), never lost and never
 * both; tasks offered while the worker goes idle all run (no lost wake-up); and an idle pool that is
 * shut down terminates.
 *
 * <p>Each state is a new pool whose workers are virtual threads (cheap to create by the thousand, and
 * the path that must never pin a carrier). The arbiter waits for termination (bounded) before it reads
 * what happened, so "lost" cannot be confused with "not yet run".
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t FixedThreadPoolStress -m quick}
 */
public final class FixedThreadPoolStress {

    /** How long an arbiter waits for termination before it reports the pool as hung. */
    static final long TERMINATION_BOUND_SECONDS = 10;

    private FixedThreadPoolStress() {
    }

    static FixedThreadPool newPool() {
        ThreadFactory virtual = Thread.ofVirtual().name("stress-worker-", 1).factory();
        return FixedThreadPool.builder().threads(1).threadFactory(virtual).build();
    }

    static int terminated(FixedThreadPool pool) {
        try {
            return pool.awaitTermination(TERMINATION_BOUND_SECONDS, TimeUnit.SECONDS) ? 1 : 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A task that records that it ran; {@code volatile} is not needed (termination publishes it). */
    static final class Flag implements Runnable {
        int ran;

        @Override
        public void run() {
            ran++;
        }
    }

    /** A pool whose only worker has started (and run a task), so that execute goes through the queue. */
    static FixedThreadPool newStartedPool() {
        FixedThreadPool pool = newPool();
        if (awaitOrFail(pool.submit(() -> 1)) != 1) {
            throw new IllegalStateException("the set-up task did not run");
        }
        return pool;
    }

    /**
     * execute racing shutdown on a fresh pool: execute starts the worker and hands it the task (accepted
     * by the CAS that counts the worker) unless shutdown came first. The arbiter reads (ran, rejected,
     * terminated).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "execute came first: the task, handed to a new worker, ran.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "shutdown came first: RejectedExecutionException.")
    @Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "LOST: accepted (no exception) but never run.")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both run and rejected.")
    @Outcome(expect = FORBIDDEN, desc = "The pool did not terminate, or a task ran twice.")
    @State
    public static class ExecuteRacingShutdown {
        final FixedThreadPool pool = newPool();
        final Flag task = new Flag();
        int rejected; // written by the submitter actor, read by the arbiter (jcstress orders them)

        @Actor
        public void submitter() {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                rejected = 1;
            }
        }

        @Actor
        public void stopper() {
            pool.shutdown();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = terminated(pool);
            r.r1 = task.ran;
            r.r2 = rejected;
        }
    }

    /** execute racing shutdown on a pool whose worker is running: the task goes through the queue. */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Linked before the close: shutdown let the worker run it.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "The queue was closed first: RejectedExecutionException.")
    @Outcome(id = "0, 0, 1", expect = FORBIDDEN, desc = "LOST: accepted (no exception) but never run.")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both run and rejected.")
    @Outcome(expect = FORBIDDEN, desc = "The pool did not terminate, or a task ran twice.")
    @State
    public static class ExecuteToAStartedPoolRacingShutdown {
        final FixedThreadPool pool = newStartedPool();
        final Flag task = new Flag();
        int rejected;

        @Actor
        public void submitter() {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                rejected = 1;
            }
        }

        @Actor
        public void stopper() {
            pool.shutdown();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = terminated(pool);
            r.r1 = task.ran;
            r.r2 = rejected;
        }
    }

    /**
     * execute racing shutdownNow on a pool whose worker is running: the task is run, rejected, or
     * returned by shutdownNow; exactly one. The arbiter reads (ran, rejected, returned) once the pool
     * has terminated.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Taken by the worker before the stop: it ran.")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "shutdownNow came first: RejectedExecutionException.")
    @Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "Queued but not started: shutdownNow returned it.")
    @Outcome(id = "0, 0, 0", expect = FORBIDDEN, desc = "LOST: accepted, never run, not returned.")
    @Outcome(expect = FORBIDDEN,
            desc = "Two outcomes for one task, a double run, a stranger returned (9), or no termination (-9).")
    @State
    public static class ExecuteRacingShutdownNow {
        final FixedThreadPool pool = newStartedPool();
        final Flag task = new Flag();
        int rejected;
        List<Runnable> returned;

        @Actor
        public void submitter() {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                rejected = 1;
            }
        }

        @Actor
        public void stopper() {
            returned = pool.shutdownNow();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            if (terminated(pool) != 1) {
                r.r1 = -9;
                return;
            }
            r.r1 = task.ran;
            r.r2 = rejected;
            r.r3 = returned.isEmpty() ? 0 : returned.size() == 1 && returned.getFirst() == task ? 1 : 9;
        }
    }

    /**
     * Two submissions to a one-worker pool whose worker is idle: the first wakes it, and the second is
     * linked while that worker runs the first task and goes idle again (pushes its waiter, re-checks the
     * queue, parks). The second task must not be left behind a sleeping worker: the arbiter reads
     * whether each future completed within the bound.
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both tasks ran.")
    @Outcome(expect = FORBIDDEN, desc = "A task was left in the queue while the worker slept (lost wake-up).")
    @State
    public static class SubmissionsRacingAnIdlingWorkerAllRun {
        final FixedThreadPool pool = newPool();
        Future<Integer> first;
        Future<Integer> second;

        public SubmissionsRacingAnIdlingWorkerAllRun() {
            awaitOrFail(pool.submit(() -> 0)); // the worker exists, and idles
        }

        @Actor
        public void submitter1() {
            first = pool.submit(() -> 1);
        }

        @Actor
        public void submitter2() {
            second = pool.submit(() -> 1);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = awaitOrFail(first);
            r.r2 = awaitOrFail(second);
            pool.shutdownNow();
        }
    }

    /** The future's value, or 0 if it did not complete within the bound. */
    static int awaitOrFail(Future<Integer> f) {
        try {
            return f.get(TERMINATION_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        }
    }

    /** Mode.Termination: awaitTermination on a pool whose worker is idle returns once shutdown is called. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The idle worker woke and exited; the waiter returned.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The idle worker (or the waiter) missed the shutdown: hung.")
    @State
    public static class ShutdownOfAnIdlePoolTerminates {
        final FixedThreadPool pool = newPool();

        public ShutdownOfAnIdlePoolTerminates() {
            awaitOrFail(pool.submit(() -> 0)); // a worker exists and is (or is about to be) idle
        }

        @Actor
        public void waiter() {
            try {
                while (!pool.awaitTermination(1, TimeUnit.DAYS)) {
                    Thread.onSpinWait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // jcstress interrupts a stale actor
            }
        }

        @Signal
        public void shutdown() {
            pool.shutdown();
        }
    }
}

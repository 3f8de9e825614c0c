package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.broken.CheckThenParkEvent;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.sync.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The guide's quick-reference Event as a start signal: in each round W waiters wait for a fresh event
 * while a coordinator sets it, all released by one barrier so that the set lands while the waiters
 * are arriving. A missed wake-up is a waiter that waited out its whole timeout although the set had
 * completed before that timeout was up (the broken event counts its misses itself, exactly: a waiter
 * back from its park with the flag up and still on the waiter list). The broken event checks its
 * flag and then registers (the lost wake-up); {@link Event} and {@code CountDownLatch} never miss
 * one: their timeout is long enough that scheduling delays cannot exhaust it.
 */
public final class EventExperiment implements Experiment {

    private static final int DEFAULT_WAITERS = 2;
    private static final int DEFAULT_ROUNDS = 15_000;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(8);
    /** The broken event's wait: each miss costs this much, so it stays short. */
    private static final Duration BROKEN_TIMEOUT = Duration.ofMillis(10);
    /** The correct events' wait: long enough that scheduling delays never exhaust it. */
    private static final Duration SAFE_TIMEOUT = Duration.ofSeconds(5);

    /** The part of an event the experiment uses. */
    private interface Gate {
        void set();

        boolean await(Duration timeout) throws InterruptedException;

        /** Missed wake-ups the gate counted itself, or -1 when it cannot tell (then timing decides). */
        default long selfReportedMisses() {
            return -1;
        }
    }

    @Override
    public String name() {
        return "event";
    }

    @Override
    public String summary() {
        return "a start signal: a check-then-park event loses wake-ups, Event and CountDownLatch never do";
    }

    @Override
    public String optionsHelp() {
        return "--threads waiters per round (" + DEFAULT_WAITERS + "), --ops rounds (" + DEFAULT_ROUNDS + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int waiters = settings.threads(DEFAULT_WAITERS);
        int rounds = settings.ops(settings.tracing() ? 2 : DEFAULT_ROUNDS);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);

        List<Variant> variants = new ArrayList<>();
        variants.add(measure("check-then-park (broken)", "CheckThenParkEvent", () -> {
            CheckThenParkEvent e = new CheckThenParkEvent();
            return new Gate() {
                public void set() {
                    e.set();
                }

                public boolean await(Duration t) throws InterruptedException {
                    return e.await(t);
                }

                public long selfReportedMisses() {
                    return e.missedWakeUps();
                }
            };
        }, BROKEN_TIMEOUT, waiters, rounds, timeBox, tracer));
        variants.add(measure("Event", "Event", () -> {
            Event e = new Event();
            return new Gate() {
                public void set() {
                    e.set();
                }

                public boolean await(Duration t) throws InterruptedException {
                    return e.await(t);
                }
            };
        }, SAFE_TIMEOUT, waiters, rounds, timeBox, tracer));
        variants.add(measure("CountDownLatch", "CountDownLatch", () -> {
            CountDownLatch latch = new CountDownLatch(1);
            return new Gate() {
                public void set() {
                    latch.countDown();
                }

                public boolean await(Duration t) throws InterruptedException {
                    return latch.await(t.toNanos(), TimeUnit.NANOSECONDS);
                }
            };
        }, SAFE_TIMEOUT, waiters, rounds, timeBox, tracer));

        return new Report(name(), "waiters per round=" + waiters + ", rounds=" + rounds
                + ", broken timeout=" + BROKEN_TIMEOUT.toMillis() + " ms", variants, List.of(
                "check-then-park reads the flag, then joins the waiter list, then parks: a set() that",
                "runs in between raises the flag and wakes the waiters listed so far, not this one, which",
                "sleeps out its timeout (for ever without one). Event reads one state word holding the",
                "flag and the current generation's gate, so a set after that read opens the gate the",
                "waiter parks on; CountDownLatch does the same with AQS. A miss is rare per round (the",
                "gap is nanoseconds wide), so a run that hits none is INCONCLUSIVE, not CORRECT."));
    }

    private Variant measure(String name, String target, Supplier<Gate> factory, Duration timeout, int waiters,
                            int rounds, Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase(name);
        long timeoutNanos = timeout.toNanos();
        long deadline = System.nanoTime() + timeBox.toNanos();
        CyclicBarrier start = new CyclicBarrier(waiters + 1);
        CyclicBarrier end = new CyclicBarrier(waiters + 1);
        Gate[] current = new Gate[1];             // written before `start`, read after it
        long[] setDone = new long[1];             // written before `end`, read after it
        long[][] awaitStart = new long[waiters][1];
        long[][] awaitEnd = new long[waiters][1];
        boolean[][] returned = new boolean[waiters][1];
        boolean[] stop = new boolean[1];          // written before `start`, read after it
        Throwable[] failure = new Throwable[1];

        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < waiters; w++) {
            int index = w;
            String actor = "W" + (w + 1);
            threads.add(Thread.ofPlatform().name(actor).daemon().start(() -> {
                try {
                    while (true) {
                        start.await();
                        if (stop[0]) {
                            return;
                        }
                        tracer.send(target, "await");
                        awaitStart[index][0] = System.nanoTime();
                        returned[index][0] = current[0].await(timeout);
                        awaitEnd[index][0] = System.nanoTime();
                        tracer.reply(target, returned[index][0] ? "released" : "timed out");
                        end.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt(); // the run is over: the coordinator broke the barrier
                } catch (Throwable t) {
                    failure[0] = t;
                    start.reset();
                    end.reset();
                }
            }));
        }

        long began = System.nanoTime();
        int done = 0;
        long missed = 0;
        long maxReleaseNanos = 0;
        boolean finished = true;
        try {
            for (int round = 0; round < rounds; round++) {
                if (System.nanoTime() - deadline > 0) {
                    finished = false;
                    break;
                }
                current[0] = factory.get();
                await(start, deadline);
                tracer.send(target, "set");
                current[0].set();
                setDone[0] = System.nanoTime();
                await(end, deadline);
                long selfReported = current[0].selfReportedMisses();
                for (int w = 0; w < waiters; w++) {
                    long waited = awaitEnd[w][0] - awaitStart[w][0];
                    boolean setInTime = setDone[0] - (awaitStart[w][0] + timeoutNanos) < 0;
                    if (selfReported < 0 && waited >= timeoutNanos && setInTime) {
                        missed++;
                        tracer.note(threads.get(w).getName() + " missed the set");
                    } else if (waited < timeoutNanos) {
                        maxReleaseNanos = Math.max(maxReleaseNanos, Math.max(0, awaitEnd[w][0] - setDone[0]));
                    }
                }
                if (selfReported > 0) {
                    missed += selfReported;
                    tracer.note(selfReported + " waiter(s) missed the set");
                }
                done++;
            }
            stop[0] = true;
            await(start, deadline);
        } catch (BrokenBarrierException | TimeoutException e) {
            finished = false;
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(1));
            }
        }
        long elapsed = System.nanoTime() - began;

        Verdict verdict;
        if (failure[0] != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else if (missed > 0) {
            verdict = Verdict.BROKEN;
        } else if (name.contains("(broken)") || !finished) {
            verdict = Verdict.INCONCLUSIVE; // a broken event that missed nothing in this run proves nothing
        } else {
            verdict = Verdict.CORRECT;
        }
        return Variant.named(name)
                .metric("rounds", done)
                .metric("awaits", (long) done * waiters)
                .metric("missed wake-ups", missed)
                .metric("max release us", maxReleaseNanos / 1_000)
                .metric("ms", TimeUnit.NANOSECONDS.toMillis(elapsed))
                .verdict(verdict);
    }

    private static void await(CyclicBarrier barrier, long deadline)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        long left = Math.max(1, deadline - System.nanoTime() + SAFE_TIMEOUT.toNanos());
        barrier.await(left, TimeUnit.NANOSECONDS);
    }
}

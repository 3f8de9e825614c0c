package dev.interlock.stress.exec;

import dev.interlock.exec.WorkQueue;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link WorkQueue} on the real memory model: close wakes idle consumers and returns; an item whose
 * submit races {@code close} or {@code shutdownNow} is delivered, returned or refused, exactly one of
 * them, never silently dropped; a producer blocked on a full queue is released by close; the handler
 * sees the producer's plain writes and the closer sees the handler's.
 *
 * <p>Consumers are virtual threads (cheap enough to start one queue per sample), except in
 * {@link CloseTerminatesIdleConsumers}, which uses platform threads. Every queue is closed or shut
 * down within its sample, so no consumer outlives it. Two actors at most: jcstress skips tests with
 * more actors than the machine has CPUs.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t WorkQueueStress -m quick}
 */
public final class WorkQueueStress {

    private WorkQueueStress() {
    }

    private static WorkQueue<Integer> virtualQueue(java.util.function.Consumer<Integer> handler, int capacity) {
        return WorkQueue.builder(handler).capacity(capacity).threadFactory(Thread.ofVirtual().factory()).build();
    }

    /** 1 if {@code submit} accepted the item, 0 if it threw IllegalStateException (closed). */
    static int submit(WorkQueue<Integer> queue, int item) {
        try {
            queue.submit(item);
            return 1;
        } catch (IllegalStateException closed) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void awaitTermination(WorkQueue<Integer> queue) {
        try {
            if (!queue.awaitTermination(Duration.ofSeconds(10))) {
                throw new IllegalStateException("queue did not terminate within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * close() on a queue whose two platform consumers are idle (waiting for work, or about to) must
     * wake them and return once they have exited. The signal submits an item that races the close.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE,
            desc = "close() woke the idle consumers, they exited (after handling the racing item if it was accepted), and close() returned.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "close() never returned: an idle consumer missed the wake-up.")
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = "close() threw.")
    @State
    public static class CloseTerminatesIdleConsumers {
        final WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> { })
                .consumers(2).threadFactory(Thread.ofPlatform().factory()).build();

        @Actor
        public void closer() {
            queue.close();
            if (!queue.isTerminated()) {
                throw new IllegalStateException("close() returned before the consumers exited");
            }
        }

        @Signal
        public void racingSubmit() {
            submit(queue, 1);
        }
    }

    /**
     * submit racing close: the item is accepted and then delivered, or refused with
     * IllegalStateException; the arbiter waits for the queue to terminate, then counts handler calls.
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Accepted before the close, and delivered by the draining consumer.")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Refused (IllegalStateException): the close came first.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Accepted but never delivered: silently dropped.")
    @Outcome(id = "0, 1", expect = FORBIDDEN, desc = "Refused and yet delivered.")
    @Outcome(expect = FORBIDDEN, desc = "Delivered twice, or submit was interrupted (-1).")
    @State
    public static class SubmitRacesClose {
        final AtomicInteger handled = new AtomicInteger();
        final WorkQueue<Integer> queue = virtualQueue(i -> handled.incrementAndGet(), 1);

        @Actor
        public void producer(II_Result r) {
            r.r1 = submit(queue, 7);
        }

        @Actor
        public void closer() {
            try {
                queue.close(Duration.ZERO); // stop intake, do not wait: the race is with the submit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            queue.close();
            r.r2 = handled.get();
        }
    }

    /**
     * submit racing shutdownNow: the item is delivered, or returned by shutdownNow, or refused;
     * exactly one of the three.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "Accepted, taken by the consumer first: delivered, not returned.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "Accepted, still waiting at shutdownNow: returned, not delivered.")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "Refused (IllegalStateException): shutdownNow came first.")
    @Outcome(id = "1, 0, 0", expect = FORBIDDEN, desc = "Accepted, neither delivered nor returned: lost.")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Delivered and returned: twice.")
    @Outcome(expect = FORBIDDEN, desc = "Refused yet delivered or returned, or counted twice.")
    @State
    public static class SubmitRacesShutdownNow {
        final AtomicInteger handled = new AtomicInteger();
        final WorkQueue<Integer> queue = virtualQueue(i -> handled.incrementAndGet(), 1);

        @Actor
        public void producer(III_Result r) {
            r.r1 = submit(queue, 7);
        }

        @Actor
        public void stopper(III_Result r) {
            r.r2 = queue.shutdownNow().size();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            awaitTermination(queue);
            r.r3 = handled.get();
        }
    }

    /**
     * A producer blocked on a full queue (capacity 1; the one consumer is stuck in its handler) is
     * released by close with IllegalStateException; then the handler is let go, so the consumer drains
     * and exits.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "close() woke the blocked producer, which got IllegalStateException.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The producer stayed blocked after the close.")
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = "A submit succeeded into a full queue, or threw something else.")
    @State
    public static class CloseReleasesBlockedProducer {
        final CountDownLatch gate = new CountDownLatch(1);
        final WorkQueue<Integer> queue = virtualQueue(i -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1);

        {
            submit(queue, 0); // held by the consumer, or waiting in the one slot
        }

        @Actor
        public void producer() throws InterruptedException {
            try {
                queue.submit(1);
                queue.submit(2); // at most two of 0, 1, 2 fit (one slot, one handler): this one waits
            } catch (IllegalStateException closed) {
                return;
            }
            throw new AssertionError("three items accepted by a queue that holds two");
        }

        @Signal
        public void close() throws InterruptedException {
            queue.close(Duration.ZERO);
            gate.countDown();
        }
    }

    /** An item with plain fields, written before it is submitted. */
    public static final class Item {
        int a;
        int b;

        Item(int a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    /**
     * Memory effects: the handler sees the producer's plain writes to the item, and close() returns
     * seeing the handler's plain writes to the state.
     */
    @JCStressTest
    @Outcome(id = "42, 43", expect = ACCEPTABLE, desc = "The handler saw the item as built; close() saw what the handler wrote.")
    @Outcome(expect = FORBIDDEN, desc = "A plain write was missed on the way in (producer to handler) or out (handler to closer).")
    @State
    public static class HandOffPublishesBothWays {
        int seenA; // plain: written by the handler, read by the arbiter after close()
        int seenB;
        final WorkQueue<Item> queue = WorkQueue.<Item>builder(item -> {
            seenA = item.a;
            seenB = item.b;
        }).capacity(1).threadFactory(Thread.ofVirtual().factory()).build();

        @Actor
        public void producer() {
            try {
                queue.submit(new Item(42, 43));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            queue.close();
            r.r1 = seenA;
            r.r2 = seenB;
        }
    }
}

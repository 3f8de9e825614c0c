package dev.interlock.exec;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Linearizability of {@link WorkQueue}'s intake side, in both Lincheck modes: {@code offer} with a
 * zero timeout, {@code close} without waiting, {@code shutdownNow}, {@code metrics()} and
 * {@code isClosed()} on a queue of capacity 2. So an offer is either before a close (accepted, or
 * refused as full) or after it (refused as closed), and {@code shutdownNow} returns exactly the
 * accepted items, oldest first, once.
 *
 * <p>The consumers are isolated away: the thread factory makes threads whose {@code start()} does
 * nothing, so the queue has consumers that never take an item. That is outside the builder's
 * contract (a factory's threads must run their task), on purpose: consumer threads are real threads
 * that Lincheck neither controls nor replays, and a run that depends on when they take would have no
 * sequential specification. Delivery, blocking and termination are covered by the contract tests,
 * the soak test and jcstress ({@code WorkQueueStress}). Blocking calls ({@code submit} on a full
 * queue, {@code close()}, timed waits) stay out: Lincheck reports a call that waits as a hang.
 */
class WorkQueueLincheckTest {

    /** A thread that is never started: a consumer that never consumes. */
    private static final Thread IDLE = new Thread(() -> { }, "never-started") {
        @Override
        public void start() {
            // not started, on purpose: see the class doc
        }
    };

    /**
     * Returns {@link #IDLE} for every consumer of every queue: one shared object, because building a
     * thread per scenario dominated the run time under Lincheck's instrumentation.
     */
    private static final ThreadFactory NEVER_STARTED = r -> IDLE;

    @Param(name = "e", gen = IntGen.class, conf = "1:3")
    public static class Intake {
        private final WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> { })
                .capacity(2).threadFactory(NEVER_STARTED).build();

        /** {@code offer(e, ZERO)}: "accepted", "full" or "closed". */
        @Operation
        public String offer(@Param(name = "e") int e) throws InterruptedException {
            try {
                return queue.offer(e, Duration.ZERO) ? "accepted" : "full";
            } catch (IllegalStateException closed) {
                return "closed";
            }
        }

        /** Stops intake; never terminates here (the consumers never run), so always false. */
        @Operation
        public boolean close() throws InterruptedException {
            return queue.close(Duration.ZERO);
        }

        @Operation
        public List<Integer> shutdownNow() {
            return queue.shutdownNow();
        }

        @Operation
        public WorkQueue.Metrics metrics() {
            return queue.metrics();
        }

        @Operation
        public boolean isClosed() {
            return queue.isClosed();
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelChecking().check(Intake.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().check(Intake.class);
    }
}

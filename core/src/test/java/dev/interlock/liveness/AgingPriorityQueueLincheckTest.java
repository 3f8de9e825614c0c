package dev.interlock.liveness;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Linearizability of {@link AgingPriorityQueue}'s non-blocking surface ({@code offer}, {@code poll},
 * {@code peek}, {@code size}) in both Lincheck modes, on a capacity of 2 so that a full queue is
 * reached, with a fake clock that an operation, {@code tick}, moves one aging step. The sequential
 * specification is written from the class doc, not from the implementation: a list of (element,
 * priority, time offered), and poll takes the entry of highest {@code priority + waited / step}
 * (ties: offered first) by a linear scan; so it also checks that the heap's static keys order
 * elements as their effective priorities do at every instant. Blocking calls are out of scope
 * (Lincheck reports a blocked call as a hang); the unit tests cover them.
 */
class AgingPriorityQueueLincheckTest {

    private static final int CAPACITY = 2;

    /** The queue under test and its clock, in whole aging steps of 1 ns. */
    @Param(name = "element", gen = IntGen.class, conf = "1:3")
    @Param(name = "priority", gen = IntGen.class, conf = "0:2")
    public static class Ops {
        private final AtomicLong clock = new AtomicLong();
        private final AgingPriorityQueue<Integer> queue =
                new AgingPriorityQueue<>(Duration.ofNanos(1), CAPACITY, clock::get);

        @Operation
        public boolean offer(@Param(name = "element") int e, @Param(name = "priority") int priority) {
            return queue.offer(e, priority);
        }

        @Operation
        public Integer poll() {
            return queue.poll();
        }

        @Operation
        public Integer peek() {
            return queue.peek();
        }

        @Operation
        public int size() {
            return queue.size();
        }

        @Operation
        public void tick() {
            clock.incrementAndGet();
        }
    }

    /** The sequential specification, by the definition of effective priority. */
    public static class Model {
        private record Offered(int element, int priority, long at, long seq) {
        }

        private final List<Offered> entries = new ArrayList<>();
        private long now;
        private long seq;

        public boolean offer(int e, int priority) {
            if (entries.size() == CAPACITY) {
                return false;
            }
            entries.add(new Offered(e, priority, now, seq++));
            return true;
        }

        public Integer poll() {
            Offered best = best();
            if (best == null) {
                return null;
            }
            entries.remove(best);
            return best.element();
        }

        public Integer peek() {
            Offered best = best();
            return best == null ? null : best.element();
        }

        public int size() {
            return entries.size();
        }

        public void tick() {
            now++;
        }

        // Equal states let Lincheck's verifier merge them: without these it takes minutes.
        @Override
        public boolean equals(Object o) {
            return o instanceof Model m && m.entries.equals(entries) && m.now == now && m.seq == seq;
        }

        @Override
        public int hashCode() {
            return Objects.hash(entries, now, seq);
        }

        private Offered best() {
            Offered best = null;
            for (Offered o : entries) {
                long effective = o.priority() + (now - o.at());
                long bestEffective = best == null ? Long.MIN_VALUE : best.priority() + (now - best.at());
                if (best == null || effective > bestEffective
                        || (effective == bestEffective && o.seq() < best.seq())) {
                    best = o;
                }
            }
            return best;
        }
    }

    /**
     * Model checking with 10 of the default 20 scenarios, 200 of the default 500 invocations each,
     * and short init/post parts (2 and 1 operations, enough to fill the capacity of 2): with the
     * defaults it took 8 to 87 s on the shared two-core machine (load 3 to 20), with 20 x 200 still
     * 61 s at load 16, far over the 10 s a Lincheck test may take. Raise it with
     * {@code -Dinterlock.lincheck.scale}.
     */
    @Test
    void modelChecking() {
        LincheckBudget.modelChecking()
                .iterations(10 * LincheckBudget.SCALE)
                .invocationsPerIteration(200 * LincheckBudget.SCALE)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(Model.class)
                .check(Ops.class);
    }

    /**
     * Stress with 10 of the default 20 scenarios, 200 invocations each, short init/post parts: 62 to
     * 67 s with the defaults, 38 s with these at load 16.
     */
    @Test
    void stress() {
        LincheckBudget.stress()
                .iterations(10 * LincheckBudget.SCALE)
                .invocationsPerIteration(200 * LincheckBudget.SCALE)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(Model.class)
                .check(Ops.class);
    }
}

package dev.interlock.counter;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the counters, in both Lincheck modes: model checking explores interleavings
 * (assuming sequential consistency), stress runs real threads on the real memory model.
 *
 * <p>{@link StripedCounter} is checked with {@code increment} and {@code get} only: with adds of
 * different sizes its {@code get} is documented as not linearizable (a sum of cells read one by one,
 * as {@code LongAdder.sum()}); with increments alone every value it returns was held during the call.
 */
class CounterLincheckTest {

    /** LockedCounter: increment, add and get are linearizable. */
    @Param(name = "delta", gen = IntGen.class, conf = "-3:3")
    public static class Locked {
        private final LockedCounter counter = new LockedCounter();

        @Operation
        public void increment() {
            counter.increment();
        }

        @Operation
        public void add(@Param(name = "delta") int delta) {
            counter.add(delta);
        }

        @Operation
        public long get() {
            return counter.get();
        }
    }

    /** AtomicCounter: increment, add and get are linearizable. */
    @Param(name = "delta", gen = IntGen.class, conf = "-3:3")
    public static class Atomic {
        private final AtomicCounter counter = new AtomicCounter();

        @Operation
        public void increment() {
            counter.increment();
        }

        @Operation
        public void add(@Param(name = "delta") int delta) {
            counter.add(delta);
        }

        @Operation
        public long get() {
            return counter.get();
        }
    }

    /** StripedCounter: increment and get are linearizable. */
    public static class Striped {
        private final StripedCounter counter = new StripedCounter();

        @Operation
        public void increment() {
            counter.increment();
        }

        @Operation
        public long get() {
            return counter.get();
        }
    }

    @Test
    void lockedModelChecking() {
        LincheckBudget.modelChecking().check(Locked.class);
    }

    @Test
    void lockedStress() {
        LincheckBudget.stress().check(Locked.class);
    }

    @Test
    void atomicModelChecking() {
        LincheckBudget.modelChecking().check(Atomic.class);
    }

    @Test
    void atomicStress() {
        LincheckBudget.stress().check(Atomic.class);
    }

    @Test
    void stripedModelChecking() {
        LincheckBudget.modelChecking().check(Striped.class);
    }

    @Test
    void stripedStress() {
        LincheckBudget.stress().check(Striped.class);
    }
}

package dev.interlock.collect;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/**
 * Linearizability of {@link StripedHashMap}'s per-key operations and of {@code size()}, against a
 * sequential model (a {@code HashMap}), in both Lincheck modes: model checking explores interleavings
 * of the lock operations and of the lock-free reads (assuming sequential consistency), stress runs
 * real threads on the real memory model.
 *
 * <p>The map has 2 stripes and keys 1 to 5: keys 2, 4 and 5 share stripe 0 and keys 1 and 3 stripe 1
 * (the spread hash's top bit), and a stripe's table (2 buckets) doubles at its third key, so the
 * scenarios cover two writers on one stripe, writers on different stripes, {@code size} across both
 * stripes, and {@code get} racing a resize. {@code merge} with a fixed function ({@code Integer::sum})
 * stands for the compute family: all of them run the same find-apply-store step under the stripe lock.
 */
class StripedHashMapLincheckTest {

    /** The map under test; operation names and signatures match {@link Model}. */
    @Param(name = "key", gen = IntGen.class, conf = "1:5")
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class Ops {
        private final StripedHashMap<Integer, Integer> map = new StripedHashMap<>(2);

        @Operation
        public Integer put(@Param(name = "key") int key, @Param(name = "value") int value) {
            return map.put(key, value);
        }

        @Operation
        public Integer get(@Param(name = "key") int key) {
            return map.get(key);
        }

        @Operation
        public Integer remove(@Param(name = "key") int key) {
            return map.remove(key);
        }

        @Operation
        public Integer putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
            return map.putIfAbsent(key, value);
        }

        @Operation
        public boolean replace(@Param(name = "key") int key, @Param(name = "value") int oldValue,
                               @Param(name = "value") int newValue) {
            return map.replace(key, oldValue, newValue);
        }

        @Operation
        public Integer merge(@Param(name = "key") int key, @Param(name = "value") int value) {
            return map.merge(key, value, Integer::sum);
        }

        @Operation
        public int size() {
            return map.size();
        }
    }

    /** The sequential specification. */
    public static class Model {
        private final Map<Integer, Integer> map = new HashMap<>();

        public Integer put(int key, int value) {
            return map.put(key, value);
        }

        public Integer get(int key) {
            return map.get(key);
        }

        public Integer remove(int key) {
            return map.remove(key);
        }

        public Integer putIfAbsent(int key, int value) {
            return map.putIfAbsent(key, value);
        }

        public boolean replace(int key, int oldValue, int newValue) {
            return map.replace(key, oldValue, newValue);
        }

        public Integer merge(int key, int value) {
            return map.merge(key, value, Integer::sum);
        }

        public int size() {
            return map.size();
        }
    }

    /**
     * Budget: half the default invocations per scenario. Model checking switches threads at every lock
     * operation and every volatile access of the lock-free reads, and seven operations make many
     * scenarios: with the defaults this test took about 100 s with the machine's load average at 15
     * (the shared 2-core machine, 2026-11-26), the stress test 60 s. Raise it with
     * {@code -Dinterlock.lincheck.scale}.
     */
    @Test
    void modelChecking() {
        LincheckBudget.modelChecking()
                .invocationsPerIteration(250 * LincheckBudget.SCALE)
                .sequentialSpecification(Model.class)
                .check(Ops.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().sequentialSpecification(Model.class).check(Ops.class);
    }
}

package dev.interlock.collect;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link CopyOnWriteList}'s single-element operations (add, get, remove, set,
 * size, contains, addIfAbsent) in both Lincheck modes: model checking explores interleavings
 * (assuming sequential consistency), stress runs real threads on the real memory model. The
 * interesting interleavings are the lock-free fast paths (remove of an absent element, addIfAbsent of
 * a present one) racing writes under the lock. The sequential specification is the list itself,
 * run on one thread.
 *
 * <p>Index operations out of range return a marker instead of throwing, so that "out of range" is a
 * result Lincheck compares like any other.
 */
class CopyOnWriteListLincheckTest {

    /** What get and set return for an index out of range. */
    private static final int OUT_OF_RANGE = -1;

    /** The operations under test on one list. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    @Param(name = "index", gen = IntGen.class, conf = "0:2")
    public static class ListOps {
        private final CopyOnWriteList<Integer> list = new CopyOnWriteList<>();

        @Operation
        public boolean add(@Param(name = "value") int value) {
            return list.add(value);
        }

        @Operation
        public boolean addIfAbsent(@Param(name = "value") int value) {
            return list.addIfAbsent(value);
        }

        @Operation
        public int get(@Param(name = "index") int index) {
            try {
                return list.get(index);
            } catch (IndexOutOfBoundsException e) {
                return OUT_OF_RANGE;
            }
        }

        @Operation
        public int set(@Param(name = "index") int index, @Param(name = "value") int value) {
            try {
                return list.set(index, value);
            } catch (IndexOutOfBoundsException e) {
                return OUT_OF_RANGE;
            }
        }

        @Operation
        public boolean remove(@Param(name = "value") int value) {
            return list.remove(Integer.valueOf(value));
        }

        @Operation
        public int size() {
            return list.size();
        }

        @Operation
        public boolean contains(@Param(name = "value") int value) {
            return list.contains(value);
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelChecking().check(ListOps.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().check(ListOps.class);
    }
}

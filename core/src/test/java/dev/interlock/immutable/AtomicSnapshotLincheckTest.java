package dev.interlock.immutable;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link AtomicSnapshot}'s non-blocking operations, in both Lincheck modes, with a
 * listener attached so that delivery runs inside every change. Values are small {@code Integer}s
 * (boxed through the {@code Integer} cache, so identity and equality agree for compareAndSet).
 */
class AtomicSnapshotLincheckTest {

    @Param(name = "v", gen = IntGen.class, conf = "0:3")
    public static class Snapshot {
        private final AtomicSnapshot<Integer> snapshot = new AtomicSnapshot<>(0);
        private int heard; // written by listener calls, which never overlap

        public Snapshot() {
            snapshot.addListener(v -> heard++);
        }

        @Operation
        public int get() {
            return snapshot.get();
        }

        @Operation
        public void set(@Param(name = "v") int v) {
            snapshot.set(v);
        }

        @Operation
        public boolean compareAndSet(@Param(name = "v") int expected, @Param(name = "v") int v) {
            return snapshot.compareAndSet(expected, v);
        }

        @Operation
        public int increment() {
            return snapshot.update(x -> x + 1);
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelChecking().check(Snapshot.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().check(Snapshot.class);
    }
}

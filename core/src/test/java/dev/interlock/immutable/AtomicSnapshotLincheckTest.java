package dev.interlock.immutable;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Linearizability of {@link AtomicSnapshot}'s non-blocking operations, in both Lincheck modes, with a
 * listener attached so that delivery runs inside every change. Values are small {@code Integer}s
 * (boxed through the {@code Integer} cache, so identity and equality agree for compareAndSet).
 * After each scenario a validation checks that the listener heard every change: a change handed to a
 * delivering thread that had just looked for more and was about to stop must not be stranded.
 */
class AtomicSnapshotLincheckTest {

    @Param(name = "v", gen = IntGen.class, conf = "0:3")
    public static class Snapshot {
        private final AtomicSnapshot<Integer> snapshot = new AtomicSnapshot<>(0);
        private int heard; // written by listener calls, which never overlap
        private final AtomicInteger changes = new AtomicInteger();

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
            changes.incrementAndGet();
        }

        @Operation
        public boolean compareAndSet(@Param(name = "v") int expected, @Param(name = "v") int v) {
            boolean changed = snapshot.compareAndSet(expected, v);
            if (changed) {
                changes.incrementAndGet();
            }
            return changed;
        }

        @Operation
        public int increment() {
            int now = snapshot.update(x -> x + 1);
            changes.incrementAndGet();
            return now;
        }

        /** Once every operation has returned, every change has been delivered. */
        @Validate
        public void everyChangeWasDelivered() {
            if (heard != changes.get()) {
                throw new IllegalStateException("listener heard " + heard + " of " + changes.get() + " changes");
            }
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

package dev.interlock.sync;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Linearizability of {@link BoundedBuffer}'s non-blocking operations on a buffer of capacity 2 (small,
 * so that "full" is reached often), in both Lincheck modes: model checking explores the interleavings
 * of the lock's acquisitions (assuming sequential consistency), stress runs real threads on the real
 * memory model. The sequential specification is the buffer itself, run one operation at a time.
 *
 * <p>Stress mode checks every non-blocking operation. Model checking checks the core set (offer, poll,
 * peek, size, remainingCapacity, remove): with the composite ones too ({@code add}'s exception,
 * {@code contains}, {@code drainTo}) its cost rose from about 9 s to 25 s on the project's two-core
 * machine (2026-11-26), past the per-test budget, for operations that take the same lock the same way.
 *
 * <p>Blocking operations ({@code put}, {@code take} and long timed calls) stay out: a call that really
 * waits makes Lincheck report a hang. They are covered by the contract tests (thread states, latches)
 * and by jcstress' termination tests.
 */
class BoundedBufferLincheckTest {

    /** Every non-blocking operation of the {@code Queue} and {@code BlockingQueue} interfaces, for stress. */
    @Param(name = "e", gen = IntGen.class, conf = "1:3")
    public static class Buffer {
        private final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(2);

        @Operation
        public boolean offer(@Param(name = "e") int e) {
            return buffer.offer(e);
        }

        /** {@code add}, with its "full" exception as a result. */
        @Operation
        public String add(@Param(name = "e") int e) {
            try {
                return "added " + buffer.add(e);
            } catch (IllegalStateException full) {
                return "full";
            }
        }

        @Operation
        public Integer poll() {
            return buffer.poll();
        }

        @Operation
        public Integer peek() {
            return buffer.peek();
        }

        @Operation
        public int size() {
            return buffer.size();
        }

        @Operation
        public int remainingCapacity() {
            return buffer.remainingCapacity();
        }

        @Operation
        public boolean remove(@Param(name = "e") int e) {
            return buffer.remove(e);
        }

        @Operation
        public boolean contains(@Param(name = "e") int e) {
            return buffer.contains(e);
        }

        @Operation
        public List<Integer> drainOne() {
            List<Integer> out = new ArrayList<>();
            buffer.drainTo(out, 1);
            return out;
        }
    }

    /** The core operations, for model checking. */
    @Param(name = "e", gen = IntGen.class, conf = "1:3")
    public static class CoreBuffer {
        private final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(2);

        @Operation
        public boolean offer(@Param(name = "e") int e) {
            return buffer.offer(e);
        }

        @Operation
        public Integer poll() {
            return buffer.poll();
        }

        @Operation
        public Integer peek() {
            return buffer.peek();
        }

        @Operation
        public int size() {
            return buffer.size();
        }

        @Operation
        public int remainingCapacity() {
            return buffer.remainingCapacity();
        }

        @Operation
        public boolean remove(@Param(name = "e") int e) {
            return buffer.remove(e);
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelChecking().check(CoreBuffer.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().check(Buffer.class);
    }
}

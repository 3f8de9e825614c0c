package dev.interlock.sync;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Linearizability of {@link ObjectPool}'s non-blocking surface on a pool of 2, in both Lincheck modes:
 * {@code tryAcquire(Duration.ZERO)}, closing a lease the calling thread holds, {@code leased()} and,
 * in the second scenario, {@code close()}.
 *
 * <p>Leases are kept per Lincheck thread (a {@link ThreadIdGen} parameter), so "release" means "close
 * a lease this thread holds" both in the concurrent run and in the sequential specification Lincheck
 * replays. Blocking acquires are out of scope here (Lincheck reports a blocked operation as a hang);
 * the unit tests and jcstress's termination tests cover them.
 *
 * <p>Budget: stress mode runs only the {@code Closing} scenario, whose operations include all of
 * {@code Open}'s (most generated scenarios close late or never); model checking runs both, since
 * without {@code close()} it spends its whole budget on the acquire/release interleavings.
 */
class ObjectPoolLincheckTest {

    /** Most Lincheck threads, including those running the init and post parts. */
    private static final int MAX_THREADS = 8;

    /** The pool plus each thread's held leases. */
    public static class Pool {
        final ObjectPool<Object> pool = new ObjectPool<>(2, Object::new);
        final List<Deque<ObjectPool.Lease<Object>>> held = new ArrayList<>();

        public Pool() {
            for (int i = 0; i < MAX_THREADS; i++) {
                held.add(new ArrayDeque<>());
            }
        }

        /** "leased", "empty" or "closed". */
        String tryAcquire(int thread) throws InterruptedException {
            try {
                var lease = pool.tryAcquire(Duration.ZERO);
                lease.ifPresent(held.get(thread)::push);
                return lease.isPresent() ? "leased" : "empty";
            } catch (IllegalStateException closed) {
                return "closed";
            }
        }

        /** Closes one lease the thread holds; false if it holds none. */
        boolean release(int thread) {
            var lease = held.get(thread).poll();
            if (lease == null) {
                return false;
            }
            lease.close();
            return true;
        }
    }

    /** tryAcquire, release and leased: the bound and the count are exact at every instant. */
    public static class Open extends Pool {
        @Operation
        public String tryAcquire(@Param(gen = ThreadIdGen.class) int thread) throws InterruptedException {
            return super.tryAcquire(thread);
        }

        @Operation
        public boolean release(@Param(gen = ThreadIdGen.class) int thread) {
            return super.release(thread);
        }

        @Operation
        public int leased() {
            return pool.leased();
        }
    }

    /** The same with close(): an acquire is either before the close (leased) or after it (closed). */
    public static class Closing extends Open {
        @Operation
        public void close() {
            pool.close();
        }
    }

    @Test
    void openModelChecking() {
        LincheckBudget.modelChecking().check(Open.class);
    }

    @Test
    void closingModelChecking() {
        LincheckBudget.modelChecking().check(Closing.class);
    }

    @Test
    void closingStress() {
        LincheckBudget.stress().check(Closing.class);
    }
}

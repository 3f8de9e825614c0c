package dev.interlock.lazy;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Lazy}, in both Lincheck modes. The initializer returns how many times it
 * has been called, so a second successful run would make some {@code get} return 2 where the
 * sequential specification always returns 1. Model checking explores the interleavings of the two
 * checks and the lock (assuming sequential consistency; the missing-{@code volatile} failure is
 * jcstress's job: {@code LazyStress}); stress mode runs real threads. The retry scenario is model
 * checked only: its logic is the interleaving of a failure with waiters, which model checking
 * explores, and stress mode on the same code paths is already covered by {@code onceOnSuccessStress}.
 */
class LazyLincheckTest {

    /** An initializer that succeeds: every get returns 1, isInitialized flips once. */
    public static class OnceOnSuccess {
        private int calls;
        private final Lazy<Integer> lazy = Lazy.of(() -> ++calls);

        @Operation
        public int get() {
            return lazy.get();
        }

        @Operation
        public boolean isInitialized() {
            return lazy.isInitialized();
        }
    }

    /**
     * An initializer that fails on its first call: exactly one get throws, every later one returns 2
     * (a retry after a failure, never a second success).
     */
    public static class RetryAfterFailure {
        private int calls;
        private final Lazy<Integer> lazy = Lazy.of(() -> {
            if (++calls == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return calls;
        });

        @Operation
        public int get() {
            return lazy.get();
        }

        @Operation
        public boolean isInitialized() {
            return lazy.isInitialized();
        }
    }

    @Test
    void onceOnSuccessModelChecking() {
        LincheckBudget.modelChecking().check(OnceOnSuccess.class);
    }

    @Test
    void onceOnSuccessStress() {
        LincheckBudget.stress().check(OnceOnSuccess.class);
    }

    @Test
    void retryAfterFailureModelChecking() {
        LincheckBudget.modelChecking().check(RetryAfterFailure.class);
    }

}

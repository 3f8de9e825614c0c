package dev.interlock.testing;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Small, shared Lincheck budgets: Lincheck's defaults take minutes per test on two cores.
 *
 * <p>Defaults cost about 5-10 s a test on a quiet 2-core machine (several times that when the
 * machine is loaded). Raise them for a deeper search with {@code -Dinterlock.lincheck.scale=10} (multiplies
 * iterations and invocations).
 */
public final class LincheckBudget {

    /** Multiplier from {@code -Dinterlock.lincheck.scale}, at least 1. */
    public static final int SCALE = Math.max(1, Integer.getInteger("interlock.lincheck.scale", 1));

    private LincheckBudget() {
    }

    /**
     * Model checking: explores interleavings at every shared-memory access, assuming sequential
     * consistency (it cannot find a missing {@code volatile}; pair it with stress mode and jcstress).
     */
    public static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(500 * SCALE)
                .threads(2)
                .actorsPerThread(3);
    }

    /** Stress: real threads on the real memory model, many random scenarios. */
    public static StressOptions stress() {
        return new StressOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(500 * SCALE)
                .threads(2)
                .actorsPerThread(3);
    }
}

package dev.interlock.stress.lazy;

import dev.interlock.lab.broken.NonVolatileDoubleCheckedLazy;
import dev.interlock.lazy.Lazy;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Double-checked locking with and without {@code volatile}: one actor initialises, the other reads
 * through the same {@code get()} at the same time, and each reports how many of the object's four
 * plain fields it saw set (4 = fully built). Only the reader can see fewer: the initialising actor
 * built the object itself.
 *
 * <p>{@link NonVolatile}: the memory model allows the reader to see the reference before the
 * constructor's stores, so 0 to 3 are ACCEPTABLE_INTERESTING: allowed, and the bug. On x86 with
 * HotSpot they are rarely if ever observed (x86 does not reorder stores with stores, and C2 seldom
 * moves the field stores after the reference store); on ARM/POWER they can be. Not observing them is
 * not evidence of correctness. {@link WithVolatile} ({@link Lazy}): FORBIDDEN.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t DoubleCheckedLockingStress -m quick}
 */
public final class DoubleCheckedLockingStress {

    private DoubleCheckedLockingStress() {
    }

    @JCStressTest
    @Outcome(id = "4, 4", expect = ACCEPTABLE, desc = "Both saw the object fully built.")
    @Outcome(id = {"4, 0", "4, 1", "4, 2", "4, 3"}, expect = ACCEPTABLE_INTERESTING,
            desc = "The reader saw the reference before the constructor's stores: a partially built object. "
                    + "Allowed without volatile; the bug.")
    @Outcome(expect = FORBIDDEN, desc = "The initialising actor cannot see its own object unbuilt.")
    @State
    public static class NonVolatile {
        final NonVolatileDoubleCheckedLazy<LazyStress.FourFields> lazy =
                new NonVolatileDoubleCheckedLazy<>(LazyStress.FourFields::new);

        @Actor
        public void initialiser(II_Result r) {
            r.r1 = lazy.get().fieldsSet();
        }

        @Actor
        public void reader(II_Result r) {
            r.r2 = lazy.get().fieldsSet();
        }
    }

    @JCStressTest
    @Outcome(id = "4, 4", expect = ACCEPTABLE, desc = "Both saw the object fully built.")
    @Outcome(expect = FORBIDDEN, desc = "A partially built object: the volatile publication failed.")
    @State
    public static class WithVolatile {
        final Lazy<LazyStress.FourFields> lazy = Lazy.of(LazyStress.FourFields::new);

        @Actor
        public void initialiser(II_Result r) {
            r.r1 = lazy.get().fieldsSet();
        }

        @Actor
        public void reader(II_Result r) {
            r.r2 = lazy.get().fieldsSet();
        }
    }
}

package dev.interlock.stress.lazy;

import dev.interlock.lazy.Lazy;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Lazy} on the real memory model: two actors race the first {@code get()} of a fresh
 * {@code Lazy}. Each reports how many of the object's four plain (non-final) fields it saw set; the
 * arbiter reports how many times the initializer ran and whether both actors got the same instance.
 * Only "4, 4, 1, 1" is allowed: one instance, built once, seen fully built by both, whichever actor
 * built it and whichever took the fast path (the volatile read).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t LazyStress -m quick}
 */
public final class LazyStress {

    private LazyStress() {
    }

    /** Four plain fields: only the volatile publication in {@code Lazy} makes them visible. */
    public static final class FourFields {
        int a;
        int b;
        int c;
        int d;

        public FourFields() {
            a = 1;
            b = 1;
            c = 1;
            d = 1;
        }

        int fieldsSet() {
            return a + b + c + d;
        }
    }

    @JCStressTest
    @Outcome(id = "4, 4, 1, 1", expect = ACCEPTABLE,
            desc = "Both actors got the one instance, fully built; the initializer ran once.")
    @Outcome(expect = FORBIDDEN,
            desc = "A partially built object was seen, the initializer ran twice, or the actors got different instances.")
    @State
    public static class RacingGets {
        int initializerCalls; // written under the Lazy's lock only
        final Lazy<FourFields> lazy = Lazy.of(() -> {
            initializerCalls++;
            return new FourFields();
        });
        FourFields seen1;
        FourFields seen2;

        @Actor
        public void actor1(IIII_Result r) {
            FourFields f = lazy.get();
            seen1 = f;
            r.r1 = f.fieldsSet();
        }

        @Actor
        public void actor2(IIII_Result r) {
            FourFields f = lazy.get();
            seen2 = f;
            r.r2 = f.fieldsSet();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r3 = initializerCalls;
            r.r4 = seen1 == seen2 ? 1 : 0;
        }
    }
}

package dev.interlock.stress.collect;

import dev.interlock.collect.StripedHashMap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.ZZI_Result;
import org.openjdk.jcstress.infra.results.ZZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link StripedHashMap} on the real memory model: two racing {@code putIfAbsent}s have exactly one
 * winner; puts racing a resize keep every key; a lock-free {@code get} racing a resize still finds the
 * keys that were there before it.
 *
 * <p>The resize tests use one stripe holding two keys: its table has 2 buckets and doubles at the
 * third key (more than three quarters full), so the first put of a new key resizes.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t StripedHashMapStress -m quick}
 */
public final class StripedHashMapStress {

    private StripedHashMapStress() {
    }

    /** Integer or 0 for null. */
    static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    @JCStressTest
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "Actor 1 won: actor 2 saw its value, which stayed.")
    @Outcome(id = "2, 0, 2", expect = ACCEPTABLE, desc = "Actor 2 won: actor 1 saw its value, which stayed.")
    @Outcome(expect = FORBIDDEN, desc = "Two winners, no winner, or a value that is not the winner's.")
    @State
    public static class PutIfAbsentHasOneWinner {
        final StripedHashMap<Integer, Integer> map = new StripedHashMap<>();

        @Actor
        public void actor1(III_Result r) {
            r.r1 = orZero(map.putIfAbsent(7, 1));
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = orZero(map.putIfAbsent(7, 2));
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = orZero(map.get(7));
        }
    }

    @JCStressTest
    @Outcome(id = "true, true, 4", expect = ACCEPTABLE, desc = "Both new keys kept through the resizes; size 4.")
    @Outcome(expect = FORBIDDEN, desc = "A key lost, or a size off, by a put racing a resize.")
    @State
    public static class PutRacingResizeKeepsBothKeys {
        final StripedHashMap<Integer, Integer> map = new StripedHashMap<>(1);

        public PutRacingResizeKeepsBothKeys() {
            map.put(1, 1);
            map.put(2, 2);
        }

        @Actor
        public void actor1() {
            map.put(3, 3);
        }

        @Actor
        public void actor2() {
            map.put(4, 4);
        }

        @Arbiter
        public void arbiter(ZZI_Result r) {
            r.r1 = map.get(3) != null;
            r.r2 = map.get(4) != null;
            r.r3 = map.size();
        }
    }

    @JCStressTest
    @Outcome(id = "true, true, false", expect = ACCEPTABLE, desc = "Old keys found; the new key not yet there.")
    @Outcome(id = "true, true, true", expect = ACCEPTABLE, desc = "Old keys found; the new key already there.")
    @Outcome(expect = FORBIDDEN, desc = "A lock-free get missed a key that was present throughout the resize.")
    @State
    public static class GetRacingResizeFindsOldKeys {
        final StripedHashMap<Integer, Integer> map = new StripedHashMap<>(1);

        public GetRacingResizeFindsOldKeys() {
            map.put(1, 1);
            map.put(2, 2);
        }

        @Actor
        public void writer() {
            map.put(3, 3); // the stripe's third key: doubles its table
        }

        @Actor
        public void reader(ZZZ_Result r) {
            r.r1 = Integer.valueOf(1).equals(map.get(1));
            r.r2 = Integer.valueOf(2).equals(map.get(2));
            r.r3 = Integer.valueOf(3).equals(map.get(3));
        }
    }
}

package dev.interlock.stress.immutable;

import dev.interlock.immutable.AtomicSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.ArrayList;
import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link AtomicSnapshot} on the real memory model. {@link UpdateRacingUpdate}: two actors each add
 * one with {@code update}; the arbiter must read 2 (no lost update) and the listener must have heard
 * 1 then 2. {@link SetRacingSet}: two actors set different values; the listener must have heard both,
 * and the last one it heard must be the final value.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t AtomicSnapshotStress -m quick}
 */
public final class AtomicSnapshotStress {

    private AtomicSnapshotStress() {
    }

    @JCStressTest
    @Outcome(id = "2, 2, 12", expect = ACCEPTABLE,
            desc = "Both updates counted; the listener heard 1 then 2.")
    @Outcome(expect = FORBIDDEN, desc = "A lost update, a change not delivered, or delivered out of order.")
    @State
    public static class UpdateRacingUpdate {
        final AtomicSnapshot<Integer> snapshot = new AtomicSnapshot<>(0);
        final List<Integer> heard = new ArrayList<>(); // listener calls never overlap

        public UpdateRacingUpdate() {
            snapshot.addListener(heard::add);
        }

        @Actor
        public void actor1() {
            snapshot.update(x -> x + 1);
        }

        @Actor
        public void actor2() {
            snapshot.update(x -> x + 1);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = snapshot.get();
            r.r2 = heard.size();
            int order = 0;
            for (int v : heard) {
                order = order * 10 + v;
            }
            r.r3 = order;
        }
    }

    @JCStressTest
    @Outcome(id = {"1, 2", "2, 1"}, expect = ACCEPTABLE,
            desc = "Both changes delivered, in the order they took effect: the last one heard is the final value.")
    @Outcome(expect = FORBIDDEN, desc = "A change not delivered, or delivered out of order.")
    @State
    public static class SetRacingSet {
        final AtomicSnapshot<Integer> snapshot = new AtomicSnapshot<>(0);
        final List<Integer> heard = new ArrayList<>();

        public SetRacingSet() {
            snapshot.addListener(heard::add);
        }

        @Actor
        public void actor1() {
            snapshot.set(1);
        }

        @Actor
        public void actor2() {
            snapshot.set(2);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            if (heard.size() != 2 || !heard.get(1).equals(snapshot.get())) {
                r.r1 = -1;
                r.r2 = heard.size();
                return;
            }
            r.r1 = heard.get(0);
            r.r2 = heard.get(1);
        }
    }
}

package dev.interlock.stress.counter;

import dev.interlock.counter.AtomicCounter;
import dev.interlock.counter.Counter;
import dev.interlock.counter.LockedCounter;
import dev.interlock.counter.StripedCounter;
import dev.interlock.lab.broken.RacyCounter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two actors increment one fresh counter; the arbiter reads it after both. Every safe counter must
 * read 2; the racy one may read 1 (a lost update). A third test races two {@code add}s with a read.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t CounterStress -m quick}
 */
public final class CounterStress {

    private CounterStress() {
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost or invented.")
    @State
    public static class Locked {
        final Counter counter = new LockedCounter();

        @Actor
        public void actor1() {
            counter.increment();
        }

        @Actor
        public void actor2() {
            counter.increment();
        }

        @Arbiter
        public void arbiter(J_Result r) {
            r.r1 = counter.get();
        }
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost or invented.")
    @State
    public static class Atomic {
        final Counter counter = new AtomicCounter();

        @Actor
        public void actor1() {
            counter.increment();
        }

        @Actor
        public void actor2() {
            counter.increment();
        }

        @Arbiter
        public void arbiter(J_Result r) {
            r.r1 = counter.get();
        }
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted, whichever cells they hit.")
    @Outcome(expect = FORBIDDEN, desc = "An increment was lost, e.g. during the first inflation of cells.")
    @State
    public static class Striped {
        final Counter counter = new StripedCounter();

        @Actor
        public void actor1() {
            counter.increment();
        }

        @Actor
        public void actor2() {
            counter.increment();
        }

        @Arbiter
        public void arbiter(J_Result r) {
            r.r1 = counter.get();
        }
    }

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted (the race did not hit).")
    @Outcome(id = "1", expect = ACCEPTABLE_INTERESTING,
            desc = "Lost update: both actors read 0 and wrote 1. The broken variant's failure.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class Racy {
        final Counter counter = new RacyCounter();

        @Actor
        public void actor1() {
            counter.increment();
        }

        @Actor
        public void actor2() {
            counter.increment();
        }

        @Arbiter
        public void arbiter(J_Result r) {
            r.r1 = counter.get();
        }
    }

    /**
     * A striped counter read while one thread adds 1 then 2: the read is a sum of cells taken one by
     * one, so it is exact after the updates (arbiter: 3) but may, during them, be a sum the counter
     * never held (2: the add of 2 seen, the earlier add of 1 not, when they landed in different
     * cells). Two actors only: jcstress skips tests with more actors than CPUs.
     */
    @JCStressTest
    @Outcome(id = {"0, 3", "1, 3", "3, 3"}, expect = ACCEPTABLE,
            desc = "The read saw a prefix of the updates; the final sum is exact.")
    @Outcome(id = "2, 3", expect = ACCEPTABLE_INTERESTING,
            desc = "Not an atomic snapshot: the later add counted without the earlier one (documented, as LongAdder.sum).")
    @Outcome(expect = FORBIDDEN, desc = "A lost or invented update.")
    @State
    public static class StripedReadDuringUpdates {
        final StripedCounter counter = new StripedCounter();

        @Actor
        public void adder() {
            counter.add(1);
            counter.add(2);
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = counter.get();
        }

        @Arbiter
        public void arbiter(JJ_Result r) {
            r.r2 = counter.get();
        }
    }
}

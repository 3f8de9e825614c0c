package dev.interlock.stress.collect;

import dev.interlock.collect.CopyOnWriteList;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.ZZI_Result;

import java.util.ArrayList;
import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link CopyOnWriteList} on the real memory model: an element is published fully built, two adds
 * racing are both kept, and two {@code addIfAbsent}s of one element add it once. Beside them, the
 * same add race on a plain {@code ArrayList}, the broken way the lab's {@code copy-on-write}
 * experiment starts from.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t CopyOnWriteListStress -m quick}
 */
public final class CopyOnWriteListStress {

    private CopyOnWriteListStress() {
    }

    /** An element whose fields are plain (not final, not volatile), set in its constructor. */
    static final class Point {
        int x;
        int y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }
    }

    /**
     * A writer adds a new {@code Point(1, 2)}; a reader that sees it must see both fields set. Plain
     * fields are safe here only because the list's volatile write of its new array comes after the
     * constructor, and the reader's volatile read of the array before its reads of the fields.
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The reader ran before the add: empty list.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The reader saw the element, fully built.")
    @Outcome(expect = FORBIDDEN, desc = "The reader saw the element with a field still at its default: unsafe publication.")
    @State
    public static class Publication {
        final CopyOnWriteList<Point> list = new CopyOnWriteList<>();

        @Actor
        public void writer() {
            list.add(new Point(1, 2));
        }

        @Actor
        public void reader(II_Result r) {
            Object[] snapshot = list.toArray();
            if (snapshot.length == 0) {
                r.r1 = -1;
                r.r2 = -1;
            } else {
                Point p = (Point) snapshot[0];
                r.r1 = p.x;
                r.r2 = p.y;
            }
        }
    }

    /** The same through {@code get}, the read path the benchmarks measure. */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The reader ran before the add: empty list.")
    @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "The reader saw the element, fully built.")
    @Outcome(expect = FORBIDDEN, desc = "The reader saw the element with a field still at its default: unsafe publication.")
    @State
    public static class PublicationThroughGet {
        final CopyOnWriteList<Point> list = new CopyOnWriteList<>();

        @Actor
        public void writer() {
            list.add(new Point(1, 2));
        }

        @Actor
        public void reader(II_Result r) {
            Point p;
            try {
                p = list.get(0);
            } catch (IndexOutOfBoundsException empty) {
                r.r1 = -1;
                r.r2 = -1;
                return;
            }
            r.r1 = p.x;
            r.r2 = p.y;
        }
    }

    /** Two adds race on an empty list; afterwards both elements are there, in either order. */
    @JCStressTest
    @Outcome(id = {"2, 0, 1", "2, 1, 0"}, expect = ACCEPTABLE, desc = "Both adds kept, in one order or the other.")
    @Outcome(expect = FORBIDDEN, desc = "An add was lost or an element duplicated.")
    @State
    public static class AddRacingAdd {
        final CopyOnWriteList<String> list = new CopyOnWriteList<>();

        @Actor
        public void adderA() {
            list.add("a");
        }

        @Actor
        public void adderB() {
            list.add("b");
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r1 = list.size();
            r.r2 = list.indexOf("a");
            r.r3 = list.indexOf("b");
        }
    }

    /** Two addIfAbsent of one element race: exactly one succeeds and the element is there once. */
    @JCStressTest
    @Outcome(id = {"true, false, 1", "false, true, 1"}, expect = ACCEPTABLE, desc = "Exactly one call added it.")
    @Outcome(expect = FORBIDDEN, desc = "Both added it (a duplicate) or neither did.")
    @State
    public static class AddIfAbsentRacingAddIfAbsent {
        final CopyOnWriteList<String> list = new CopyOnWriteList<>();

        @Actor
        public void first(ZZI_Result r) {
            r.r1 = list.addIfAbsent("x");
        }

        @Actor
        public void second(ZZI_Result r) {
            r.r2 = list.addIfAbsent("x");
        }

        @Arbiter
        public void arbiter(ZZI_Result r) {
            r.r3 = list.size();
        }
    }

    /**
     * The broken way: two adds race on a plain {@code ArrayList}. Both grow the empty list's array
     * and one store overwrites the other's, or both write the same slot: one element lost.
     */
    @JCStressTest
    @Outcome(id = {"2, 0, 1", "2, 1, 0"}, expect = ACCEPTABLE, desc = "Both adds kept (the race did not hit).")
    @Outcome(id = {"1, 0, -1", "1, -1, 0", "2, -1, 0", "2, 0, -1", "2, -1, -1", "1, -1, -1"},
            expect = ACCEPTABLE_INTERESTING,
            desc = "An add was lost (or a slot left null): ArrayList is not thread-safe.")
    @Outcome(id = "-1, -1, -1", expect = ACCEPTABLE_INTERESTING,
            desc = "An add threw (index out of bounds in the racing growth).")
    @Outcome(expect = ACCEPTABLE_INTERESTING, desc = "Any other corruption of an unsynchronized ArrayList.")
    @State
    public static class ArrayListAddRacingAdd {
        final List<String> list = new ArrayList<>();
        volatile boolean threw;

        @Actor
        public void adderA() {
            try {
                list.add("a");
            } catch (RuntimeException e) {
                threw = true;
            }
        }

        @Actor
        public void adderB() {
            try {
                list.add("b");
            } catch (RuntimeException e) {
                threw = true;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            if (threw) {
                r.r1 = -1;
                r.r2 = -1;
                r.r3 = -1;
                return;
            }
            r.r1 = list.size();
            r.r2 = list.indexOf("a");
            r.r3 = list.indexOf("b");
        }
    }
}

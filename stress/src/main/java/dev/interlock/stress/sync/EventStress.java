package dev.interlock.stress.sync;

import dev.interlock.sync.Event;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Event} on the real memory model: a set racing a wait always releases the waiter, and data
 * written before {@code set()} is seen by a thread that returns from a wait because of it.
 *
 * <p>The set-then-clear pulse is not tested here: jcstress cannot make sure the waiter is already
 * waiting when the pulse comes, and a waiter that starts after a pulse rightly waits for the next set.
 * The unit tests ({@code EventTest}) check it with threads confirmed parked first and, for a waiter
 * that has read the flag but not yet parked, by running the two halves of a wait (package-private)
 * with the pulse in between.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t EventStress -m quick}
 */
public final class EventStress {

    private EventStress() {
    }

    /** await() racing set(): the waiter always returns. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "set() released the waiter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter missed the set and stayed blocked.")
    @State
    public static class SetReleasesWaiter {
        final Event event = new Event();

        @Actor
        public void waiter() {
            try {
                event.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // jcstress interrupts a stale actor
            }
        }

        @Signal
        public void set() {
            event.set();
        }
    }

    /** A plain write before set() is visible after a blocking await returns. */
    @JCStressTest
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "The waiter returned after the set and saw the write.")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "The waiter returned but missed the write made before set().")
    @Outcome(id = "-1", expect = FORBIDDEN, desc = "The waiter timed out (10 s): the set was lost.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class SetPublishesToWaiter {
        final Event event = new Event();
        int data;

        @Actor
        public void publisher() {
            data = 42;
            event.set();
        }

        @Actor
        public void waiter(I_Result r) {
            try {
                r.r1 = event.await(Duration.ofSeconds(10)) ? data : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r1 = -2;
            }
        }
    }

    /**
     * The same through a set-then-clear pulse and a zero-timeout wait: whenever the wait returns true
     * (the flag was raised, or a set happened during the call) the write is visible.
     */
    @JCStressTest
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "The wait saw the set (or the pulse) and the write.")
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "The wait came before the set, or after the clear.")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "The wait returned true but missed the write made before set().")
    @Outcome(expect = FORBIDDEN, desc = "Anything else.")
    @State
    public static class PulsePublishesToWaiter {
        final Event event = new Event();
        int data;

        @Actor
        public void publisher() {
            data = 42;
            event.set();
            event.clear();
        }

        @Actor
        public void waiter(I_Result r) {
            try {
                r.r1 = event.await(Duration.ZERO) ? data : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r1 = -2;
            }
        }
    }
}

package dev.interlock.sync;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Linearizability of {@link Event}'s non-blocking surface in both Lincheck modes: set, clear, isSet and
 * {@code await(Duration.ZERO)} (which is true iff the flag is raised, or a set happened during the
 * call). Blocking awaits are covered by the unit tests and jcstress's termination tests.
 */
class EventLincheckTest {

    public static class Flag {
        private final Event event = new Event();

        @Operation
        public void set() {
            event.set();
        }

        @Operation
        public void clear() {
            event.clear();
        }

        @Operation
        public boolean isSet() {
            return event.isSet();
        }

        @Operation
        public boolean awaitZero() throws InterruptedException {
            return event.await(Duration.ZERO);
        }
    }

    @Test
    void modelChecking() {
        LincheckBudget.modelChecking().check(Flag.class);
    }

    @Test
    void stress() {
        LincheckBudget.stress().check(Flag.class);
    }
}

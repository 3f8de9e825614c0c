package dev.interlock.lab.broken;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proof catches the bug: Lincheck's model checker finds the interleaving in which two increments
 * read the same value, and reports the racy counter as not linearizable.
 */
class RacyCounterLincheckTest {

    public static class Racy {
        private final RacyCounter counter = new RacyCounter();

        @Operation
        public void increment() {
            counter.increment();
        }

        @Operation
        public long get() {
            return counter.get();
        }
    }

    @Test
    void modelCheckingFindsTheLostUpdate() {
        assertThatThrownBy(() -> LincheckBudget.modelChecking().check(Racy.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }
}

package dev.interlock.lab.broken;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proof catches the bug: the model checker finds an interleaving in which the unsynchronised
 * bank's total is not the money it holds (money in flight, or a lost debit or credit).
 */
class UnsynchronizedBankLincheckTest {

    @Param(name = "from", gen = IntGen.class, conf = "0:1")
    @Param(name = "amount", gen = IntGen.class, conf = "1:2")
    public static class Racy {
        private final UnsynchronizedBank bank = new UnsynchronizedBank(2, 2);

        @Operation
        public boolean transfer(@Param(name = "from") int from, @Param(name = "amount") int amount) {
            return bank.transfer(from, 1 - from, amount);
        }

        @Operation
        public long totalBalance() {
            return bank.totalBalance();
        }
    }

    @Test
    void modelCheckingFindsMoneyInFlightOrLost() {
        assertThatThrownBy(() -> LincheckBudget.modelChecking().check(Racy.class))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("Invalid execution results");
    }
}

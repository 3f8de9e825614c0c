package dev.interlock.bank;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

/**
 * Linearizability of {@link Bank} against a sequential model (three plain {@code long} balances), in
 * both Lincheck modes: model checking explores interleavings of the lock operations (assuming
 * sequential consistency), stress runs real threads on the real memory model.
 *
 * <p>Three accounts of 2 units and amounts of 1 to 3 make refused transfers common. Each transfer goes
 * from account {@code from} to {@code (from + shift) % 3}, so it never targets its own source.
 * {@code totalBalance} being linearizable means every concurrent audit sees exactly 6: money is
 * conserved at every instant, not only at the end. The timed {@code tryTransfer} runs with a timeout
 * no test reaches, so it must behave exactly like {@code transfer}.
 */
class BankLincheckTest {

    private static final int ACCOUNTS = 3;
    private static final long INITIAL = 2;

    /** The bank under test; operation names and signatures match {@link Model}. */
    @Param(name = "from", gen = IntGen.class, conf = "0:2")
    @Param(name = "shift", gen = IntGen.class, conf = "1:2")
    @Param(name = "amount", gen = IntGen.class, conf = "1:3")
    @Param(name = "account", gen = IntGen.class, conf = "0:2")
    public static class Transfers {
        private final Bank bank = new Bank();
        private final Account[] accounts = new Account[ACCOUNTS];

        public Transfers() {
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts[i] = bank.open(INITIAL);
            }
        }

        @Operation
        public boolean transfer(@Param(name = "from") int from, @Param(name = "shift") int shift,
                                @Param(name = "amount") int amount) {
            return bank.transfer(accounts[from], accounts[(from + shift) % ACCOUNTS], amount);
        }

        @Operation
        public TransferResult tryTransfer(@Param(name = "from") int from, @Param(name = "shift") int shift,
                                          @Param(name = "amount") int amount) throws InterruptedException {
            return bank.tryTransfer(accounts[from], accounts[(from + shift) % ACCOUNTS], amount,
                    Duration.ofHours(1));
        }

        @Operation
        public long balance(@Param(name = "account") int account) {
            return accounts[account].balance();
        }

        @Operation
        public long totalBalance() {
            return bank.totalBalance();
        }
    }

    /** The sequential specification: what each operation does when operations run one at a time. */
    public static class Model {
        private final long[] balances = new long[ACCOUNTS];

        public Model() {
            Arrays.fill(balances, INITIAL);
        }

        public boolean transfer(int from, int shift, int amount) {
            return tryTransfer(from, shift, amount) == TransferResult.DONE;
        }

        public TransferResult tryTransfer(int from, int shift, int amount) {
            int to = (from + shift) % ACCOUNTS;
            if (balances[from] < amount) {
                return TransferResult.INSUFFICIENT_FUNDS;
            }
            balances[from] -= amount;
            balances[to] += amount;
            return TransferResult.DONE;
        }

        public long balance(int account) {
            return balances[account];
        }

        public long totalBalance() {
            long sum = 0;
            for (long b : balances) {
                sum += b;
            }
            return sum;
        }
    }

    /**
     * Budget: model checking treats every lock operation as a switch point, and an audit takes four
     * locks. With the shared defaults this test took about 50 s on two cores, several times the locked
     * counter's (half of it from totalBalance, the rest from transfers alone). So it runs a fifth of the
     * default invocations per scenario, over the default number of scenarios (~6 s). That budget still
     * finds, within seconds, an audit that reads the balances one lock at a time (invalid results) and
     * a transfer that locks its source first (the execution hangs): both mutations tried. Raise it with
     * {@code -Dinterlock.lincheck.scale}.
     */
    @Test
    void modelChecking() {
        LincheckBudget.modelChecking()
                .invocationsPerIteration(100 * LincheckBudget.SCALE)
                .sequentialSpecification(Model.class)
                .check(Transfers.class);
    }

    /** Stress, with two thirds of the default scenarios, to stay near the counters' time. */
    @Test
    void stress() {
        LincheckBudget.stress()
                .iterations(20 * LincheckBudget.SCALE)
                .sequentialSpecification(Model.class)
                .check(Transfers.class);
    }
}

package dev.interlock.stress.bank;

import dev.interlock.bank.Account;
import dev.interlock.bank.Bank;
import dev.interlock.lab.broken.UnsynchronizedBank;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two transfers in opposite directions race each other and an audit of the bank's total.
 *
 * <p>Setup: A holds 3, B holds 0. One actor moves 3 from A to B; the other moves 2 from B to A, then
 * reads the total, racing the first actor's transfer. Sequentially there are two legal endings: A to
 * B first, then B to A ({@code A=2, B=1}), or B to A first, refused for lack of funds, then A to B
 * ({@code A=0, B=3}). With {@link Bank}, whose audit takes every account's lock, the total read is
 * always 3 and the ending is one of the two; the unsynchronised bank from the lab shows money in
 * flight and endings that create or destroy money.
 *
 * <p>Why two actors, not a third for the observer: on a 2-CPU machine jcstress schedules no test with
 * more actors than CPUs (it reports "No scheduling is possible" and skips it), so the audit rides on
 * the second actor, after its own transfer and concurrently with the first actor's.
 *
 * <p>A test that can deadlock has no place here (jcstress would hang on it); the naive-order bank's
 * deadlock is shown by the lab's {@code bank-transfer} experiment. {@link Terminates} checks instead
 * that {@code Bank}'s opposite transfers always finish.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t BankStress -m quick}
 */
public final class BankStress {

    private BankStress() {
    }

    /** Results are {@code observed total, final A, final B}. */
    @JCStressTest
    @Outcome(id = "3, 2, 1", expect = ACCEPTABLE,
            desc = "Audit saw the conserved total; A to B ran first, then B to A.")
    @Outcome(id = "3, 0, 3", expect = ACCEPTABLE,
            desc = "Audit saw the conserved total; B to A ran first and was refused, then A to B.")
    @Outcome(expect = FORBIDDEN,
            desc = "The audit saw money in flight, or the ending is not a sequential one: not atomic.")
    @State
    public static class Ordered {
        final Bank bank = new Bank();
        final Account a = bank.open(3);
        final Account b = bank.open(0);

        @Actor
        public void aToB() {
            bank.transfer(a, b, 3);
        }

        @Actor
        public void bToAThenAudit(JJJ_Result r) {
            bank.transfer(b, a, 2);
            r.r1 = bank.totalBalance();
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r2 = a.balance();
            r.r3 = b.balance();
        }
    }

    /** Results are {@code observed total, final A, final B}. Exact ids match first, then patterns in order. */
    @JCStressTest
    @Outcome(id = "3, 2, 1", expect = ACCEPTABLE,
            desc = "Audit saw the conserved total; A to B ran first, then B to A (the race did not hit).")
    @Outcome(id = "3, 0, 3", expect = ACCEPTABLE,
            desc = "Audit saw the conserved total; B to A was refused, then A to B (the race did not hit).")
    @Outcome(id = "3, .*", expect = ACCEPTABLE_INTERESTING,
            desc = "Lost update: the ending is no sequential result, money was created or destroyed.")
    @Outcome(id = ".*, (2, 1|0, 3)", expect = ACCEPTABLE_INTERESTING,
            desc = "Torn read: the audit saw money in flight (debited, not yet credited) or a stale balance.")
    @Outcome(expect = ACCEPTABLE_INTERESTING, desc = "Torn read and lost update together.")
    @State
    public static class Unsynchronized {
        final UnsynchronizedBank bank = UnsynchronizedBank.of(3, 0);

        @Actor
        public void aToB() {
            bank.transfer(0, 1, 3);
        }

        @Actor
        public void bToAThenAudit(JJJ_Result r) {
            bank.transfer(1, 0, 2);
            r.r1 = bank.totalBalance();
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r2 = bank.balance(0);
            r.r3 = bank.balance(1);
        }
    }

    /**
     * Deadlock freedom: while the actor keeps transferring from A to B, the signal starts a transfer
     * from B to A. With source-first locking the two could each hold one lock and wait for the other:
     * the actor would never see the flag (STALE). Ordered by id, both lock A first: always TERMINATED.
     *
     * <p>The opposite transfer runs on a helper thread the signal starts, so that the signal itself
     * returns at once: jcstress waits for its signal method without a bound, and a signal caught in a
     * deadlock would hang the whole run instead of reporting STALE (tried with the naive bank: it hangs).
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "Both transfers finished: no deadlock.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The actor never finished: the opposite transfers deadlocked.")
    @State
    public static class Terminates {
        final Bank bank = new Bank();
        final Account a = bank.open(1_000_000);
        final Account b = bank.open(1_000_000);
        volatile boolean done;

        @Actor
        public void actor() {
            while (!done) {
                bank.transfer(a, b, 1);
            }
        }

        @Signal
        public void signal() {
            Thread.ofPlatform().daemon().name("b-to-a").start(() -> {
                bank.transfer(b, a, 1);
                done = true;
            });
        }
    }
}

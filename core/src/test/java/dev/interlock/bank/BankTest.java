package dev.interlock.bank;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link Bank} contract, one thread at a time, and its timed variants against a lock held by
 * another thread.
 */
class BankTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private final Bank bank = new Bank();
    private final Account a = bank.open(100);
    private final Account b = bank.open(50);

    // ---- transfer ----

    @Test
    void transferMovesTheAmount() {
        assertThat(bank.transfer(a, b, 30)).isTrue();
        assertBalances(70, 80);
        assertThat(bank.transfer(b, a, 80)).isTrue();
        assertBalances(150, 0);
    }

    @Test
    void transferOfTheWholeBalanceEmptiesTheSource() {
        assertThat(bank.transfer(a, b, 100)).isTrue();
        assertBalances(0, 150);
    }

    @Test
    void transferRefusesInsufficientFundsAndChangesNothing() {
        assertThat(bank.transfer(a, b, 101)).isFalse();
        assertThat(bank.transfer(b, a, Long.MAX_VALUE)).isFalse();
        assertBalances(100, 50);
    }

    @Test
    void transferRejectsNonPositiveAmountsAndChangesNothing() {
        assertThatThrownBy(() -> bank.transfer(a, b, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.transfer(a, b, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.transfer(a, b, Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertBalances(100, 50);
    }

    @Test
    void transferToTheSameAccountIsRejectedAndChangesNothing() {
        assertThatThrownBy(() -> bank.transfer(a, a, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("itself");
        assertBalances(100, 50);
    }

    @Test
    void transferWithNullAccountThrowsNullPointerAndChangesNothing() {
        assertThatThrownBy(() -> bank.transfer(null, b, 10)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> bank.transfer(a, null, 10)).isInstanceOf(NullPointerException.class);
        assertBalances(100, 50);
    }

    @Test
    void transferOverflowingTheTargetIsRejectedAndChangesNothing() {
        Account rich = bank.open(Long.MAX_VALUE);
        Account almost = bank.open(Long.MAX_VALUE - 5);
        assertThatThrownBy(() -> bank.transfer(a, rich, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflow");
        assertThatThrownBy(() -> bank.transfer(a, almost, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.balance()).isEqualTo(100);
        assertThat(rich.balance()).isEqualTo(Long.MAX_VALUE);
        assertThat(almost.balance()).isEqualTo(Long.MAX_VALUE - 5);
        assertThat(bank.transfer(a, almost, 5)).isTrue();
        assertThat(almost.balance()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void transferOfLongMaxValueBetweenAccountsWorks() {
        Account rich = bank.open(Long.MAX_VALUE);
        Account empty = bank.open(0);
        assertThat(bank.transfer(rich, empty, Long.MAX_VALUE)).isTrue();
        assertThat(rich.balance()).isZero();
        assertThat(empty.balance()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void transferWithAnAccountOfAnotherBankIsRejectedAndChangesNothing() {
        Account foreign = new Bank().open(100);
        assertThatThrownBy(() -> bank.transfer(a, foreign, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.transfer(foreign, a, 10)).isInstanceOf(IllegalArgumentException.class);
        assertBalances(100, 50);
        assertThat(foreign.balance()).isEqualTo(100);
    }

    @Test
    void transferLeavesNoLockHeld() {
        bank.transfer(a, b, 10);
        bank.transfer(b, a, 1_000); // refused
        assertThatThrownBy(() -> bank.transfer(a, b, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.transfer(a, bank.open(Long.MAX_VALUE), 1))
                .isInstanceOf(IllegalArgumentException.class);
        for (Account account : bank.accounts()) {
            assertThat(account.lock.isLocked()).as("lock of %s", account).isFalse();
        }
    }

    @Test
    void transferKeepsTheInterruptStatus() {
        Thread.currentThread().interrupt();
        try {
            assertThat(bank.transfer(a, b, 10)).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    // ---- tryTransfer ----

    @Test
    void tryTransferReportsDoneAndMovesTheAmount() throws InterruptedException {
        assertThat(bank.tryTransfer(a, b, 40, LONG)).isEqualTo(TransferResult.DONE);
        assertBalances(60, 90);
    }

    @Test
    void tryTransferReportsInsufficientFundsAndChangesNothing() throws InterruptedException {
        assertThat(bank.tryTransfer(b, a, 51, LONG)).isEqualTo(TransferResult.INSUFFICIENT_FUNDS);
        assertBalances(100, 50);
    }

    @Test
    void tryTransferWithZeroOrNegativeTimeoutTriesOnce() throws InterruptedException {
        assertThat(bank.tryTransfer(a, b, 1, Duration.ZERO)).isEqualTo(TransferResult.DONE);
        assertThat(bank.tryTransfer(a, b, 1, Duration.ofSeconds(-1))).isEqualTo(TransferResult.DONE);
        assertThat(bank.tryTransfer(a, b, 1, Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(TransferResult.DONE);
        assertThat(bank.tryTransfer(a, b, 1, Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(TransferResult.DONE);
        assertBalances(96, 54);
    }

    @Test
    void tryTransferRejectsBadInputAndChangesNothing() {
        assertThatThrownBy(() -> bank.tryTransfer(a, b, 10, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> bank.tryTransfer(null, b, 10, LONG)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> bank.tryTransfer(a, null, 10, LONG)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> bank.tryTransfer(a, b, 0, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.tryTransfer(a, a, 10, LONG)).isInstanceOf(IllegalArgumentException.class);
        Account rich = bank.open(Long.MAX_VALUE);
        assertThatThrownBy(() -> bank.tryTransfer(a, rich, 1, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertBalances(100, 50);
        assertThat(rich.balance()).isEqualTo(Long.MAX_VALUE);
        assertThat(rich.lock.isLocked()).isFalse();
        assertThat(a.lock.isLocked()).isFalse();
    }

    @Test
    void tryTransferTimesOutHoldingNothingWhenTheSecondLockIsHeld() throws Exception {
        // a has the lower id, so tryTransfer takes a's lock first, then waits for b's.
        assertThat(a.id()).isLessThan(b.id());
        Holder holder = new Holder(b);
        try {
            assertThat(bank.tryTransfer(a, b, 10, Duration.ofMillis(20))).isEqualTo(TransferResult.TIMED_OUT);
            assertThat(bank.tryTransfer(b, a, 10, Duration.ZERO)).isEqualTo(TransferResult.TIMED_OUT);
            assertThat(a.lock.isLocked()).as("first lock released after the timeout").isFalse();
        } finally {
            holder.close();
        }
        assertBalances(100, 50);
        assertThat(bank.tryTransfer(a, b, 10, LONG)).isEqualTo(TransferResult.DONE);
    }

    @Test
    void tryTransferTimesOutWhenTheFirstLockIsHeld() throws Exception {
        Holder holder = new Holder(a);
        try {
            assertThat(bank.tryTransfer(b, a, 10, Duration.ofMillis(20))).isEqualTo(TransferResult.TIMED_OUT);
            assertThat(b.lock.isLocked()).isFalse();
        } finally {
            holder.close();
        }
        assertBalances(100, 50);
    }

    @Test
    void tryTransferIsInterruptibleWhileWaitingAndHoldsNothing() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Holder holder = new Holder(b);
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("waiter", () -> {
                try {
                    bank.tryTransfer(a, b, 10, LONG);
                } catch (InterruptedException e) {
                    outcome.set(e);
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                    assertThat(a.lock.isHeldByCurrentThread()).isFalse();
                }
            });
            TestThreads.awaitBlocked(waiter);
            assertThat(a.lock.isLocked()).as("waiter holds the first lock while it waits").isTrue();
            waiter.interrupt();
            threads.joinAll();
        } finally {
            holder.close();
        }
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(a.lock.isLocked()).isFalse();
        assertBalances(100, 50);
    }

    @Test
    void tryTransferThrowsAtOnceWhenAlreadyInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> bank.tryTransfer(a, b, 10, LONG)).isInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            Thread.interrupted();
        }
        assertBalances(100, 50);
        assertThat(a.lock.isLocked()).isFalse();
    }

    // ---- open, accounts, totalBalance ----

    @Test
    void accountsListsOpenedAccountsInIdOrder() {
        Account c = bank.open(0);
        assertThat(bank.accounts()).containsExactly(a, b, c);
        assertThatThrownBy(() -> bank.accounts().add(c)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void totalBalanceSumsTheAccounts() {
        assertThat(new Bank().totalBalance()).isZero();
        assertThat(bank.totalBalance()).isEqualTo(150);
        bank.transfer(a, b, 70);
        assertThat(bank.totalBalance()).isEqualTo(150);
        a.deposit(5);
        b.withdraw(20);
        assertThat(bank.totalBalance()).isEqualTo(135);
    }

    @Test
    void totalBalanceThrowsWhenTheSumOverflowsAndHoldsNothing() {
        bank.open(Long.MAX_VALUE);
        assertThatThrownBy(bank::totalBalance).isInstanceOf(ArithmeticException.class);
        for (Account account : bank.accounts()) {
            assertThat(account.lock.isLocked()).isFalse();
        }
    }

    @Test
    void tryTotalBalanceReturnsTheSum() throws InterruptedException {
        assertThat(bank.tryTotalBalance(LONG)).hasValue(150);
        assertThat(bank.tryTotalBalance(Duration.ZERO)).hasValue(150);
    }

    @Test
    void tryTotalBalanceTimesOutHoldingNothingWhileAnAccountIsLocked() throws Exception {
        Holder holder = new Holder(b);
        try {
            assertThat(bank.tryTotalBalance(Duration.ofMillis(20))).isEqualTo(OptionalLong.empty());
            assertThat(a.lock.isLocked()).isFalse();
        } finally {
            holder.close();
        }
        assertThat(bank.tryTotalBalance(LONG)).hasValue(150);
    }

    @Test
    void tryTotalBalanceIsInterruptibleWhileWaiting() throws Exception {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Holder holder = new Holder(b);
        try (TestThreads threads = new TestThreads()) {
            Thread auditor = threads.start("auditor", () -> {
                try {
                    bank.tryTotalBalance(LONG);
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            TestThreads.awaitBlocked(auditor);
            auditor.interrupt();
            threads.joinAll();
        } finally {
            holder.close();
        }
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(a.lock.isLocked()).isFalse();
        assertThat(bank.totalBalance()).isEqualTo(150);
    }

    @Test
    void tryTotalBalanceRejectsNullTimeout() {
        assertThatThrownBy(() -> bank.tryTotalBalance(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sampleUsageFromTheClassDocWorks() {
        Bank bank = new Bank();
        Account alice = bank.open(10_00);
        Account bob = bank.open(0);
        assertThat(bank.transfer(alice, bob, 2_50)).isTrue();
        assertThat(bank.totalBalance()).isEqualTo(10_00);
        assertThat(alice.balance()).isEqualTo(7_50);
    }

    private void assertBalances(long expectedA, long expectedB) {
        assertThat(a.balance()).as("balance of a").isEqualTo(expectedA);
        assertThat(b.balance()).as("balance of b").isEqualTo(expectedB);
    }

    /** Holds one account's lock from another thread until {@link #close()}. */
    private static final class Holder {
        private final TestThreads threads = new TestThreads();
        private final CountDownLatch release = new CountDownLatch(1);

        Holder(Account account) throws InterruptedException {
            CountDownLatch held = new CountDownLatch(1);
            threads.start("holder of " + account.id(), () -> {
                account.lock.lock();
                try {
                    held.countDown();
                    release.await();
                } finally {
                    account.lock.unlock();
                }
            });
            assertThat(held.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }

        /** Releases the lock and joins the holder. */
        void close() throws InterruptedException, TimeoutException {
            release.countDown();
            threads.joinAll();
        }
    }
}

package dev.interlock.bank;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link Account} contract: ids, balances in minor units, deposits and withdrawals. */
class AccountTest {

    private final Bank bank = new Bank();

    @Test
    void opensWithItsInitialBalance() {
        assertThat(bank.open(0).balance()).isZero();
        assertThat(bank.open(1_234).balance()).isEqualTo(1_234);
        assertThat(bank.open(Long.MAX_VALUE).balance()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void openRejectsANegativeBalanceAndOpensNothing() {
        assertThatThrownBy(() -> bank.open(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThat(bank.accounts()).isEmpty();
    }

    @Test
    void idsIncreaseAcrossBanks() {
        Account a = bank.open(0);
        Account b = new Bank().open(0);
        Account c = bank.open(0);
        assertThat(a.id()).isPositive().isLessThan(b.id());
        assertThat(b.id()).isLessThan(c.id());
    }

    @Test
    void idsAreUniqueWhenOpenedConcurrently() throws Exception {
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int perThread = 2_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                Bank own = t % 2 == 0 ? bank : new Bank();
                group.start("opener-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(own.open(0).id());
                    }
                });
            }
        }
        assertThat(ids).hasSize(threads * perThread);
    }

    @Test
    void depositAddsTheAmount() {
        Account a = bank.open(100);
        a.deposit(25);
        a.deposit(1);
        assertThat(a.balance()).isEqualTo(126);
    }

    @Test
    void depositRejectsNonPositiveAmountsAndKeepsTheBalance() {
        Account a = bank.open(100);
        assertThatThrownBy(() -> a.deposit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.deposit(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.deposit(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.balance()).isEqualTo(100);
    }

    @Test
    void depositRejectsOverflowAndKeepsTheBalance() {
        Account a = bank.open(Long.MAX_VALUE - 10);
        assertThatThrownBy(() -> a.deposit(11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflow");
        assertThatThrownBy(() -> a.deposit(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.balance()).isEqualTo(Long.MAX_VALUE - 10);
        a.deposit(10);
        assertThat(a.balance()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void withdrawTakesTheAmountWhenCovered() {
        Account a = bank.open(100);
        assertThat(a.withdraw(30)).isTrue();
        assertThat(a.withdraw(70)).isTrue();
        assertThat(a.balance()).isZero();
    }

    @Test
    void withdrawRefusesInsufficientFundsAndKeepsTheBalance() {
        Account a = bank.open(100);
        assertThat(a.withdraw(101)).isFalse();
        assertThat(a.withdraw(Long.MAX_VALUE)).isFalse();
        assertThat(a.balance()).isEqualTo(100);
    }

    @Test
    void withdrawRejectsNonPositiveAmountsAndKeepsTheBalance() {
        Account a = bank.open(100);
        assertThatThrownBy(() -> a.withdraw(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.withdraw(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.balance()).isEqualTo(100);
    }

    @Test
    void concurrentWithdrawalsNeverOverdraw() throws Exception {
        Account a = bank.open(10_000);
        int threads = 4;
        long[] taken = new long[threads];
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                int index = t;
                group.start("withdrawer-" + t, () -> {
                    start.await();
                    for (int i = 0; i < 5_000; i++) {
                        if (a.withdraw(3)) {
                            taken[index] += 3;
                        }
                    }
                });
            }
        }
        long total = 0;
        for (long t : taken) {
            total += t;
        }
        assertThat(a.balance()).isEqualTo(10_000 - total).isBetween(0L, 2L);
    }

    @Test
    void concurrentDepositsAreAllCounted() throws Exception {
        Account a = bank.open(0);
        int threads = 4;
        int perThread = 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("depositor-" + t, () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        a.deposit(2);
                    }
                });
            }
        }
        assertThat(a.balance()).isEqualTo(2L * threads * perThread);
    }

    @Test
    void toStringShowsIdAndBalance() {
        Account a = bank.open(42);
        assertThat(a).hasToString("Account[id=" + a.id() + ", balance=42]");
    }
}

package dev.interlock.bank;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transfers from many threads at once: money is conserved at every observed instant and at the end,
 * and transfers in opposite directions never deadlock (a deadlock fails the test when
 * {@link TestThreads} gives up joining after its bound).
 */
class BankConcurrencyTest {

    private static final long INITIAL = 1_000;

    @Test
    void randomTransfersConserveMoneyAtEverySnapshotAndAtTheEnd() throws Exception {
        Bank bank = new Bank();
        List<Account> accounts = List.of(bank.open(INITIAL), bank.open(INITIAL), bank.open(INITIAL),
                bank.open(INITIAL), bank.open(INITIAL));
        long total = INITIAL * accounts.size();
        int threads = 4;
        int perThread = 20_000;
        AtomicLong done = new AtomicLong();
        AtomicLong snapshots = new AtomicLong();
        CountDownLatch transferrersLeft = new CountDownLatch(threads);
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(t);
                group.start("transferrer-" + t, () -> {
                    start.await();
                    try {
                        transferRandomly(bank, accounts, random, perThread, done);
                    } finally {
                        transferrersLeft.countDown();
                    }
                });
            }
            group.start("observer", () -> {
                start.await();
                // At least one snapshot, then more until the transfers are over.
                do {
                    assertThat(bank.totalBalance()).isEqualTo(total);
                    snapshots.incrementAndGet();
                } while (transferrersLeft.getCount() > 0);
            });
        }
        assertThat(bank.totalBalance()).isEqualTo(total);
        assertThat(accounts).allSatisfy(a -> assertThat(a.balance()).isNotNegative());
        assertThat(done.get()).as("transfers that moved money").isPositive();
        assertThat(snapshots.get()).isPositive();
    }

    /** Random transfers among {@code accounts}, half plain and half timed; counts those that moved money. */
    private static void transferRandomly(Bank bank, List<Account> accounts, SplittableRandom random, int count,
                                         AtomicLong done) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            int from = random.nextInt(accounts.size());
            int to = (from + 1 + random.nextInt(accounts.size() - 1)) % accounts.size();
            long amount = 1 + random.nextInt(300);
            boolean moved = i % 2 == 0
                    ? bank.transfer(accounts.get(from), accounts.get(to), amount)
                    : bank.tryTransfer(accounts.get(from), accounts.get(to), amount,
                            Duration.ofMinutes(1)) == TransferResult.DONE;
            if (moved) {
                done.incrementAndGet();
            }
        }
    }

    @Test
    void oppositeTransfersBetweenTwoAccountsNeverDeadlock() throws Exception {
        Bank bank = new Bank();
        Account a = bank.open(INITIAL);
        Account b = bank.open(INITIAL);
        int rounds = 100_000;
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads group = new TestThreads()) {
            group.start("a-to-b", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    bank.transfer(a, b, 1 + i % 7);
                }
            });
            group.start("b-to-a", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    bank.transfer(b, a, 1 + i % 5);
                }
            });
        }
        assertThat(a.balance() + b.balance()).isEqualTo(2 * INITIAL);
        assertThat(bank.totalBalance()).isEqualTo(2 * INITIAL);
    }

    @Test
    void oppositeTimedTransfersNeverTimeOutForLongWhenLocksAreOrdered() throws Exception {
        Bank bank = new Bank();
        Account a = bank.open(INITIAL);
        Account b = bank.open(INITIAL);
        int rounds = 50_000;
        AtomicLong timedOut = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(2);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < 2; t++) {
                Account from = t == 0 ? a : b;
                Account to = t == 0 ? b : a;
                group.start("timed-" + t, () -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (bank.tryTransfer(from, to, 3, Duration.ofMinutes(1)) == TransferResult.TIMED_OUT) {
                            timedOut.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(timedOut.get()).as("a one-minute timeout only passes in a deadlock").isZero();
        assertThat(bank.totalBalance()).isEqualTo(2 * INITIAL);
    }

    @Test
    void cyclesOfTransfersAmongThreeAccountsNeverDeadlock() throws Exception {
        Bank bank = new Bank();
        Account[] ring = {bank.open(INITIAL), bank.open(INITIAL), bank.open(INITIAL)};
        int rounds = 50_000;
        CyclicBarrier start = new CyclicBarrier(ring.length);
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < ring.length; t++) {
                Account from = ring[t];
                Account to = ring[(t + 1) % ring.length];
                group.start("ring-" + t, () -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        bank.transfer(from, to, 2);
                    }
                });
            }
        }
        assertThat(bank.totalBalance()).isEqualTo(3 * INITIAL);
    }

    @Test
    void depositsWithdrawalsAndTransfersKeepTheBooks() throws Exception {
        Bank bank = new Bank();
        Account a = bank.open(INITIAL);
        Account b = bank.open(INITIAL);
        int rounds = 20_000;
        AtomicLong withdrawn = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(3);
        try (TestThreads group = new TestThreads()) {
            group.start("depositor", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    a.deposit(2);
                }
            });
            group.start("withdrawer", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    if (b.withdraw(1)) {
                        withdrawn.incrementAndGet();
                    }
                }
            });
            group.start("transferrer", () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    bank.transfer(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, 1);
                }
            });
        }
        assertThat(bank.totalBalance()).isEqualTo(2 * INITIAL + 2L * rounds - withdrawn.get());
    }
}

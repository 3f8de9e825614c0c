package dev.interlock.bench.bank;

import dev.interlock.bank.Account;
import dev.interlock.bank.Bank;
import dev.interlock.bench.Compare;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Random transfers among {@value #ACCOUNTS} accounts, from 1 and from 2 threads: {@link Bank}
 * (a lock per account, two locks per transfer taken in id order) against the coarse baseline, one
 * {@link ReentrantLock} around every account (no deadlock possible, no parallelism either).
 *
 * <p>With many accounts two transfers rarely share one, so per-account locks should let them run in
 * parallel, while the global lock serialises them; with one thread the global lock does less work
 * (one lock instead of two). The issue states no performance target for the bank, so this class has no
 * {@code @RatioTarget}: the ratios are reported for information.
 *
 * <p>Run: {@code ./interlock bench BankBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"Bank"}, peers = {"GlobalLockBank"})
public class BankBench {

    /** Accounts in the bank. */
    static final int ACCOUNTS = 64;
    /** Opening balance of each account, in minor units: large enough that refusals stay rare. */
    static final long INITIAL_BALANCE = 1_000_000_000L;

    @Param({"Bank", "GlobalLockBank"})
    public String impl;

    private Transfers bank;

    /** A bank seen by index, so both implementations run the same loop. */
    interface Transfers {
        boolean transfer(int from, int to, long amount);
    }

    @Setup
    public void setUp() {
        bank = switch (impl) {
            case "Bank" -> new OrderedBank();
            case "GlobalLockBank" -> new GlobalLockBank();
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(1)
    public boolean transfer1() {
        return randomTransfer();
    }

    @Benchmark
    @Threads(2)
    public boolean transfer2() {
        return randomTransfer();
    }

    private boolean randomTransfer() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        return bank.transfer(from, to, 1 + random.nextInt(100));
    }

    /** Ours: {@link Bank}, each account behind its own lock. */
    static final class OrderedBank implements Transfers {
        private final Bank bank = new Bank();
        private final Account[] accounts = new Account[ACCOUNTS];

        OrderedBank() {
            Arrays.setAll(accounts, i -> bank.open(INITIAL_BALANCE));
        }

        @Override
        public boolean transfer(int from, int to, long amount) {
            return bank.transfer(accounts[from], accounts[to], amount);
        }
    }

    /** Peer: the coarse baseline, one lock for the whole bank (bench only). */
    static final class GlobalLockBank implements Transfers {
        private final ReentrantLock lock = new ReentrantLock();
        private final long[] balances = new long[ACCOUNTS]; // guarded by lock

        GlobalLockBank() {
            Arrays.fill(balances, INITIAL_BALANCE);
        }

        @Override
        public boolean transfer(int from, int to, long amount) {
            lock.lock();
            try {
                if (balances[from] < amount) {
                    return false;
                }
                balances[from] -= amount;
                balances[to] = Math.addExact(balances[to], amount);
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}

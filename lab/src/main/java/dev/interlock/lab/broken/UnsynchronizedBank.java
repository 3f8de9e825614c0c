package dev.interlock.lab.broken;

import java.util.Arrays;

/**
 * BROKEN on purpose: the guide's bank with no synchronisation at all. A transfer checks the source's
 * balance, debits it and credits the target as three separate steps on plain array slots.
 *
 * <p>Not thread-safe, in every way the guide lists: two threads that read the same balance both write
 * their own result, and one debit or credit is lost (money created or destroyed); two threads that
 * both pass the funds check both debit (an overdrawn account); a reader between the debit and the
 * credit sees money in flight (a total that was never true). Nothing is {@code volatile}, so a reader
 * may also see stale balances. {@code dev.interlock.bank.Bank} is the fix.
 *
 * <p>Accounts are numbered from 0; balances are {@code long} minor units.
 */
public final class UnsynchronizedBank {

    private final long[] balances;

    /** {@code accounts} accounts, each opened with {@code initialBalance}. */
    public UnsynchronizedBank(int accounts, long initialBalance) {
        this(filled(accounts, initialBalance));
    }

    private UnsynchronizedBank(long[] balances) {
        if (balances.length < 2) {
            throw new IllegalArgumentException("a bank needs at least 2 accounts: " + balances.length);
        }
        for (long balance : balances) {
            if (balance < 0) {
                throw new IllegalArgumentException("initial balance must be at least 0: " + balance);
            }
        }
        this.balances = balances;
    }

    /** One account per argument, opened with that balance, numbered in argument order. */
    public static UnsynchronizedBank of(long... initialBalances) {
        return new UnsynchronizedBank(initialBalances.clone());
    }

    private static long[] filled(int accounts, long initialBalance) {
        long[] balances = new long[Math.max(0, accounts)];
        Arrays.fill(balances, initialBalance);
        return balances;
    }

    /** The number of accounts. */
    public int size() {
        return balances.length;
    }

    /**
     * Moves {@code amount} from {@code from} to {@code to} if {@code from}'s balance covers it; false
     * otherwise. Racy: see the class doc.
     *
     * @throws IllegalArgumentException if {@code amount <= 0} or {@code from == to}
     * @throws IndexOutOfBoundsException if an account does not exist
     */
    public boolean transfer(int from, int to, long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        if (from == to) {
            throw new IllegalArgumentException("cannot transfer from an account to itself: " + from);
        }
        if (balances[from] < amount) {
            return false;
        }
        balances[from] -= amount;
        balances[to] += amount;
        return true;
    }

    /** The balance of {@code account}, possibly stale. */
    public long balance(int account) {
        return balances[account];
    }

    /** The sum of the balances, read one by one with no lock: may include money in flight. */
    public long totalBalance() {
        long sum = 0;
        for (long balance : balances) {
            sum += balance;
        }
        return sum;
    }
}

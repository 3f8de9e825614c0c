package dev.interlock.lab.broken;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * BROKEN on purpose: the guide's first fix for the bank, a lock per account taken in the order the
 * call names them, source first, then target. Each transfer is atomic and money is conserved, but a
 * transfer from A to B and one from B to A can each take their first lock and then wait forever for
 * the other's: a deadlock. {@code dev.interlock.bank.Bank} fixes it by locking in ascending id order.
 *
 * <p>Thread-safe but not deadlock-free. The locks are taken with {@code lockInterruptibly}, so a lab
 * (or a watchdog) that detects the deadlock can break it by interrupting the threads in the cycle;
 * {@code java.lang.management.ThreadMXBean#findDeadlockedThreads} sees the cycle, since each
 * {@link ReentrantLock} records its owner.
 *
 * <p>A {@link LockListener} passed to {@link #transfer(int, int, long, LockListener)} hears each
 * step, so the lab can trace it and, in a test, hold both threads between their two acquisitions to
 * make the deadlock certain. Accounts are numbered from 0; balances are {@code long} minor units.
 */
public final class NaiveOrderBank {

    /** Hears a transfer take its locks; methods run on the transferring thread. */
    public interface LockListener {

        /** Hears nothing. */
        LockListener NONE = new LockListener() {
        };

        /** About to lock {@code account}. */
        default void acquiring(int account) {
        }

        /** {@code account}'s lock is held by another thread: this thread is about to wait for it. */
        default void blocked(int account) {
        }

        /**
         * Now holds {@code account}'s lock. May wait (a test's barrier); if it throws, the transfer
         * releases what it holds and rethrows.
         */
        default void acquired(int account) throws InterruptedException {
        }
    }

    private final long[] balances;         // balances[i] guarded by locks[i]
    private final ReentrantLock[] locks;

    /** {@code accounts} accounts, each opened with {@code initialBalance}. */
    public NaiveOrderBank(int accounts, long initialBalance) {
        if (accounts < 2) {
            throw new IllegalArgumentException("a bank needs at least 2 accounts: " + accounts);
        }
        if (initialBalance < 0) {
            throw new IllegalArgumentException("initial balance must be at least 0: " + initialBalance);
        }
        balances = new long[accounts];
        Arrays.fill(balances, initialBalance);
        locks = new ReentrantLock[accounts];
        Arrays.setAll(locks, i -> new ReentrantLock());
    }

    /** The number of accounts. */
    public int size() {
        return balances.length;
    }

    /** {@link #transfer(int, int, long, LockListener)} with no listener. */
    public boolean transfer(int from, int to, long amount) throws InterruptedException {
        return transfer(from, to, amount, LockListener.NONE);
    }

    /**
     * Locks {@code from}, then {@code to} (the naive order), and moves {@code amount} if {@code from}'s
     * balance covers it.
     *
     * @return true if the money moved, false (nothing changed) on insufficient funds
     * @throws IllegalArgumentException  if {@code amount <= 0} or {@code from == to}
     * @throws IndexOutOfBoundsException if an account does not exist
     * @throws InterruptedException      if interrupted while waiting for a lock: the way out of a
     *                                   deadlock; nothing changed and no lock is held
     */
    public boolean transfer(int from, int to, long amount, LockListener listener) throws InterruptedException {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        if (from == to) {
            throw new IllegalArgumentException("cannot transfer from an account to itself: " + from);
        }
        lock(from, listener);
        try {
            lock(to, listener);
            try {
                if (balances[from] < amount) {
                    return false;
                }
                balances[from] -= amount;
                balances[to] += amount;
                return true;
            } finally {
                locks[to].unlock();
            }
        } finally {
            locks[from].unlock();
        }
    }

    private void lock(int account, LockListener listener) throws InterruptedException {
        ReentrantLock lock = locks[account];
        listener.acquiring(account);
        if (!lock.tryLock()) {
            listener.blocked(account);
            lock.lockInterruptibly();
        }
        try {
            listener.acquired(account);
        } catch (InterruptedException | RuntimeException | Error e) {
            lock.unlock();
            throw e;
        }
    }

    /** The balance of {@code account}, read under its lock. */
    public long balance(int account) throws InterruptedException {
        ReentrantLock lock = locks[account];
        lock.lockInterruptibly();
        try {
            return balances[account];
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sum of the balances, each read under its own lock, one at a time: exact only when no
     * transfer runs (taking every lock at once, in index order, could itself deadlock with a naive
     * transfer).
     */
    public long totalBalance() throws InterruptedException {
        long sum = 0;
        for (int i = 0; i < balances.length; i++) {
            sum += balance(i);
        }
        return sum;
    }
}

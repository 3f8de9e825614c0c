package dev.interlock.bank;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bank account: a unique id and a balance in minor units (cents, pence: a {@code long}, never a
 * floating-point amount), opened by {@link Bank#open(long)}.
 *
 * <p>Thread-safety: thread-safe. Each account is guarded by its own {@link ReentrantLock}; every
 * method here takes only that lock, for a short critical section that never blocks, so calls on
 * different accounts never wait for each other. {@link #deposit} and {@link #withdraw} are atomic:
 * no thread ever sees half of one.
 *
 * <p>Identity and lock order: {@link #id()} is unique among all accounts of the JVM, whatever bank
 * opened them (a global sequence, starting at 1, that would take centuries to exhaust). Ids never
 * tie, so they give every pair of accounts one fixed order, the order in which {@link Bank} takes
 * their locks. Ids are not persistent: a new JVM counts from 1 again.
 *
 * <p>Balances never go negative: an account opens with a balance of zero or more, and a withdrawal or
 * transfer that would overdraw it is refused.
 *
 * <p>Memory effects: each account's lock orders every operation on it; what a thread did before
 * changing a balance happens-before what another thread does after reading that balance.
 *
 * <p>Bad input throws early and changes nothing: a non-positive amount or a deposit that would
 * overflow the balance gets an {@link IllegalArgumentException}.
 */
public final class Account {

    /*
     * Implementation notes.
     *
     * Invariants: 0 <= balance <= Long.MAX_VALUE, always; balance is read and written only while
     * holding `lock`; `id` is final and unique (NEXT_ID only moves forward).
     *
     * Bank moves money between accounts with the *Locked helpers below, holding both accounts'
     * locks. Each helper asserts that its caller holds this account's lock.
     */

    /** The next id to hand out; ids start at 1 and are never reused. */
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private final long id;
    private final Bank bank;
    /** Guards {@link #balance}; package-private so {@link Bank} can take it in id order. */
    final ReentrantLock lock = new ReentrantLock();
    private long balance; // guarded by lock

    /** Called by {@link Bank#open(long)} only, which has checked {@code initialBalance >= 0}. */
    Account(Bank bank, long initialBalance) {
        assert initialBalance >= 0 : initialBalance;
        this.id = NEXT_ID.getAndIncrement();
        this.bank = bank;
        this.balance = initialBalance;
    }

    /** This account's id: unique in the JVM, the key of the lock order. */
    public long id() {
        return id;
    }

    /** The bank that opened this account. */
    Bank bank() {
        return bank;
    }

    /** The balance in minor units, at least 0. */
    public long balance() {
        lock.lock();
        try {
            return balance;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code amount} to the balance.
     *
     * @throws IllegalArgumentException if {@code amount <= 0}, or if the balance would exceed
     *                                  {@link Long#MAX_VALUE}; the balance is then unchanged
     */
    public void deposit(long amount) {
        Bank.requirePositive(amount);
        lock.lock();
        try {
            balance = Bank.credit(this, balance, amount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code amount} from the balance if the balance covers it.
     *
     * @return true if the money was taken; false, with the balance unchanged, if the balance is less
     *         than {@code amount}
     * @throws IllegalArgumentException if {@code amount <= 0}; the balance is then unchanged
     */
    public boolean withdraw(long amount) {
        Bank.requirePositive(amount);
        lock.lock();
        try {
            if (balance < amount) {
                return false;
            }
            balance -= amount;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The balance. Call only when holding {@link #lock}. */
    long balanceLocked() {
        assert lock.isHeldByCurrentThread();
        return balance;
    }

    /** Sets the balance. Call only when holding {@link #lock}. */
    void setBalanceLocked(long value) {
        assert lock.isHeldByCurrentThread();
        assert value >= 0 : value;
        balance = value;
    }

    @Override
    public String toString() {
        return "Account[id=" + id + ", balance=" + balance() + "]";
    }
}

package dev.interlock.bank;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A set of {@link Account}s and atomic, deadlock-free transfers between them: the guide's bank
 * (chapter 2) with chapter 10's cure for deadlock, a global lock order.
 *
 * <p>A transfer debits one account and credits another as one step: a thread that reads balances
 * through this API (each balance under its lock, or {@link #totalBalance()} under all of them) never
 * sees the money in flight. Transfers conserve the bank's total; only {@link Account#deposit} and
 * {@link Account#withdraw} change it.
 *
 * <p>Thread-safety: thread-safe; every method may be called from any thread at any time.
 *
 * <p>Acquisition order: a transfer locks its two accounts in ascending {@linkplain Account#id() id}
 * order, whichever is the source: a transfer from A to B and one from B to A both lock A first, so
 * neither can hold one lock while waiting for the lock the other holds. Ids are unique, so two
 * accounts never tie (ordering by {@code System.identityHashCode} could tie and needs a tie-breaker
 * lock). {@link #totalBalance()} takes this bank's registry lock, then every account's lock in
 * ascending id order, and releases them in reverse. No method here waits for a lock while holding a
 * lock of a higher id, and no critical section calls code outside this package, so these locks
 * cannot deadlock, whatever other locks the caller holds.
 *
 * <p>Interruption and timeouts: {@link #transfer} waits with {@code lock()}, which ignores interrupts
 * (the interrupt status stays set), like {@code ConcurrentHashMap}'s updates: every critical section
 * here is short and never blocks, so the wait ends as soon as the threads ahead finish theirs.
 * {@link #tryTransfer} is its timed, interruptible twin, and {@link #tryTotalBalance} that of
 * {@link #totalBalance()}. The other methods ({@link #open}, {@link #accounts}, and the
 * {@link Account} methods) also wait with {@code lock()}, for one lock and a critical section of a few
 * field accesses.
 *
 * <p>Fairness: the locks are non-fair (faster under contention); a thread may be overtaken by later
 * arrivals, so there is no bound on how long a plain transfer waits under heavy contention. Use the
 * timed variant where a caller needs one.
 *
 * <p>Memory effects: a transfer happens-before any later operation that locks either of its
 * accounts, including a {@link #totalBalance()} that sees its result.
 *
 * <p>Where the guarantee stops: each operation is atomic, a sequence of them is not: two
 * {@link Account#balance()} calls may straddle a transfer and add up to more or less than the money
 * held (use {@link #totalBalance()}). {@link #totalBalance()} is exact and linearizable, but it
 * holds every account's lock while it sums, so it stops every transfer in the bank for O(accounts):
 * an audit, not a hot-path call. The sum of balances may exceed {@code Long.MAX_VALUE} even though
 * every balance fits (then it throws {@link ArithmeticException}). Ids order locks within one JVM
 * only. Cost: a transfer is two lock/unlock pairs, uncontended when no other thread uses either
 * account; BankBench compares it with one global lock (not yet measured on a quiet machine).
 *
 * <p>Sample usage:
 * <pre>{@code
 * Bank bank = new Bank();
 * Account alice = bank.open(10_00);   // 10.00 in cents
 * Account bob = bank.open(0);
 * if (!bank.transfer(alice, bob, 2_50)) {
 *     // insufficient funds: nothing changed
 * }
 * assert bank.totalBalance() == 10_00;
 * }</pre>
 */
public final class Bank {

    /*
     * Implementation notes.
     *
     * Lock order (the deadlock-freedom argument): registry < account locks, and account locks by
     * ascending id. open() takes the registry only; Account methods take one account lock; transfers
     * take two account locks in ascending id; totalBalance takes the registry, then all account locks
     * ascending. A thread waiting for a lock holds only locks lower in this order, so a cycle of
     * waiting threads cannot exist.
     *
     * Invariants:
     *  - `accounts` holds every account this bank opened, in ascending id order: open() allocates the
     *    id and appends under `registry`, and ids only grow.
     *  - Every balance is >= 0 and <= Long.MAX_VALUE; a transfer changes two balances by +amount and
     *    -amount while holding both locks, so the sum over the bank is unchanged by it, and a thread
     *    holding all account locks sees no transfer half done.
     *  - Checks that can fail (arguments, funds, overflow) all run before the first write, so a
     *    refused or rejected operation changes nothing.
     */

    private final ReentrantLock registry = new ReentrantLock();
    private final List<Account> accounts = new ArrayList<>(); // guarded by registry

    /** An empty bank. */
    public Bank() {
    }

    /**
     * Opens an account of this bank.
     *
     * @param initialBalance the opening balance in minor units, at least 0
     * @return the new account, with an id higher than every account opened before it in this JVM
     * @throws IllegalArgumentException if {@code initialBalance < 0}
     */
    public Account open(long initialBalance) {
        if (initialBalance < 0) {
            throw new IllegalArgumentException("initial balance must be at least 0: " + initialBalance);
        }
        registry.lock();
        try {
            Account account = new Account(this, initialBalance);
            accounts.add(account);
            return account;
        } finally {
            registry.unlock();
        }
    }

    /** This bank's accounts, in ascending id order (a snapshot). */
    public List<Account> accounts() {
        registry.lock();
        try {
            return List.copyOf(accounts);
        } finally {
            registry.unlock();
        }
    }

    /**
     * Moves {@code amount} from {@code from} to {@code to}, atomically, if {@code from}'s balance
     * covers it. Waits (not interruptibly) for both accounts' locks; see {@link #tryTransfer} for a
     * bounded, interruptible wait.
     *
     * @param amount in minor units, positive
     * @return true if the money moved; false, with nothing changed, if {@code from}'s balance is less
     *         than {@code amount}
     * @throws NullPointerException     if {@code from} or {@code to} is null
     * @throws IllegalArgumentException if {@code amount <= 0}, {@code from} and {@code to} are the
     *                                  same account, either is not of this bank, or the credit would
     *                                  take {@code to}'s balance past {@code Long.MAX_VALUE};
     *                                  nothing changed
     */
    public boolean transfer(Account from, Account to, long amount) {
        checkTransfer(from, to, amount);
        Account first = from.id() < to.id() ? from : to;
        Account second = first == from ? to : from;
        first.lock.lock();
        try {
            second.lock.lock();
            try {
                return move(from, to, amount) == TransferResult.DONE;
            } finally {
                second.lock.unlock();
            }
        } finally {
            first.lock.unlock();
        }
    }

    /**
     * Like {@link #transfer}, but waits at most {@code timeout} for the two accounts' locks, and
     * stops waiting when interrupted. A timeout of zero or less tries once without waiting.
     *
     * @return {@link TransferResult#DONE} if the money moved, {@link TransferResult#INSUFFICIENT_FUNDS}
     *         if {@code from}'s balance is less than {@code amount}, {@link TransferResult#TIMED_OUT}
     *         if the locks were not both acquired in time; in the last two cases nothing changed,
     *         and on return this thread holds no lock of either account
     * @throws NullPointerException     if an account or {@code timeout} is null
     * @throws IllegalArgumentException as {@link #transfer}
     * @throws InterruptedException     if this thread is interrupted on entry or while waiting (its
     *                                  interrupt status is cleared); nothing changed, no lock held
     */
    public TransferResult tryTransfer(Account from, Account to, long amount, Duration timeout)
            throws InterruptedException {
        checkTransfer(from, to, amount);
        long budget = budgetNanos(timeout);
        long start = System.nanoTime();
        Account first = from.id() < to.id() ? from : to;
        Account second = first == from ? to : from;
        if (!first.lock.tryLock(remaining(budget, start), TimeUnit.NANOSECONDS)) {
            return TransferResult.TIMED_OUT;
        }
        try {
            if (!second.lock.tryLock(remaining(budget, start), TimeUnit.NANOSECONDS)) {
                return TransferResult.TIMED_OUT;
            }
            try {
                return move(from, to, amount);
            } finally {
                second.lock.unlock();
            }
        } finally {
            first.lock.unlock();
        }
    }

    /**
     * The sum of this bank's balances at one instant: no transfer is half done in it. Holds every
     * account's lock while summing, so transfers in this bank wait for it; see the class doc.
     *
     * @throws ArithmeticException if the sum exceeds {@code Long.MAX_VALUE}
     */
    public long totalBalance() {
        registry.lock();
        try {
            int held = 0;
            try {
                for (Account account : accounts) {
                    account.lock.lock();
                    held++;
                }
                return sumLocked();
            } finally {
                unlockFirst(held);
            }
        } finally {
            registry.unlock();
        }
    }

    /**
     * Like {@link #totalBalance()}, but waits at most {@code timeout} for the locks, and stops waiting
     * when interrupted. A timeout of zero or less tries once without waiting.
     *
     * @return the total, or empty if the locks were not all acquired in time (none is then held)
     * @throws NullPointerException if {@code timeout} is null
     * @throws ArithmeticException  if the sum exceeds {@code Long.MAX_VALUE}
     * @throws InterruptedException if this thread is interrupted on entry or while waiting (its
     *                              interrupt status is cleared); no lock is then held
     */
    public OptionalLong tryTotalBalance(Duration timeout) throws InterruptedException {
        long budget = budgetNanos(timeout);
        long start = System.nanoTime();
        if (!registry.tryLock(remaining(budget, start), TimeUnit.NANOSECONDS)) {
            return OptionalLong.empty();
        }
        try {
            int held = 0;
            try {
                for (Account account : accounts) {
                    if (!account.lock.tryLock(remaining(budget, start), TimeUnit.NANOSECONDS)) {
                        return OptionalLong.empty();
                    }
                    held++;
                }
                return OptionalLong.of(sumLocked());
            } finally {
                unlockFirst(held);
            }
        } finally {
            registry.unlock();
        }
    }

    @Override
    public String toString() {
        return "Bank[" + accounts().size() + " accounts]";
    }

    /** Validates a transfer's arguments, before any lock is taken. */
    private void checkTransfer(Account from, Account to, long amount) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        requirePositive(amount);
        if (from.id() == to.id()) {
            throw new IllegalArgumentException("cannot transfer from an account to itself: " + from.id());
        }
        if (from.bank() != this || to.bank() != this) {
            throw new IllegalArgumentException("both accounts must be of this bank: " + from.id() + ", " + to.id());
        }
    }

    /**
     * Debits {@code from} and credits {@code to} if {@code from} has the funds; checks everything before
     * writing. Call only when holding both accounts' locks.
     */
    private static TransferResult move(Account from, Account to, long amount) {
        long fromBalance = from.balanceLocked();
        if (fromBalance < amount) {
            return TransferResult.INSUFFICIENT_FUNDS;
        }
        long toBalance = credit(to, to.balanceLocked(), amount);
        from.setBalanceLocked(fromBalance - amount);
        to.setBalanceLocked(toBalance);
        return TransferResult.DONE;
    }

    /** The sum of all balances. Call only when holding the registry and every account's lock. */
    private long sumLocked() {
        assert registry.isHeldByCurrentThread();
        long sum = 0;
        for (Account account : accounts) {
            sum = Math.addExact(sum, account.balanceLocked());
        }
        return sum;
    }

    /** Releases the locks of the first {@code held} accounts, in reverse order. Call holding registry. */
    private void unlockFirst(int held) {
        for (int i = held - 1; i >= 0; i--) {
            accounts.get(i).lock.unlock();
        }
    }

    /** The timeout in nanoseconds, clamped to [0, Long.MAX_VALUE] so that {@link #remaining} cannot overflow. */
    private static long budgetNanos(Duration timeout) {
        return Math.max(0, TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout")));
    }

    /** Nanoseconds left of {@code budget} since {@code start}; may be zero or negative. */
    private static long remaining(long budget, long start) {
        return budget - (System.nanoTime() - start);
    }

    /** Throws {@link IllegalArgumentException} unless {@code amount > 0}. */
    static void requirePositive(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
    }

    /** {@code balance + amount}, or {@link IllegalArgumentException} if that exceeds {@code Long.MAX_VALUE}. */
    static long credit(Account account, long balance, long amount) {
        if (balance > Long.MAX_VALUE - amount) {
            throw new IllegalArgumentException("crediting " + amount + " would overflow the balance of account "
                    + account.id() + " (" + balance + ")");
        }
        return balance + amount;
    }
}

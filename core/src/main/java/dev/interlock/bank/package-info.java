/**
 * Bank accounts and atomic transfers: the guide's chapter 2 (a check-then-act across two objects
 * made atomic) with chapter 10's cure for the deadlock it invites, locking in one global order.
 *
 * <ul>
 *   <li>{@link dev.interlock.bank.Account}: a unique id and a {@code long} balance in minor units,
 *       guarded by its own lock.</li>
 *   <li>{@link dev.interlock.bank.Bank}: opens accounts; {@code transfer} locks both accounts in
 *       ascending id order, so transfers in opposite directions cannot deadlock;
 *       {@code tryTransfer} is its timed, interruptible twin, reporting a
 *       {@link dev.interlock.bank.TransferResult}; {@code totalBalance} is a consistent audit.</li>
 * </ul>
 *
 * <p>Why this is in core rather than only in the lab: taking several locks in one global order is a
 * reusable building block (any operation that must update two guarded objects at once needs it), and
 * core is where a building block is verified to the full standard: contract tests, Lincheck in both
 * modes, jcstress and a benchmark. The bank is its smallest honest example. The deliberately broken
 * banks live in the lab: {@code dev.interlock.lab.broken.UnsynchronizedBank} (money created and
 * destroyed) and {@code dev.interlock.lab.broken.NaiveOrderBank} (source first, then target: two
 * opposite transfers deadlock), measured by the {@code bank-transfer} experiment.
 */
package dev.interlock.bank;

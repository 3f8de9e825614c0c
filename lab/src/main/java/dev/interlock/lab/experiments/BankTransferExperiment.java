package dev.interlock.lab.experiments;

import dev.interlock.bank.Account;
import dev.interlock.bank.Bank;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.NaiveOrderBank;
import dev.interlock.lab.broken.UnsynchronizedBank;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The guide's chapters 2 and 10: threads move money between accounts at random. Without locks money
 * is created and destroyed; with a lock per account taken source-first, two opposite transfers
 * deadlock (detected with {@code ThreadMXBean}, then broken by interrupting the threads); with
 * {@link Bank}, which locks in ascending id order, money is conserved and nothing deadlocks.
 *
 * <p>With {@code --trace} the sizes are tiny and the naive variant's two threads meet at a barrier
 * once each holds its first lock, so the diagram always shows the cycle: T1 holds A and waits for B
 * while T2 holds B and waits for A. Without it the deadlock comes by itself, from the race.
 */
public final class BankTransferExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 4;
    private static final int DEFAULT_OPS = 100_000;
    private static final int DEFAULT_SIZE = 8;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(10);
    /** Each account's opening balance, in minor units. */
    private static final long INITIAL_BALANCE = 1_000;
    /** Largest amount of one transfer, in minor units; amounts are uniform in 1..MAX_AMOUNT. */
    private static final int MAX_AMOUNT = 100;
    /** How long a traced naive thread waits at the barrier for the other one. */
    private static final Duration MEETING_BOUND = Duration.ofSeconds(5);
    /** Marks "waits for no account" in the bookkeeping. */
    private static final int NO_ACCOUNT = -1;

    @Override
    public String name() {
        return "bank-transfer";
    }

    @Override
    public String summary() {
        return "money lost without locks, a deadlock with naive lock order, fixed by ordering locks by id";
    }

    @Override
    public String optionsHelp() {
        return "--threads transferring threads (" + DEFAULT_THREADS + "; the opposite-direction variants use 2), "
                + "--ops transfers per thread (" + DEFAULT_OPS + "), --size accounts (" + DEFAULT_SIZE
                + ", at least 2)";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        boolean tracing = settings.tracing();
        int threads = settings.threads(tracing ? 2 : DEFAULT_THREADS);
        int ops = settings.ops(tracing ? 2 : DEFAULT_OPS);
        int size = settings.size(tracing ? 2 : DEFAULT_SIZE);
        if (size < 2) {
            throw new IllegalArgumentException("bank-transfer needs --size of at least 2 accounts: " + size);
        }
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        long seed = settings.seed();

        List<Variant> variants = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        UnsynchronizedBank racy = new UnsynchronizedBank(size, INITIAL_BALANCE);
        variants.add(randomTransfers("unsynchronised (broken)", "UnsynchronizedBank", racy::transfer,
                racy::totalBalance, racy::balance, size, threads, ops, seed, timeBox, tracer, null));

        variants.add(naiveOpposite(ops, timeBox, tracing, tracer, notes));

        Bank bank = new Bank();
        Account[] accounts = new Account[size];
        for (int i = 0; i < size; i++) {
            accounts[i] = bank.open(INITIAL_BALANCE);
        }
        try (DeadlockWatch watch = new DeadlockWatch("watchdog", tracer, Thread::getName)) {
            Variant v = randomTransfers("Bank (ordered by id)", "Bank",
                    (from, to, amount) -> bank.transfer(accounts[from], accounts[to], amount),
                    bank::totalBalance, i -> accounts[i].balance(), size, threads, ops, seed, timeBox, tracer, watch);
            variants.add(v);
        }
        variants.add(orderedOpposite(ops, timeBox, tracer));

        notes.addAll(0, List.of(
                "unsynchronised: check, debit and credit are separate steps on shared balances; threads",
                "overwrite each other's writes, so money is created or destroyed, and accounts can go negative.",
                "naive order: each transfer locks its source, then its target. T1 (A to B) holds A and waits",
                "for B while T2 (B to A) holds B and waits for A: neither can ever go on. The lab looks for",
                "such cycles with ThreadMXBean.findDeadlockedThreads every " + DeadlockWatch.POLL.toMillis()
                        + " ms and interrupts the threads in",
                "one (the naive bank locks interruptibly). Bank locks both accounts in ascending id order,",
                "whatever the direction: both transfers lock A first, so no cycle can form; money is conserved",
                "and the same watchdog finds no deadlock. Accounts open with " + INITIAL_BALANCE
                        + " minor units (opposite directions:",
                "enough for every transfer); amounts are 1.." + MAX_AMOUNT
                        + ". One run, not a benchmark: see ./interlock bench."));
        String setup = "threads=" + threads + ", transfers per thread=" + ops + ", accounts=" + size
                + " (opposite-direction variants: 2 threads, 2 accounts"
                + (tracing ? ", meeting after the first lock" : "") + ")";
        return new Report(name(), setup, variants, notes);
    }

    /** One transfer on a bank under test. */
    @FunctionalInterface
    private interface TransferOp {
        boolean transfer(int from, int to, long amount) throws InterruptedException;
    }

    /** A balance read on a bank under test. */
    @FunctionalInterface
    private interface BalanceOp {
        long balance(int account) throws InterruptedException;
    }

    /** {@code threads} threads each make {@code ops} random transfers among {@code size} accounts. */
    private Variant randomTransfers(String name, String target, TransferOp bank, LongSupplier total,
                                    BalanceOp balance, int size, int threads, int ops, long seed, Duration timeBox,
                                    Tracer tracer, DeadlockWatch watch) throws InterruptedException {
        tracer.phase(name);
        long before = total.getAsLong();
        long[] moved = new long[threads];
        long[] refused = new long[threads];
        Workers.Result result = Workers.run("T", threads, timeBox, index -> {
            if (watch != null) {
                watch.register();
            }
            SplittableRandom random = new SplittableRandom(seed + index);
            for (int i = 0; i < ops; i++) {
                int from = random.nextInt(size);
                int to = (from + 1 + random.nextInt(size - 1)) % size;
                long amount = 1 + random.nextInt(MAX_AMOUNT);
                if (tracer.enabled()) {
                    tracer.send(target, "transfer " + amount + " " + account(from) + " to " + account(to));
                }
                boolean done = bank.transfer(from, to, amount);
                if (tracer.enabled()) {
                    tracer.reply(target, done ? "done" : "refused: insufficient funds");
                }
                if (done) {
                    moved[index]++;
                } else {
                    refused[index]++;
                }
            }
        });
        long after = total.getAsLong();
        int overdrawn = 0;
        for (int i = 0; i < size; i++) {
            if (balance.balance(i) < 0) {
                overdrawn++;
            }
        }
        DeadlockWatch.Found deadlock = watch == null ? null : watch.found();
        Verdict verdict;
        if (deadlock != null) {
            verdict = Verdict.DEADLOCKED;
        } else if (after != before || overdrawn > 0) {
            verdict = Verdict.BROKEN;
        } else if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            // A racy bank that happened to keep its books proves nothing either way.
            verdict = watch == null ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
        }
        Variant.Builder v = Variant.named(name)
                .metric("transfers", sum(moved))
                .metric("refused", sum(refused))
                .metric("total before", before)
                .metric("total after", after)
                .metric("created", after - before)
                .metric("overdrawn", overdrawn);
        if (watch != null) {
            v.metric("deadlock", deadlock == null ? "none found" : deadlock.cycle());
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }

    /**
     * Two threads on a {@link NaiveOrderBank}: T1 moves money from A to B, T2 from B to A, {@code ops}
     * times each, until they deadlock; the watchdog finds the cycle and interrupts both.
     */
    private Variant naiveOpposite(int ops, Duration timeBox, boolean meet, Tracer tracer, List<String> notes)
            throws InterruptedException {
        tracer.phase("naive lock order (broken)");
        NaiveOrderBank bank = new NaiveOrderBank(2, openingForOpposite(ops));
        long before = bank.totalBalance();
        long[] moved = new long[2];
        long[] refused = new long[2];
        AtomicIntegerArray holding = new AtomicIntegerArray(new int[] {NO_ACCOUNT, NO_ACCOUNT});
        AtomicIntegerArray waitingFor = new AtomicIntegerArray(new int[] {NO_ACCOUNT, NO_ACCOUNT});
        AtomicLongArray blockedAt = new AtomicLongArray(2);
        AtomicLongArray completedWhenBlocked = new AtomicLongArray(2);
        AtomicLong startedAt = new AtomicLong();
        CyclicBarrier meeting = meet ? new CyclicBarrier(2) : null;

        Workers.Result result;
        DeadlockWatch.Found deadlock;
        try (DeadlockWatch watch = new DeadlockWatch("watchdog", tracer, t -> {
            int i = workerIndex(t);
            return t.getName() + " holds " + accountOrNothing(holding.get(i))
                    + ", waits for " + accountOrNothing(waitingFor.get(i));
        })) {
            result = Workers.run("T", 2, timeBox, index -> {
                watch.register();
                startedAt.compareAndSet(0, System.nanoTime());
                int from = index;
                int to = 1 - index;
                NaiveOrderBank.LockListener listener = new NaiveOrderBank.LockListener() {
                    private boolean metAlready;

                    @Override
                    public void acquiring(int account) {
                        if (tracer.enabled()) {
                            tracer.send(account(account), "lock");
                        }
                    }

                    @Override
                    public void blocked(int account) {
                        waitingFor.set(index, account);
                        blockedAt.set(index, System.nanoTime());
                        completedWhenBlocked.set(index, moved[index] + refused[index]);
                        if (tracer.enabled()) {
                            tracer.note("blocked on " + account(account));
                        }
                    }

                    @Override
                    public void acquired(int account) throws InterruptedException {
                        waitingFor.set(index, NO_ACCOUNT);
                        if (account == from) {
                            holding.set(index, account);
                        }
                        if (tracer.enabled()) {
                            tracer.reply(account(account), "locked");
                        }
                        if (meeting != null && account == from && !metAlready) {
                            metAlready = true;
                            meet(meeting);
                        }
                    }
                };
                for (int i = 0; i < ops; i++) {
                    if (Thread.interrupted()) {
                        // The watchdog broke a cycle: a thread whose lock came free before its interrupt
                        // arrived finished that transfer, and stops here.
                        throw new InterruptedException();
                    }
                    boolean done;
                    try {
                        done = bank.transfer(from, to, 1 + (i % MAX_AMOUNT), listener);
                    } catch (InterruptedException e) {
                        if (tracer.enabled()) {
                            tracer.note("interrupted: gives up, releases " + account(from));
                        }
                        throw e;
                    } finally {
                        holding.set(index, NO_ACCOUNT);
                    }
                    if (done) {
                        moved[index]++;
                    } else {
                        refused[index]++;
                    }
                }
            });
            deadlock = watch.found();
        }
        long after = bank.totalBalance();
        Variant.Builder v = Variant.named("naive lock order (broken)")
                .metric("transfers", moved[0] + moved[1])
                .metric("refused", refused[0] + refused[1])
                .metric("total before", before)
                .metric("total after", after)
                .metric("created", after - before);
        Verdict verdict;
        if (deadlock != null) {
            long formedAt = Math.max(blockedAt.get(0), blockedAt.get(1));
            long afterMs = TimeUnit.NANOSECONDS.toMillis(formedAt - startedAt.get());
            double detectMs = (deadlock.atNanos() - formedAt) / 1e6;
            v.metric("deadlock", deadlock.cycle())
                    .metric("deadlock after ms", afterMs)
                    .metric("detected in ms", detectMs);
            notes.add("Measured: the naive order deadlocked after "
                    + (completedWhenBlocked.get(0) + completedWhenBlocked.get(1)) + " completed transfers ("
                    + afterMs + " ms); found " + String.format(Locale.ROOT, "%.1f", detectMs) + " ms later: "
                    + deadlock.cycle() + "; broken by interrupting " + String.join(" and ", deadlock.threads())
                    + ".");
            verdict = Verdict.DEADLOCKED;
        } else if (!result.finished() && waitingFor.get(0) != NO_ACCOUNT && waitingFor.get(1) != NO_ACCOUNT) {
            // No cycle seen (e.g. no ThreadMXBean support), but both threads were still waiting for a lock
            // when the time box interrupted them: the bounded wait detected what the watchdog did not.
            v.metric("deadlock", "both threads waiting at the time box");
            verdict = Verdict.DEADLOCKED;
        } else if (!result.finished()) {
            v.metric("deadlock", "none found before the time box");
            verdict = Verdict.INCONCLUSIVE;
        } else {
            v.metric("deadlock", "none this run");
            notes.add("Measured: the naive order did not deadlock this run (the two first locks never "
                    + "interleaved): run again or raise --ops.");
            verdict = Verdict.INCONCLUSIVE;
        }
        return v.metric("ms", result.elapsedMillis()).verdict(verdict);
    }

    /** Two threads move money between the same two {@link Bank} accounts in opposite directions. */
    private Variant orderedOpposite(int ops, Duration timeBox, Tracer tracer) throws InterruptedException {
        tracer.phase("Bank, opposite directions");
        Bank bank = new Bank();
        Account[] accounts = {bank.open(openingForOpposite(ops)), bank.open(openingForOpposite(ops))};
        long before = bank.totalBalance();
        long[] moved = new long[2];
        long[] refused = new long[2];
        Workers.Result result;
        DeadlockWatch.Found deadlock;
        try (DeadlockWatch watch = new DeadlockWatch("watchdog", tracer, Thread::getName)) {
            result = Workers.run("T", 2, timeBox, index -> {
                watch.register();
                Account from = accounts[index];
                Account to = accounts[1 - index];
                for (int i = 0; i < ops; i++) {
                    long amount = 1 + (i % MAX_AMOUNT);
                    if (tracer.enabled()) {
                        tracer.send("Bank", "transfer " + amount + " " + account(index) + " to " + account(1 - index)
                                + " (locks A, then B)");
                    }
                    boolean done = bank.transfer(from, to, amount);
                    if (tracer.enabled()) {
                        tracer.reply("Bank", done ? "done" : "refused: insufficient funds");
                    }
                    if (done) {
                        moved[index]++;
                    } else {
                        refused[index]++;
                    }
                }
            });
            deadlock = watch.found();
        }
        long after = bank.totalBalance();
        Verdict verdict;
        if (deadlock != null) {
            verdict = Verdict.DEADLOCKED;
        } else if (after != before) {
            verdict = Verdict.BROKEN;
        } else if (!result.finished() || result.firstFailure() != null) {
            verdict = Verdict.INCONCLUSIVE;
        } else {
            verdict = Verdict.CORRECT;
        }
        return Variant.named("Bank, opposite directions")
                .metric("transfers", moved[0] + moved[1])
                .metric("refused", refused[0] + refused[1])
                .metric("total before", before)
                .metric("total after", after)
                .metric("created", after - before)
                .metric("deadlock", deadlock == null ? "none found" : deadlock.cycle())
                .metric("ms", result.elapsedMillis())
                .verdict(verdict);
    }

    /**
     * Opening balance for the opposite-direction variants: enough for all of one thread's transfers,
     * so none is refused and every one takes both locks and moves money.
     */
    private static long openingForOpposite(int ops) {
        return (long) ops * MAX_AMOUNT;
    }

    private static void meet(CyclicBarrier meeting) throws InterruptedException {
        try {
            meeting.await(MEETING_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("the other thread never took its first lock", e);
        }
    }

    /** Workers are named T1, T2, ...: the index of {@code t}. */
    private static int workerIndex(Thread t) {
        return Integer.parseInt(t.getName().substring(1)) - 1;
    }

    /** Account names for people: A, B, ..., Z, then #26, #27, ... */
    static String account(int index) {
        return index < 26 ? String.valueOf((char) ('A' + index)) : "#" + index;
    }

    private static String accountOrNothing(int index) {
        return index == NO_ACCOUNT ? "nothing" : account(index);
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }
}

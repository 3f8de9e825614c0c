package dev.interlock.liveness;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Makes named locks that check the order in which they are taken, and flags the first acquisition
 * that contradicts an order seen before: a potential deadlock, found in a run that does not
 * deadlock. The guide's chapter 10 ("always take locks in one global order") turned into a check.
 *
 * <p>Each lock this checker makes ({@link #newLock}, {@link #newReadWriteLock}) is a node of a
 * directed graph; when a thread holding lock X asks for lock Y, the checker records the edge
 * {@code X -> Y} ("X before Y"), with the thread and the stack of that acquisition, the first time
 * it sees it. An acquisition whose new edge would close a cycle ({@code A -> B} is known, and now a
 * thread holding B asks for A) is a lock-order inversion: two threads doing the two things at once
 * can deadlock, even if in this run they never overlapped. The checker then acts per its
 * {@link Policy}:
 * <ul>
 *   <li>{@link Policy#THROW}: the acquisition throws {@link PotentialDeadlockException} before the lock
 *       is taken (the caller holds what it held before; the offending edge is not recorded, so every
 *       later attempt throws too).</li>
 *   <li>{@link Policy#WARN}: the callback hears the exception, then the acquisition proceeds; the edge
 *       is recorded, so each cycle is reported once.</li>
 *   <li>{@link Policy#DISABLED}: no order checking at all: the locks are plain reentrant locks that are
 *       still {@link TrackedLock}s (holders, wait statistics, the {@link WaitRegistry}), which is what
 *       {@link DeadlockWatchdog} needs to find a real deadlock.</li>
 * </ul>
 *
 * <p>Sample usage:
 * <pre>{@code
 * LockOrderChecker checker = new LockOrderChecker(LockOrderChecker.Policy.THROW);
 * Lock accounts = checker.newLock("accounts");
 * Lock audit = checker.newLock("audit");
 * accounts.lock();                  // thread 1: accounts, then audit
 * try {
 *     audit.lock();                 // records accounts -> audit
 *     audit.unlock();
 * } finally {
 *     accounts.unlock();
 * }
 * audit.lock();                     // later, any thread: audit, then accounts
 * try {
 *     accounts.lock();              // throws: potential deadlock: accounts -> audit -> accounts
 * } finally {
 *     audit.unlock();
 * }
 * }</pre>
 *
 * <p><b>The locks.</b> {@link #newLock} returns a reentrant mutual-exclusion lock with the contract of a
 * non-fair {@link ReentrantLock} (reentrancy, {@code Condition}s, interruption, timeouts, memory
 * effects), and {@link #newReadWriteLock} one with that of a non-fair
 * {@link java.util.concurrent.locks.ReentrantReadWriteLock} (a writer may take the read lock, a
 * reader may not take the write lock). Both are built on those JDK locks. Every lock and every view
 * ({@code readLock()}, {@code writeLock()}) also implements {@link TrackedLock}: its
 * {@link TrackedLock#name() name} is the one given, and while an acquirer is blocked it is listed in
 * the {@link WaitRegistry}.
 *
 * <p><b>What is checked.</b> Every acquisition method ({@code lock}, {@code lockInterruptibly}, both
 * {@code tryLock}s) is checked before it tries the lock, whether or not it would block: the order is a
 * property of the program, and the {@code tryLock} that succeeds today is the {@code lock} of a later
 * refactoring (Guava's {@code CycleDetectingLockFactory} does the same). A thread's edges go from
 * each lock it holds to the one it asks for. Re-entering a lock the thread already holds adds no
 * edge. The read and write locks of one read-write lock are one node: a read acquisition orders
 * exactly as a write acquisition does (readers can deadlock too: a reader waits for a queued writer,
 * which waits for the readers already in), and taking one half while holding the other is
 * re-entry, never an edge. Locks of different checkers are not ordered against each other.
 *
 * <p><b>Where the guarantee stops.</b> The checker sees only orders that happened: an inversion on a
 * code path that never ran is not found. It checks its own locks only (a {@code synchronized} block
 * or another lock between two checked acquisitions is invisible), and it finds inversions, not
 * other kinds of deadlock: a read lock held while asking for the write lock of the same read-write
 * lock deadlocks the thread on its own (as {@code ReentrantReadWriteLock} does), and the checker
 * does not flag it ({@link DeadlockWatchdog} reports it when it happens). Re-acquiring a lock at the
 * end of {@link java.util.concurrent.locks.Condition#await() Condition.await} is not order-checked:
 * awaiting on a condition of an outer lock while holding an inner one re-takes the outer lock after
 * the inner, a real inversion that goes unflagged (Guava's {@code CycleDetectingLockFactory} has the
 * same gap). Names are for reports;
 * they need not be unique, but cycles are easier to read when they are.
 *
 * <p><b>Thread-safety.</b> Thread-safe; every lock may be used from any thread, platform or virtual.
 * Concurrent first acquisitions cannot both miss a cycle (see the implementation notes). Callbacks run
 * on the acquiring thread, before it tries the lock, without any of the checker's locks held; a
 * callback that throws makes the acquisition throw that exception, with the lock not taken.
 *
 * <p><b>Cost.</b> Under {@code THROW} or {@code WARN}, an acquisition that adds no new edge costs a
 * thread-local lookup, one hash lookup per lock the thread already holds, and a push and a pop on a
 * small per-thread array; no lock and no allocation. The first sighting of an edge captures a stack
 * trace (microseconds) and searches the graph under a checker-wide lock: O(locks + edges), once per
 * edge in the checker's life. {@code DISABLED} skips all of that, leaving the wait bookkeeping of a
 * {@link TrackedLock}: an uncontended acquisition is a timed {@code tryLock} of the underlying JDK
 * lock and a counter increment; a blocking one also a {@link WaitRegistry} insertion and removal.
 * The issue sets no target; {@code bench/.../LockOrderCheckerBench} compares both policies with a
 * plain {@code ReentrantLock}. Measured on 2026-11-26 (JDK 25, 2-core VM, one thread): a lock and
 * unlock took 23 ns checked, 19 ns disabled and 13 ns for a plain {@code ReentrantLock} (0.58x and
 * 0.70x its throughput); a nested pair, 48, 39 and 26 ns (0.55x, 0.67x). So about 10 ns per checked
 * acquisition. Details in docs/benchmarks.md.
 *
 * <p><b>Memory.</b> A checker keeps every edge it has seen for its whole life, each with a stack of at
 * most {@value #MAX_STACK_FRAMES} frames: at most {@code locks * (locks - 1)} edges, in practice
 * far fewer (the pairs of locks really nested), and it keeps their nodes (each a lock's name and its
 * edges) reachable, not the locks themselves.
 * Give a subsystem one checker for locks that live as long as it does; locks made per request or
 * per object would grow the graph without bound. Each thread that has taken one of its locks holds a
 * small per-thread array while the checker is reachable.
 */
public final class LockOrderChecker {

    /*
     * Implementation notes.
     *
     * Graph: each lock (each read-write lock: one for both halves) has a Node; node.after maps every
     * node taken while holding it to the Edge that first did so. Edges are only ever added, and only
     * while holding `graphLock`. Readers (the fast path) read `after` without the lock: a
     * ConcurrentHashMap read sees any edge whose insertion happened-before it, and may miss one being
     * added concurrently, which only sends the reader to the slow path.
     *
     * Why concurrent first acquisitions cannot both miss a cycle (Guava's CycleDetectingLockFactory,
     * google/guava#2048, checks for a path and then adds the edge as two separate steps, so two
     * threads adding A -> B and B -> A at once can each see no path and both add their edge): here
     * the search for a path and the insertion of the edge are one critical section under
     * `graphLock`. Invariant: the graph recorded under `graphLock` never gains a cycle except through
     * an edge whose insertion was reported (WARN). Of two concurrent inserters, the second to take
     * `graphLock` sees the first's edge and finds the cycle. An acquisition that adds no edge (every
     * held -> wanted edge already known) cannot close a new cycle, because no edge is added, so
     * skipping the lock on that path loses nothing.
     *
     * Several held locks: a thread holding H1..Hk and asking for N adds Hi -> N for every unknown one,
     * all in one critical section. A cycle through a new edge Hi -> N is a path N ->* Hi; such a path
     * never uses another new edge Hj -> N (it would pass N twice), so checking every new edge against
     * the graph before inserting any is exact. Under THROW nothing is inserted if any of them closes
     * a cycle (the acquisition does not happen); under WARN all are inserted.
     *
     * Per-thread state: `held` is this thread's stack of nodes it holds through this checker (one
     * entry per acquisition, so re-entry pushes again and unlock pops one). It is pushed after the
     * underlying lock is acquired and popped after it is released, so it never lists a lock the
     * thread does not hold, except while an unlock is between those two steps.
     */

    /** How a checker reacts to an acquisition that closes a cycle. */
    public enum Policy {
        /** Throw {@link PotentialDeadlockException} from the acquisition, before taking the lock. */
        THROW,
        /** Hand the {@link PotentialDeadlockException} to the callback, then take the lock. */
        WARN,
        /** Check nothing: the locks still track holders and waits for {@link DeadlockWatchdog}. */
        DISABLED
    }

    /** The most frames kept of an edge's stack, innermost first: bounds the graph's memory. */
    static final int MAX_STACK_FRAMES = 64;

    /** Classes whose frames are cut from the top of recorded stacks: the checker's own. */
    private static final List<String> OWN_CLASSES = List.of(
            LockOrderChecker.class.getName(), AbstractCheckedLock.class.getName(),
            CheckedLock.class.getName(), CheckedReadWriteLock.class.getName());

    private final Policy policy;
    private final Consumer<? super PotentialDeadlockException> callback; // null: none
    private final boolean checking;
    private final ReentrantLock graphLock = new ReentrantLock();
    private int edges; // guarded by graphLock
    private final ThreadLocal<Held> held = ThreadLocal.withInitial(Held::new);

    /**
     * A checker with policy {@link Policy#THROW} or {@link Policy#DISABLED}.
     *
     * @throws NullPointerException     if {@code policy} is null
     * @throws IllegalArgumentException if {@code policy} is {@link Policy#WARN}, which needs a callback:
     *                                  use {@link #LockOrderChecker(Policy, Consumer)}
     */
    public LockOrderChecker(Policy policy) {
        this.policy = requireNoCallbackNeeded(policy);
        this.callback = null;
        this.checking = policy != Policy.DISABLED;
    }

    /**
     * A checker that calls {@code callback} with every potential deadlock it finds, on the acquiring
     * thread, before it acts on it per {@code policy} (under {@link Policy#THROW} the same exception
     * is then thrown; under {@link Policy#DISABLED} nothing is ever found).
     *
     * @throws NullPointerException if {@code policy} or {@code callback} is null
     */
    public LockOrderChecker(Policy policy, Consumer<? super PotentialDeadlockException> callback) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.callback = Objects.requireNonNull(callback, "callback");
        this.checking = policy != Policy.DISABLED;
    }

    private static Policy requireNoCallbackNeeded(Policy policy) {
        if (Objects.requireNonNull(policy, "policy") == Policy.WARN) {
            throw new IllegalArgumentException(
                    "WARN needs a callback: use new LockOrderChecker(Policy.WARN, callback)");
        }
        return policy;
    }

    /**
     * A new reentrant lock called {@code name}, checked by this checker. It also implements
     * {@link TrackedLock}.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Lock newLock(String name) {
        return new CheckedLock(this, new Node(Objects.requireNonNull(name, "name")));
    }

    /**
     * A new reentrant read-write lock called {@code name}, checked by this checker: its read and
     * write locks share one place in the order. Both also implement {@link TrackedLock}, with this
     * name.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public ReadWriteLock newReadWriteLock(String name) {
        return new CheckedReadWriteLock(this, new Node(Objects.requireNonNull(name, "name")));
    }

    /** This checker's policy. */
    public Policy policy() {
        return policy;
    }

    /** Whether acquisitions are checked (the policy is not {@link Policy#DISABLED}). */
    boolean checking() {
        return checking;
    }

    /**
     * Checks the calling thread's acquisition of {@code wanted} against the order seen so far, and
     * records its new edges; call before trying the lock. Returns the thread's held stack, to pass
     * to {@link #acquired} once the lock is held.
     *
     * @throws PotentialDeadlockException under THROW, if the acquisition would close a cycle
     */
    Held beforeAcquire(Node wanted) {
        Held h = held.get();
        int n = h.size;
        if (n == 0) {
            return h;
        }
        Node[] nodes = h.nodes;
        Node[] unseen = null;
        int count = 0;
        for (int i = 0; i < n; i++) {
            Node from = nodes[i];
            if (from == wanted) {
                return h; // re-entry: the thread holds this lock (or the other half of it) already
            }
            if (from.after.get(wanted) == null && !contains(unseen, count, from)) {
                if (unseen == null) {
                    unseen = new Node[n];
                }
                unseen[count++] = from;
            }
        }
        if (count > 0) {
            addEdges(wanted, unseen, count);
        }
        return h;
    }

    /** Records that the calling thread now holds {@code node}; {@code h} is what {@link #beforeAcquire} returned. */
    static void acquired(Held h, Node node) {
        h.push(node);
    }

    /** Records that the calling thread released {@code node} once. */
    void released(Node node) {
        held.get().remove(node);
    }

    /** The slow path: edges {@code froms[i] -> wanted} not seen before. */
    private void addEdges(Node wanted, Node[] froms, int count) {
        Thread me = Thread.currentThread();
        String who = nameOf(me);
        List<StackTraceElement> stack = callerStack();
        List<PotentialDeadlockException> found = null;
        graphLock.lock();
        try {
            List<Node> fresh = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                if (froms[i].after.get(wanted) == null) { // another thread may have added it meanwhile
                    fresh.add(froms[i]);
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            Map<Node, Node> reached = reachableFrom(wanted);
            for (Node from : fresh) {
                if (reached.containsKey(from)) {
                    if (found == null) {
                        found = new ArrayList<>(1);
                    }
                    found.add(cycle(wanted, from, reached, who, stack));
                }
            }
            if (found == null || policy == Policy.WARN) {
                for (Node from : fresh) {
                    from.after.put(wanted, new PotentialDeadlockException.Edge(from.name, wanted.name, who, stack));
                    edges++;
                }
            }
        } finally {
            graphLock.unlock();
        }
        if (found == null) {
            return;
        }
        if (callback != null) {
            for (PotentialDeadlockException e : found) {
                callback.accept(e);
            }
        }
        if (policy == Policy.THROW) {
            PotentialDeadlockException first = found.getFirst();
            for (int i = 1; i < found.size(); i++) {
                first.addSuppressed(found.get(i));
            }
            throw first;
        }
    }

    /**
     * Every node reachable from {@code start}, mapped to its predecessor on a shortest path from
     * {@code start} ({@code start} itself maps to null). Call only when holding graphLock.
     */
    private Map<Node, Node> reachableFrom(Node start) {
        assert graphLock.isHeldByCurrentThread();
        Map<Node, Node> parent = new HashMap<>();
        parent.put(start, null);
        ArrayDeque<Node> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            Node current = queue.poll();
            for (Node next : current.after.keySet()) {
                if (!parent.containsKey(next)) {
                    parent.put(next, current);
                    queue.add(next);
                }
            }
        }
        return parent;
    }

    /**
     * The exception for the cycle {@code wanted ->* from -> wanted}: the known path from
     * {@code wanted} to {@code from}, then the new edge. Call only when holding graphLock.
     */
    private PotentialDeadlockException cycle(Node wanted, Node from, Map<Node, Node> reached, String who,
                                             List<StackTraceElement> stack) {
        assert graphLock.isHeldByCurrentThread();
        List<Node> path = new ArrayList<>();
        for (Node n = from; n != null; n = reached.get(n)) {
            path.add(n);
        }
        List<PotentialDeadlockException.Edge> cycle = new ArrayList<>(path.size());
        for (int i = path.size() - 1; i > 0; i--) {
            cycle.add(path.get(i).after.get(path.get(i - 1)));
        }
        cycle.add(new PotentialDeadlockException.Edge(from.name, wanted.name, who, stack));
        return new PotentialDeadlockException(cycle);
    }

    private static boolean contains(Node[] nodes, int count, Node node) {
        for (int i = 0; i < count; i++) {
            if (nodes[i] == node) {
                return true;
            }
        }
        return false;
    }

    /** The calling thread's stack from the caller of the lock method outwards, at most MAX_STACK_FRAMES. */
    private static List<StackTraceElement> callerStack() {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int first = 0;
        while (first < all.length && isOwn(all[first].getClassName())) {
            first++;
        }
        return List.of(Arrays.copyOfRange(all, first, Math.min(all.length, first + MAX_STACK_FRAMES)));
    }

    private static boolean isOwn(String className) {
        for (String own : OWN_CLASSES) {
            if (className.equals(own) || className.startsWith(own + "$")) {
                return true;
            }
        }
        return false;
    }

    /** A thread's name for reports; virtual threads are often unnamed. */
    static String nameOf(Thread t) {
        String name = t.getName();
        return name.isEmpty() ? (t.isVirtual() ? "virtual#" : "#") + t.threadId() : name;
    }

    @Override
    public String toString() {
        int known;
        graphLock.lock();
        try {
            known = edges;
        } finally {
            graphLock.unlock();
        }
        return "LockOrderChecker[" + policy + ", " + known + " edges]";
    }

    /** One lock's place in the order graph. */
    static final class Node {
        final String name;
        /** Nodes taken while holding this one, with the edge that first did so; added under graphLock. */
        final ConcurrentHashMap<Node, PotentialDeadlockException.Edge> after = new ConcurrentHashMap<>();

        Node(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The nodes one thread holds through one checker, in acquisition order; confined to that thread. */
    static final class Held {
        private Node[] nodes = new Node[4];
        private int size;

        void push(Node node) {
            if (size == nodes.length) {
                nodes = Arrays.copyOf(nodes, size * 2);
            }
            nodes[size++] = node;
        }

        /** Removes the latest entry for {@code node} (unlocks need not be in reverse order). */
        void remove(Node node) {
            for (int i = size - 1; i >= 0; i--) {
                if (nodes[i] == node) {
                    System.arraycopy(nodes, i + 1, nodes, i, size - i - 1);
                    nodes[--size] = null;
                    return;
                }
            }
        }
    }
}

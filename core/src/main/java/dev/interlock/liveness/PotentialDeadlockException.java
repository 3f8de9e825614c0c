package dev.interlock.liveness;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A lock acquisition that would close a cycle in the order in which a {@link LockOrderChecker}'s
 * locks have been taken: a potential deadlock, found whether or not this run would deadlock.
 *
 * <p>If thread T1 has ever taken lock B while holding A, and T2 now asks for A while holding B, two
 * threads doing these two things at the same moment can each hold one lock and wait forever for the
 * other. The exception names the cycle in its message ({@code A -> B -> A}, read "A before B, then
 * B before A") and carries, for each edge of it, the thread and the stack that first took the two
 * locks in that order: {@link #edges()} as data, and {@linkplain #getSuppressed() suppressed
 * exceptions} (one per earlier edge, whose stack traces are those stacks) so that a logged stack
 * trace shows every place at once. The exception's own stack trace is that of the acquisition that
 * closed the cycle, the last edge (from the caller of the lock method outwards).
 *
 * <p>Unchecked: under {@link LockOrderChecker.Policy#THROW} it is thrown by the acquisition
 * ({@code lock()}, {@code tryLock()}, ...) before the lock is taken, so the caller's state is
 * unchanged; under {@link LockOrderChecker.Policy#WARN} it is handed to the checker's callback, not
 * thrown.
 */
public final class PotentialDeadlockException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * One edge of the lock-order graph: some thread took {@code to} while holding {@code from}.
     *
     * @param from   the name of the lock that was held
     * @param to     the name of the lock that was taken while holding it
     * @param thread the name of the thread that first did so
     * @param stack  where it did so: the stack of that acquisition, innermost frame first (the
     *               checker's own frames removed)
     */
    public record Edge(String from, String to, String thread, List<StackTraceElement> stack)
            implements Serializable {
        public Edge {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(thread, "thread");
            stack = List.copyOf(stack);
        }

        @Override
        public String toString() {
            return from + " -> " + to + " (thread " + thread + ")";
        }
    }

    private final List<String> cycle;
    private final List<Edge> edges;

    /**
     * @param edges the cycle's edges in order, each starting where the previous one ended and the last
     *              ending where the first started; the last is the acquisition that closes the cycle
     */
    PotentialDeadlockException(List<Edge> edges) {
        super(message(edges));
        this.edges = List.copyOf(edges);
        List<String> names = new ArrayList<>(edges.size() + 1);
        names.add(edges.getFirst().from());
        edges.forEach(e -> names.add(e.to()));
        this.cycle = List.copyOf(names);
        setStackTrace(edges.getLast().stack().toArray(StackTraceElement[]::new));
        for (int i = 0; i < edges.size() - 1; i++) {
            Edge e = edges.get(i);
            EdgeTrace trace = new EdgeTrace(e.from() + " -> " + e.to() + " was first taken by thread " + e.thread());
            trace.setStackTrace(e.stack().toArray(StackTraceElement[]::new));
            addSuppressed(trace);
        }
    }

    private static String message(List<Edge> edges) {
        if (edges.isEmpty()) {
            throw new IllegalArgumentException("a cycle has at least one edge");
        }
        StringBuilder m = new StringBuilder("potential deadlock: ").append(edges.getFirst().from());
        for (Edge e : edges) {
            m.append(" -> ").append(e.to());
        }
        m.append(" (");
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            m.append(i == 0 ? "" : "; ").append(e.from()).append(" -> ").append(e.to())
                    .append(i == edges.size() - 1 ? " now, by thread " : " first by thread ").append(e.thread());
        }
        return m.append(')').toString();
    }

    /**
     * The cycle as lock names, its first name repeated at the end: {@code [A, B, A]} for
     * {@code A -> B -> A}. The first lock is the one whose acquisition closed the cycle.
     */
    public List<String> cycle() {
        return cycle;
    }

    /** The cycle's edges in order, with the thread and stack that made each; the last closed the cycle. */
    public List<Edge> edges() {
        return edges;
    }

    /** The stack of one earlier edge, attached to the exception as a suppressed exception. */
    static final class EdgeTrace extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EdgeTrace(String message) {
            super(message, null, false, true);
        }
    }
}

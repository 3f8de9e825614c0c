package dev.interlock.liveness;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A directed graph of threads (by id), an edge meaning "waits for", and the cycles in it: the
 * deadlocks. Used by {@link DeadlockWatchdog} for one scan; not thread-safe.
 */
final class WaitForGraph {

    /*
     * Implementation notes: strongly connected components by Tarjan's algorithm, iterative so that a
     * long chain of waiting threads cannot overflow the stack. A component with more than one node,
     * or one node with an edge to itself, contains a cycle; from each such component one cycle is
     * reported, the shortest through its smallest id (breadth-first within the component), so the
     * same graph always yields the same cycles.
     */

    private final Map<Long, List<Long>> out = new LinkedHashMap<>();

    /** Adds the edge {@code from -> to} (and both nodes). */
    void addEdge(long from, long to) {
        out.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        out.computeIfAbsent(to, k -> new ArrayList<>());
    }

    /** Whether {@code id} has an outgoing edge. */
    boolean waits(long id) {
        List<Long> targets = out.get(id);
        return targets != null && !targets.isEmpty();
    }

    /** One simple cycle per strongly connected component that has one, each starting at its smallest id. */
    List<List<Long>> cycles() {
        List<List<Long>> cycles = new ArrayList<>();
        for (Set<Long> component : components()) {
            long start = Collections.min(component);
            if (component.size() > 1 || out.get(start).contains(start)) {
                cycles.add(shortestCycle(start, component));
            }
        }
        return cycles;
    }

    private List<Long> shortestCycle(long start, Set<Long> component) {
        Map<Long, Long> parent = new HashMap<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        queue.add(start);
        while (!queue.isEmpty()) {
            long current = queue.poll();
            for (long next : out.get(current)) {
                if (next == start) {
                    List<Long> cycle = new ArrayList<>();
                    if (current != start) {
                        for (Long n = current; n != null; n = parent.get(n)) {
                            cycle.add(n);
                        }
                    }
                    cycle.add(start);
                    Collections.reverse(cycle); // start, ..., current
                    return cycle;
                }
                if (component.contains(next) && !parent.containsKey(next)) {
                    parent.put(next, current == start ? null : current);
                    queue.add(next);
                }
            }
        }
        throw new AssertionError("a strongly connected component without a cycle through " + start);
    }

    /** Tarjan's strongly connected components. */
    private List<Set<Long>> components() {
        Map<Long, Integer> index = new HashMap<>();
        Map<Long, Integer> low = new HashMap<>();
        ArrayDeque<Long> stack = new ArrayDeque<>();
        Set<Long> onStack = new HashSet<>();
        List<Set<Long>> result = new ArrayList<>();
        int counter = 0;
        for (long root : out.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            ArrayDeque<Frame> work = new ArrayDeque<>();
            work.push(new Frame(root, out.get(root).iterator()));
            index.put(root, counter);
            low.put(root, counter);
            counter++;
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Frame frame = work.peek();
                if (frame.next.hasNext()) {
                    long w = frame.next.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter);
                        low.put(w, counter);
                        counter++;
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Frame(w, out.get(w).iterator()));
                    } else if (onStack.contains(w)) {
                        low.put(frame.node, Math.min(low.get(frame.node), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    long parentNode = work.peek().node;
                    low.put(parentNode, Math.min(low.get(parentNode), low.get(frame.node)));
                }
                if (low.get(frame.node).equals(index.get(frame.node))) {
                    Set<Long> component = new HashSet<>();
                    long w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (w != frame.node);
                    result.add(component);
                }
            }
        }
        return result;
    }

    private record Frame(long node, Iterator<Long> next) {
    }
}

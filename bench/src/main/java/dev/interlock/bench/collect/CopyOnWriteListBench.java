package dev.interlock.bench.collect;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.collect.CopyOnWriteList;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Copy-on-write lists, read by 2 threads: {@code get} by index (walking the list, one element a call)
 * and a full iteration of {@value #SIZE} elements, {@link CopyOnWriteList} against the JDK's
 * {@link CopyOnWriteArrayList}. Both reads are a volatile read of the array and plain reads of it, so
 * the target is parity (at least 0.95). Writes ({@code set}, 1 thread, a full copy each) are measured
 * for context only: they are the price of the lock-free reads, O(n) for both.
 *
 * <p>Run: {@code ./interlock bench CopyOnWriteListBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"CopyOnWriteList"}, peers = {"CopyOnWriteArrayList"})
@RatioTarget(benchmark = "get2", ours = "CopyOnWriteList", peer = "CopyOnWriteArrayList", atLeast = 0.95)
@RatioTarget(benchmark = "iterate2", ours = "CopyOnWriteList", peer = "CopyOnWriteArrayList", atLeast = 0.95)
public class CopyOnWriteListBench {

    /** Elements in the list. */
    static final int SIZE = 100;

    @Param({"CopyOnWriteList", "CopyOnWriteArrayList"})
    public String impl;

    private List<Integer> list;

    /** Two sets of replacement elements, distinct objects from the list's, so every set copies. */
    private final Integer[][] replacements = new Integer[2][SIZE];

    /** Each reading thread's position in the list. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        int round;
    }

    @Setup
    public void setUp() {
        list = switch (impl) {
            case "CopyOnWriteList" -> new CopyOnWriteList<>();
            case "CopyOnWriteArrayList" -> new CopyOnWriteArrayList<>();
            default -> throw new IllegalArgumentException(impl);
        };
        for (int i = 0; i < SIZE; i++) {
            list.add(i);
            replacements[0][i] = 1_000 + i;
            replacements[1][i] = 2_000 + i;
        }
    }

    @Benchmark
    @Threads(2)
    public Integer get2(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == SIZE ? 0 : i + 1;
        return list.get(i);
    }

    @Benchmark
    @Threads(2)
    public long iterate2() {
        long sum = 0;
        for (Integer v : list) {
            sum += v;
        }
        return sum;
    }

    /**
     * Context, no target: a write copies the whole array. Each call replaces an element with a
     * different object (the two replacement sets alternate by round), so neither list can skip the copy.
     */
    @Benchmark
    @Threads(1)
    public Integer set1(Cursor cursor) {
        int i = cursor.next;
        if (i + 1 == SIZE) {
            cursor.next = 0;
            cursor.round++;
        } else {
            cursor.next = i + 1;
        }
        return list.set(i, replacements[cursor.round & 1][i]);
    }
}

package dev.interlock.lab.broken;

import java.util.Map;

/**
 * BROKEN on purpose: counting into a thread-safe map with {@code get} then {@code put}. Each call is
 * atomic, the pair is not: two threads that read the same count both write count + 1, and one
 * increment is lost, whichever map is underneath. The fix is one atomic call,
 * {@code map.merge(key, 1L, Long::sum)}.
 */
public final class GetThenPutTally {

    private GetThenPutTally() {
    }

    /** Adds one to {@code key}'s count: read, add, write, in three steps. */
    public static <K> void increment(Map<K, Long> map, K key) {
        Long count = map.get(key);
        map.put(key, count == null ? 1L : count + 1);
    }
}

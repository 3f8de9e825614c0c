package dev.interlock.stress.collect;

import dev.interlock.collect.LruCache;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link LruCache} under the real memory model, on a full cache of capacity 1 holding key 0: two puts of
 * new keys race (each must evict exactly one entry, and the cache must end with one); and a reader
 * races an evicting put (the new key must appear at the instant the old one disappears).
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t LruCacheStress -m quick}
 */
public final class LruCacheStress {

    private LruCacheStress() {
    }

    /**
     * put(1) races put(2). The arbiter reports the size, the surviving key, the evicted keys as a bit
     * set (bit k for key k; a key evicted twice adds 16) and the number of listener calls.
     */
    @JCStressTest
    @Outcome(id = "1, 2, 3, 2", expect = ACCEPTABLE,
            desc = "put(1) then put(2): 0 evicted by put(1), 1 by put(2); 2 survives.")
    @Outcome(id = "1, 1, 5, 2", expect = ACCEPTABLE,
            desc = "put(2) then put(1): 0 evicted by put(2), 2 by put(1); 1 survives.")
    @Outcome(expect = FORBIDDEN,
            desc = "Capacity exceeded, an eviction lost or doubled, or the survivor evicted.")
    @State
    public static class PutRacingPut {
        final AtomicInteger evictedBits = new AtomicInteger();
        final AtomicInteger listenerCalls = new AtomicInteger();
        final LruCache<Integer, Integer> cache = new LruCache<>(1, (k, v) -> {
            listenerCalls.incrementAndGet();
            int bit = 1 << k;
            if ((evictedBits.getAndAccumulate(bit, (a, b) -> a | b) & bit) != 0) {
                evictedBits.addAndGet(16);
            }
        });

        public PutRacingPut() {
            cache.put(0, 0);
        }

        @Actor
        public void actor1() {
            cache.put(1, 1);
        }

        @Actor
        public void actor2() {
            cache.put(2, 2);
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            r.r1 = cache.size();
            r.r2 = cache.peek(1) != null ? (cache.peek(2) != null ? 12 : 1) : cache.peek(2) != null ? 2 : 0;
            r.r3 = evictedBits.get();
            r.r4 = listenerCalls.get();
            if (cache.stats().evictions() != listenerCalls.get()) {
                r.r4 = -1;
            }
        }
    }

    /**
     * put(1) evicts 0 while a reader peeks at 0, then at 1. The eviction and the insert take effect at
     * one instant, so once 0 is gone 1 must be there.
     */
    @JCStressTest
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "Both reads before the put.")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "Both reads after the put.")
    @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "The put took effect between the two reads.")
    @Outcome(id = "false, false", expect = FORBIDDEN,
            desc = "0 already evicted and 1 not yet inserted: the eviction was visible before its insert.")
    @State
    public static class ReaderRacingEvictingPut {
        final LruCache<Integer, Integer> cache = new LruCache<>(1);

        public ReaderRacingEvictingPut() {
            cache.put(0, 0);
        }

        @Actor
        public void writer() {
            cache.put(1, 1);
        }

        @Actor
        public void reader(ZZ_Result r) {
            r.r1 = cache.peek(0) != null;
            r.r2 = cache.peek(1) != null;
        }
    }
}

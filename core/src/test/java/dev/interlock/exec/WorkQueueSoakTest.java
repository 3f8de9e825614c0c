package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded soak (a few seconds): producers submit and offer numbered items while handlers fail at
 * random, a chaos thread interrupts producers and consumers, and the queue is closed, or shut down
 * now, in the middle of the stream. Afterwards every item must be accounted for exactly once: handed
 * to the handler once, or returned by {@code shutdownNow} once, if and only if its producer saw it
 * accepted; and the metrics must agree with the counts the test kept itself.
 */
class WorkQueueSoakTest {

    private static final int ROUNDS = 12;
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 20_000;
    private static final int CAPACITY = 8;
    private static final int CONSUMERS = 3;

    @Test
    void failuresInterruptsAndAMidStreamCloseNeitherLoseNorDuplicateAnItem() throws Exception {
        SplittableRandom random = new SplittableRandom(20261126);
        for (int round = 0; round < ROUNDS; round++) {
            boolean abrupt = round % 2 == 1;
            boolean virtual = round % 3 == 2;
            double closeAt = 0.1 + 0.7 * random.nextDouble();
            runRound(round, abrupt, virtual, closeAt);
        }
    }

    private static void runRound(int round, boolean abrupt, boolean virtual, double closeAt) throws Exception {
        int total = PRODUCERS * PER_PRODUCER;
        AtomicIntegerArray accepted = new AtomicIntegerArray(total);
        AtomicIntegerArray delivered = new AtomicIntegerArray(total);
        AtomicIntegerArray returned = new AtomicIntegerArray(total);
        LongAdder reportedFailures = new LongAdder();
        Set<Thread> consumers = ConcurrentHashMap.newKeySet();
        List<Thread> producers = new ArrayList<>();
        String what = "round " + round + (abrupt ? " (shutdownNow)" : " (close)") + (virtual ? " virtual" : "");

        WorkQueue<Integer> queue = WorkQueue.<Integer>builder(item -> {
            consumers.add(Thread.currentThread());
            delivered.incrementAndGet(item);
            int dice = ThreadLocalRandom.current().nextInt(100);
            if (dice < 10) {
                throw new IllegalStateException("random failure of " + item);
            } else if (dice < 12) {
                Thread.yield();
            }
        }).capacity(CAPACITY).consumers(CONSUMERS)
                .threadFactory(virtual ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory())
                .onError((item, failure) -> reportedFailures.increment())
                .build();

        AtomicBoolean chaosOn = new AtomicBoolean(true);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(PRODUCERS); // past go.await(): safe to interrupt
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < PRODUCERS; p++) {
                int base = p * PER_PRODUCER;
                boolean offers = p % 2 == 1;
                TestThreads.Body body = () -> {
                    go.await();
                    running.countDown();
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        int item = base + i;
                        try {
                            boolean ok = true;
                            if (offers) {
                                ok = queue.offer(item, Duration.ofNanos(ThreadLocalRandom.current().nextInt(50_000)));
                            } else {
                                queue.submit(item);
                            }
                            if (ok) {
                                accepted.set(item, 1);
                            }
                        } catch (InterruptedException chaos) {
                            // not accepted; go on with the next item
                        } catch (IllegalStateException closed) {
                            return;
                        }
                    }
                };
                producers.add(virtual ? threads.startVirtual("producer-" + p, body) : threads.start("producer-" + p, body));
            }
            threads.start("chaos", () -> {
                running.await();
                while (chaosOn.get()) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    if (r.nextBoolean()) {
                        producers.get(r.nextInt(producers.size())).interrupt();
                    } else {
                        consumers.stream().skip(r.nextInt(Math.max(1, consumers.size()))).findFirst()
                                .ifPresent(Thread::interrupt);
                    }
                    for (int spin = r.nextInt(200); spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                    Thread.yield();
                }
            });
            go.countDown();
            WorkQueue.Metrics[] last = {queue.metrics()};
            TestThreads.pollUntil(() -> {
                WorkQueue.Metrics m = queue.metrics();
                assertConsistent(m, last[0], what);
                last[0] = m;
                return m.submitted() >= (long) (total * closeAt);
            }, what + ": " + closeAt + " of the items accepted");

            List<Integer> leftovers = List.of();
            if (abrupt) {
                leftovers = queue.shutdownNow();
                assertThat(queue.awaitTermination(TestThreads.BOUND)).as(what).isTrue();
            } else {
                queue.close();
                assertThat(Thread.interrupted()).as(what + ": close() was not interrupted").isFalse();
                assertThat(queue.isTerminated()).as(what).isTrue();
            }
            for (int item : leftovers) {
                returned.incrementAndGet(item);
            }
            for (Thread p : producers) {
                p.join(TestThreads.BOUND);
            }
            chaosOn.set(false);
        }

        long acceptedCount = 0;
        long deliveredCount = 0;
        long acceptedSum = 0;
        long handedOrReturnedSum = 0;
        for (int item = 0; item < total; item++) {
            int a = accepted.get(item);
            int d = delivered.get(item);
            int r = returned.get(item);
            assertThat(d + r).as(what + ": item " + item + " accepted=" + a + " delivered=" + d + " returned=" + r)
                    .isEqualTo(a);
            acceptedCount += a;
            deliveredCount += d;
            acceptedSum += (long) a * item;
            handedOrReturnedSum += (long) (d + r) * item;
        }
        assertThat(handedOrReturnedSum).as(what + ": checksum").isEqualTo(acceptedSum);
        WorkQueue.Metrics m = queue.metrics();
        assertThat(m.submitted()).as(what).isEqualTo(acceptedCount);
        assertThat(m.completed() + m.failed()).as(what).isEqualTo(deliveredCount);
        assertThat(m.failed()).as(what).isEqualTo(reportedFailures.sum());
        assertThat(m.queueDepth()).as(what).isZero();
        assertThat(acceptedCount).as(what).isPositive();
        assertThat(queue.invariantsHold()).as(what).isTrue();
    }

    /** What every snapshot promises, alone and compared with the previous one. */
    private static void assertConsistent(WorkQueue.Metrics m, WorkQueue.Metrics before, String what) {
        assertThat(m.completed() + m.failed() + m.queueDepth()).as(what + " " + m).isLessThanOrEqualTo(m.submitted());
        assertThat(m.queueDepth()).as(what + " " + m).isBetween(0, m.maxDepth());
        assertThat(m.maxDepth()).as(what + " " + m).isLessThanOrEqualTo(CAPACITY);
        assertThat(m.submitted()).isGreaterThanOrEqualTo(before.submitted());
        assertThat(m.completed()).isGreaterThanOrEqualTo(before.completed());
        assertThat(m.failed()).isGreaterThanOrEqualTo(before.failed());
        assertThat(m.maxDepth()).isGreaterThanOrEqualTo(before.maxDepth());
    }
}

package dev.interlock.liveness;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AgingPriorityQueue: the ordering guarantee (priority, aging, FIFO ties) on a fake clock, the
 * blocking contract (capacity, timeouts, interrupts) with blocked threads confirmed parked in a
 * condition, and bad input.
 */
class AgingPriorityQueueTest {

    private static final Duration STEP = Duration.ofMillis(100);
    private static final long S = STEP.toNanos();
    /** An aging step so long that nothing ages noticeably in a test: an ordinary priority queue. */
    private static final Duration NEVER = Duration.ofDays(365);
    private static final Duration SHORT = Duration.ofMillis(20);

    private final AtomicLong now = new AtomicLong(-5 * S); // any origin: only differences count

    private AgingPriorityQueue<String> queue(Duration step, int capacity) {
        return new AgingPriorityQueue<>(step, capacity, now::get);
    }

    @Test
    void sampleUsage() throws InterruptedException {
        AgingPriorityQueue<String> jobs = new AgingPriorityQueue<>(Duration.ofMillis(100), 16, now::get);
        jobs.put("nightlyReport", 0);
        jobs.put("userRequest", 10);
        assertThat(jobs.take()).isEqualTo("userRequest");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        jobs.put("anotherUserRequest", 10);
        assertThat(jobs.take()).as("waited 1 s: ten levels, ties with the newcomer, older first")
                .isEqualTo("nightlyReport");
    }

    @Test
    void higherPriorityComesFirstAndEqualPrioritiesInArrivalOrder() {
        AgingPriorityQueue<String> q = queue(NEVER, 10);
        q.offer("low", -3);
        q.offer("high1", 7);
        q.offer("mid", 0);
        q.offer("high2", 7);
        assertThat(q.peek()).isEqualTo("high1");
        assertThat(List.of(q.poll(), q.poll(), q.poll(), q.poll())).containsExactly("high1", "high2", "mid", "low");
        assertThat(q.poll()).isNull();
        assertThat(q.peek()).isNull();
    }

    @Test
    void aWaitingElementIsServedAheadOfAStreamOfNewerHigherPriorityOnes() {
        AgingPriorityQueue<String> q = queue(STEP, 10);
        q.offer("low", 0);
        List<String> served = new ArrayList<>();
        for (int tick = 0; tick < 8; tick++) {
            q.offer("high@" + tick, 5);
            served.add(q.poll());
            now.addAndGet(S);
        }
        // At tick 5 the low element has gained 5 levels: it ties with the newcomer and is older.
        assertThat(served).containsExactly("high@0", "high@1", "high@2", "high@3", "high@4", "low", "high@5", "high@6");
    }

    @Test
    void withoutAgingTheSameStreamStarvesTheLowPriorityElement() {
        AgingPriorityQueue<String> q = queue(NEVER, 10);
        q.offer("low", 0);
        for (int tick = 0; tick < 1_000; tick++) {
            q.offer("high@" + tick, 5);
            assertThat(q.poll()).isEqualTo("high@" + tick);
            now.addAndGet(S);
        }
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void effectivePriorityIsExactNotRoundedToWholeSteps() {
        AgingPriorityQueue<String> early = queue(STEP, 10);
        early.offer("p0", 0);
        now.addAndGet(3 * S - 1);
        early.offer("p3 offered just under 3 steps later", 3);
        assertThat(early.poll()).isEqualTo("p3 offered just under 3 steps later");

        AgingPriorityQueue<String> late = queue(STEP, 10);
        late.offer("p0", 0);
        now.addAndGet(3 * S + 1);
        late.offer("p3 offered just over 3 steps later", 3);
        assertThat(late.poll()).isEqualTo("p0");
    }

    @Test
    void extremePrioritiesAndStepsDoNotOverflow() {
        AgingPriorityQueue<String> q = queue(NEVER, 10);
        q.offer("min", Integer.MIN_VALUE);
        q.offer("max", Integer.MAX_VALUE);
        q.offer("zero", 0);
        q.offer("min2", Integer.MIN_VALUE);
        assertThat(List.of(q.poll(), q.poll(), q.poll(), q.poll())).containsExactly("max", "zero", "min", "min2");
        assertThat(AgingPriorityQueue.key(0, Integer.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(AgingPriorityQueue.key(0, Integer.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(AgingPriorityQueue.key(Long.MAX_VALUE, -1, 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(AgingPriorityQueue.key(-10, 1, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(AgingPriorityQueue.key(10, 2, 3)).isEqualTo(4);
    }

    @Test
    void offerFailsWhenFullAndSizeAndRemainingCapacityAgree() {
        AgingPriorityQueue<String> q = queue(STEP, 2);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.offer("a", 0)).isTrue();
        assertThat(q.offer("b", 1)).isTrue();
        assertThat(q.offer("c", 9)).isFalse();
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.remainingCapacity()).isZero();
        assertThat(q.capacity()).isEqualTo(2);
        assertThat(q.poll()).isEqualTo("b");
        assertThat(q.remainingCapacity()).isEqualTo(1);
    }

    @Test
    void drainReturnsEverythingInServiceOrderAndEmptiesTheQueue() {
        AgingPriorityQueue<String> q = queue(STEP, 5);
        q.offer("a", 1);
        q.offer("b", 3);
        q.offer("c", 2);
        assertThat(q.drain()).containsExactly("b", "c", "a");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void takeBlocksInterruptiblyWhenEmptyAndReturnsTheNextElement() throws Exception {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(STEP);
        AtomicReference<String> took = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread taker = threads.start("taker", () -> took.set(q.take()));
            TestThreads.awaitBlockedOn(taker, b -> b instanceof Condition, "a condition");
            q.put("x", 0);
            threads.joinAll();
        }
        assertThat(took.get()).isEqualTo("x");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void takeThrowsWhenInterruptedWhileWaitingAndTheQueueIsUnchanged() throws Exception {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(STEP);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread taker = threads.startVirtual("taker", () -> {
                try {
                    q.take();
                } catch (InterruptedException e) {
                    thrown.set(e);
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                }
            });
            TestThreads.awaitBlockedOn(taker, b -> b instanceof Condition, "a condition");
            taker.interrupt();
            threads.joinAll();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        q.offer("after", 0);
        assertThat(q.poll()).isEqualTo("after");
    }

    @Test
    void blockingMethodsThrowWhenInterruptedOnEntryEvenIfTheyCouldProceed() {
        AgingPriorityQueue<String> q = queue(STEP, 1);
        q.offer("a", 0);
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        q.poll();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.put("b", 0)).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.offer("b", 0, 1, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(q.isEmpty()).as("nothing inserted").isTrue();
    }

    @Test
    void putBlocksWhenFullUntilAnElementIsRemoved() throws Exception {
        AgingPriorityQueue<String> q = queue(STEP, 1);
        q.offer("first", 0);
        try (TestThreads threads = new TestThreads()) {
            Thread putter = threads.start("putter", () -> q.put("second", 0));
            TestThreads.awaitBlockedOn(putter, b -> b instanceof Condition, "a condition");
            assertThat(q.poll()).isEqualTo("first");
            threads.joinAll();
        }
        assertThat(q.poll()).isEqualTo("second");
    }

    @Test
    void putThrowsWhenInterruptedWhileWaitingAndInsertsNothing() throws Exception {
        AgingPriorityQueue<String> q = queue(STEP, 1);
        q.offer("first", 0);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread putter = threads.start("putter", () -> {
                try {
                    q.put("second", 0);
                } catch (InterruptedException e) {
                    thrown.set(e);
                }
            });
            TestThreads.awaitBlockedOn(putter, b -> b instanceof Condition, "a condition");
            putter.interrupt();
            threads.joinAll();
        }
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(q.drain()).containsExactly("first");
    }

    @Test
    void timedPollGivesUpAfterAtLeastItsTimeout() throws InterruptedException {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(STEP);
        long start = System.nanoTime();
        assertThat(q.poll(SHORT.toNanos(), TimeUnit.NANOSECONDS)).isNull();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(q.poll(0, TimeUnit.SECONDS)).isNull();
        assertThat(q.poll(-1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void timedOfferGivesUpAfterAtLeastItsTimeoutAndInsertsNothing() throws InterruptedException {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(STEP, 1);
        q.offer("a", 0);
        long start = System.nanoTime();
        assertThat(q.offer("b", 5, SHORT.toNanos(), TimeUnit.NANOSECONDS)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(q.offer("b", 5, 0, TimeUnit.SECONDS)).isFalse();
        assertThat(q.drain()).containsExactly("a");
    }

    @Test
    void timedPollIsReleasedByAnOfferWithinItsTimeout() throws Exception {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(STEP);
        AtomicReference<String> took = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread poller = threads.start("poller",
                    () -> took.set(q.poll(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)));
            TestThreads.awaitBlockedOn(poller, b -> b instanceof Condition, "a condition");
            assertThat(q.offer("x", 0)).isTrue();
            threads.joinAll();
        }
        assertThat(took.get()).isEqualTo("x");
    }

    @Test
    void everyElementIsDeliveredExactlyOnceAcrossProducersAndConsumers() throws Exception {
        AgingPriorityQueue<Integer> q = new AgingPriorityQueue<>(Duration.ofNanos(1_000), 4);
        int producers = 3;
        int perProducer = 2_000;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicLong duplicates = new AtomicLong();
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.startVirtual("producer" + p, () -> {
                    for (int i = 0; i < perProducer; i++) {
                        q.put(base + i, i % 7 - 3);
                    }
                });
            }
            for (int c = 0; c < 2; c++) {
                threads.startVirtual("consumer" + c, () -> {
                    for (int i = 0; i < producers * perProducer / 2; i++) {
                        if (!seen.add(q.take())) {
                            duplicates.incrementAndGet();
                        }
                    }
                });
            }
            threads.joinAll();
        }
        assertThat(duplicates.get()).isZero();
        assertThat(seen).hasSize(producers * perProducer);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void badInputIsRejectedAndLeavesTheQueueIntact() {
        assertThatThrownBy(() -> new AgingPriorityQueue<String>(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new AgingPriorityQueue<String>(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgingPriorityQueue<String>(Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgingPriorityQueue<String>(STEP, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgingPriorityQueue<String>(STEP, 1, null)).isInstanceOf(NullPointerException.class);
        AgingPriorityQueue<String> q = queue(STEP, 3);
        q.offer("a", 0);
        assertThatThrownBy(() -> q.offer(null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.put(null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 0, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer("b", 0, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(q.drain()).containsExactly("a");
    }

    @Test
    void aHugeAgingStepIsClampedNotRejected() {
        AgingPriorityQueue<String> q = new AgingPriorityQueue<>(Duration.ofSeconds(Long.MAX_VALUE));
        assertThat(q.agingStep()).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
        assertThat(q.capacity()).isEqualTo(Integer.MAX_VALUE);
        q.offer("a", 0);
        q.offer("b", 1);
        assertThat(q.poll()).isEqualTo("b");
    }
}

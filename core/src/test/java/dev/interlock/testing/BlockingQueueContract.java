package dev.interlock.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The {@link BlockingQueue} contract for bounded queues, as the JDK documents it ({@code BlockingQueue},
 * {@code Queue}, {@code Collection} and {@code ArrayBlockingQueue}'s javadoc), run on every
 * implementation by a small subclass. Conventions after the JSR-166 TCK's: small integers as elements,
 * one property per test, blocked threads confirmed blocked before the test acts, and every thread
 * joined. It also runs on {@link java.util.concurrent.ArrayBlockingQueue}: a test that the JDK's queue
 * fails is a wrong test.
 *
 * <p>Blocked threads: a subclass that can name the objects its queue's waiters park on (its conditions)
 * overrides {@link #takeWaitBlocker} and {@link #putWaitBlocker}, and the tests then confirm that a
 * thread waits in that very condition ({@link TestThreads#awaitBlockedOn(Thread, Object)}). Otherwise
 * (the JDK's queues keep their conditions private) they confirm that it is parked on some
 * {@link Condition}, which a thread stuck in class loading or on the queue's lock is not. A subclass
 * that can hold its queue's lock overrides {@link #atomically} too, which makes the stolen-element
 * test deterministic.
 *
 * <p>Timing: the only time assertions are lower bounds ("a timed call that gives up has waited at least
 * its timeout"), which are behaviour, not performance. No sleeps: threads are coordinated with
 * blocked-thread checks, barriers and joins.
 *
 * @param <Q> the queue type under test
 */
public abstract class BlockingQueueContract<Q extends BlockingQueue<Integer>> {

    /** Timeout of the "gives up after waiting" tests: short, the assertion is a lower bound. */
    private static final Duration SHORT = Duration.ofMillis(25);
    /** A timeout long enough that only a bug lets it expire (the test fails, rather than hang, if so). */
    private static final long LONG_MILLIS = TestThreads.BOUND.toMillis();

    /** A fresh, empty queue that holds at most {@code capacity} elements. */
    protected abstract Q newQueue(int capacity);

    /** A queue of {@code capacity} holding 1, 2, ..., {@code size}. */
    protected Q queueOf(int capacity, int size) {
        Q q = newQueue(capacity);
        for (int i = 1; i <= size; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        return q;
    }

    /**
     * What a thread waiting for an element of {@code q} (in {@code take} or a timed {@code poll})
     * parks on, as {@link java.util.concurrent.locks.LockSupport#getBlocker} reports it; {@code null}
     * (the default) if the implementation does not let a test name it.
     */
    protected Object takeWaitBlocker(Q q) {
        return null;
    }

    /** What a thread waiting for room in {@code q} parks on; see {@link #takeWaitBlocker}. */
    protected Object putWaitBlocker(Q q) {
        return null;
    }

    /**
     * Runs {@code action} so that no other thread operates on {@code q} meanwhile, if the
     * implementation lets a test do that (by holding its lock); the default just runs it.
     *
     * @return whether the action ran atomically
     */
    protected boolean atomically(Q q, Runnable action) {
        action.run();
        return false;
    }

    /** Waits until {@code t} waits for an element of {@code q}. */
    protected final void awaitWaitingToTake(Q q, Thread t) {
        awaitWaitingOn(takeWaitBlocker(q), t);
    }

    /** Waits until {@code t} waits for room in {@code q}. */
    protected final void awaitWaitingToPut(Q q, Thread t) {
        awaitWaitingOn(putWaitBlocker(q), t);
    }

    private static void awaitWaitingOn(Object blocker, Thread t) {
        if (blocker != null) {
            TestThreads.awaitBlockedOn(t, blocker);
        } else {
            TestThreads.awaitBlockedOn(t, b -> b instanceof Condition, "on a Condition");
        }
    }

    /** The queue's elements head first, read through {@code toArray()} (not the iterator). */
    protected static List<Object> contents(BlockingQueue<Integer> q) {
        return Arrays.asList(q.toArray());
    }

    // ------------------------------------------------------------------ capacity and construction

    @Test
    public void newQueueIsEmpty() {
        Q q = newQueue(3);
        assertThat(q.size()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.peek()).isNull();
        assertThat(q.poll()).isNull();
        assertThat(q.remainingCapacity()).isEqualTo(3);
        assertThat(q.toArray()).isEmpty();
    }

    @Test
    public void capacityBelowOneIsRejected() {
        assertThatThrownBy(() -> newQueue(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> newQueue(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> newQueue(Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void remainingCapacityPlusSizeIsCapacity() throws InterruptedException {
        int capacity = 4;
        Q q = newQueue(capacity);
        Runnable check = () -> assertThat(q.remainingCapacity() + q.size()).isEqualTo(capacity);
        check.run();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < capacity; i++) {
                q.put(i);
                check.run();
            }
            assertThat(q.offer(99)).isFalse();
            check.run();
            q.remove(2);
            check.run();
            q.take();
            check.run();
            q.drainTo(new ArrayList<>(), 1);
            check.run();
            q.clear();
            check.run();
        }
    }

    @Test
    public void acceptsExactlyCapacityElements() {
        Q q = newQueue(3);
        assertThat(q.offer(1)).isTrue();
        assertThat(q.add(2)).isTrue();
        assertThat(q.offer(3)).isTrue();
        assertThat(q.remainingCapacity()).isZero();
        assertThat(q.offer(4)).isFalse();
        assertThat(q.size()).isEqualTo(3);
    }

    @Test
    public void offerReturnsFalseWhenFullAndChangesNothing() {
        Q q = queueOf(2, 2);
        assertThat(q.offer(3)).isFalse();
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void addThrowsIllegalStateWhenFullAndChangesNothing() {
        Q q = queueOf(2, 2);
        assertThatThrownBy(() -> q.add(3)).isInstanceOf(IllegalStateException.class).hasMessage("Queue full");
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void addAllStopsAtCapacityWithIllegalState() {
        Q q = queueOf(3, 1);
        assertThatThrownBy(() -> q.addAll(List.of(2, 3, 4))).isInstanceOf(IllegalStateException.class);
        assertThat(contents(q)).containsExactly(1, 2, 3);
    }

    @Test
    public void addAllOfSelfOrNullIsRejectedAndChangesNothing() {
        Q q = queueOf(3, 1);
        assertThatThrownBy(() -> q.addAll(q)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.addAll(null)).isInstanceOf(NullPointerException.class);
        assertThat(contents(q)).containsExactly(1);
    }

    // ------------------------------------------------------------------ nulls

    @Test
    public void everyInsertRejectsNullAndChangesNothing() {
        Q q = queueOf(3, 1);
        assertThatThrownBy(() -> q.add(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 0, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void insertRejectsNullEvenWhenFull() {
        Q q = queueOf(1, 1);
        assertThatThrownBy(() -> q.add(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void containsAndRemoveOfNullAreFalse() {
        Q q = queueOf(3, 2);
        assertThat(q.contains(null)).isFalse();
        assertThat(q.remove(null)).isFalse();
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void timedCallsRejectNullUnitAndChangeNothing() {
        Q q = queueOf(3, 1);
        assertThatThrownBy(() -> q.offer(2, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll(1, null)).isInstanceOf(NullPointerException.class);
        assertThat(contents(q)).containsExactly(1);
    }

    // ------------------------------------------------------------------ FIFO and inspection

    @Test
    public void pollReturnsElementsInFifoOrder() {
        Q q = queueOf(5, 5);
        for (int i = 1; i <= 5; i++) {
            assertThat(q.poll()).isEqualTo(i);
        }
        assertThat(q.poll()).isNull();
    }

    @Test
    public void takeReturnsElementsInFifoOrder() throws InterruptedException {
        Q q = queueOf(5, 5);
        for (int i = 1; i <= 5; i++) {
            assertThat(q.take()).isEqualTo(i);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void fifoOrderHoldsAcrossManyWrapArounds() {
        Q q = newQueue(3);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 50; round++) {
            while (q.offer(next)) {
                next++;
            }
            int take = 1 + round % 3;
            for (int i = 0; i < take; i++) {
                assertThat(q.poll()).isEqualTo(expected++);
            }
        }
        List<Object> rest = contents(q);
        for (Object o : rest) {
            assertThat(o).isEqualTo(expected++);
        }
    }

    @Test
    public void peekAndElementReturnTheHeadWithoutRemovingIt() {
        Q q = queueOf(3, 2);
        assertThat(q.peek()).isEqualTo(1);
        assertThat(q.element()).isEqualTo(1);
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void elementAndRemoveThrowWhenEmpty() {
        Q q = newQueue(2);
        assertThatThrownBy(q::element).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void removeReturnsTheHead() {
        Q q = queueOf(3, 2);
        assertThat(q.remove()).isEqualTo(1);
        assertThat(contents(q)).containsExactly(2);
    }

    @Test
    public void containsFindsExactlyThePresentElements() {
        Q q = queueOf(4, 3);
        q.poll();
        assertThat(q.contains(1)).isFalse();
        assertThat(q.contains(2)).isTrue();
        assertThat(q.contains(3)).isTrue();
        assertThat(q.contains(4)).isFalse();
    }

    @Test
    public void removeObjectRemovesTheFirstOccurrenceOnly() {
        Q q = newQueue(4);
        q.addAll(List.of(1, 2, 1, 3));
        assertThat(q.remove(1)).isTrue();
        assertThat(contents(q)).containsExactly(2, 1, 3);
        assertThat(q.remove(3)).isTrue();
        assertThat(contents(q)).containsExactly(2, 1);
    }

    @Test
    public void removeObjectFromTheMiddleOfAWrappedQueueKeepsOrder() {
        Q q = queueOf(4, 4);
        q.poll();
        q.poll();
        q.offer(5);
        q.offer(6); // wrapped: 3, 4, 5, 6
        assertThat(q.remove(4)).isTrue();
        assertThat(contents(q)).containsExactly(3, 5, 6);
        assertThat(q.offer(7)).isTrue();
        assertThat(contents(q)).containsExactly(3, 5, 6, 7);
    }

    @Test
    public void removeOfAbsentElementReturnsFalseAndChangesNothing() {
        Q q = queueOf(3, 2);
        assertThat(q.remove(7)).isFalse();
        assertThat(q.remove("not an integer")).isFalse();
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void toArrayIsAHeadFirstSnapshot() {
        Q q = queueOf(3, 3);
        q.poll();
        q.offer(4);
        Object[] a = q.toArray();
        assertThat(a).containsExactly(2, 3, 4);
        q.poll();
        assertThat(a).containsExactly(2, 3, 4);
    }

    @Test
    public void typedToArrayFillsALargeEnoughArrayAndMarksTheEnd() {
        Q q = queueOf(3, 2);
        Integer[] given = {9, 9, 9, 9};
        Integer[] out = q.toArray(given);
        assertThat(out).isSameAs(given).containsExactly(1, 2, null, 9);
    }

    @Test
    public void typedToArrayAllocatesWhenTooSmall() {
        Q q = queueOf(3, 3);
        Integer[] given = new Integer[1];
        Integer[] out = q.toArray(given);
        assertThat(out).isNotSameAs(given).containsExactly(1, 2, 3);
        assertThat(given).containsOnlyNulls();
        Number[] wider = q.toArray(new Number[0]);
        assertThat(wider.getClass()).isEqualTo(Number[].class);
    }

    @Test
    public void typedToArrayRejectsNullAndWrongTypes() {
        Q q = queueOf(3, 2);
        assertThatThrownBy(() -> q.toArray((Integer[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.toArray(new String[2])).isInstanceOf(ArrayStoreException.class);
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void toStringListsElementsHeadFirst() {
        Q q = queueOf(4, 3);
        q.poll();
        q.offer(4);
        assertThat(q.toString()).isEqualTo("[2, 3, 4]");
        assertThat(newQueue(1).toString()).isEqualTo("[]");
    }

    // ------------------------------------------------------------------ blocking and release

    @Test
    public void blockedPutIsReleasedByTake() throws Exception {
        Q q = queueOf(1, 1);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> q.put(2));
            awaitWaitingToPut(q, producer);
            assertThat(q.take()).isEqualTo(1);
        }
        assertThat(contents(q)).containsExactly(2);
    }

    @Test
    public void blockedTakeIsReleasedByPut() throws Exception {
        Q q = newQueue(1);
        AtomicReference<Integer> taken = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> taken.set(q.take()));
            awaitWaitingToTake(q, consumer);
            q.put(7);
        }
        assertThat(taken.get()).isEqualTo(7);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void blockedTimedPollIsReleasedByPut() throws Exception {
        Q q = newQueue(1);
        AtomicReference<Integer> taken = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> taken.set(q.poll(LONG_MILLIS, TimeUnit.MILLISECONDS)));
            awaitWaitingToTake(q, consumer);
            q.put(7);
        }
        assertThat(taken.get()).isEqualTo(7);
    }

    @Test
    public void blockedTimedOfferIsReleasedByPoll() throws Exception {
        Q q = queueOf(1, 1);
        AtomicBoolean offered = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer",
                    () -> offered.set(q.offer(2, LONG_MILLIS, TimeUnit.MILLISECONDS)));
            awaitWaitingToPut(q, producer);
            assertThat(q.poll()).isEqualTo(1);
        }
        assertThat(offered).isTrue();
        assertThat(contents(q)).containsExactly(2);
    }

    @Test
    public void eachTakeReleasesOneBlockedPutAndAllComplete() throws Exception {
        Q q = queueOf(2, 2);
        try (TestThreads threads = new TestThreads()) {
            Thread p1 = threads.start("producer-1", () -> q.put(10));
            Thread p2 = threads.start("producer-2", () -> q.put(20));
            awaitWaitingToPut(q, p1);
            awaitWaitingToPut(q, p2);
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                taken.add(q.take());
            }
            assertThat(taken.subList(0, 2)).containsExactly(1, 2);
            assertThat(taken.subList(2, 4)).containsExactlyInAnyOrder(10, 20);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void eachPutReleasesOneBlockedTakeAndAllComplete() throws Exception {
        Q q = newQueue(2);
        AtomicIntegerArray got = new AtomicIntegerArray(3);
        try (TestThreads threads = new TestThreads()) {
            Thread c1 = threads.start("consumer-1", () -> got.incrementAndGet(q.take()));
            Thread c2 = threads.start("consumer-2", () -> got.incrementAndGet(q.take()));
            awaitWaitingToTake(q, c1);
            awaitWaitingToTake(q, c2);
            q.put(1);
            q.put(2);
        }
        assertThat(got.get(1)).isEqualTo(1);
        assertThat(got.get(2)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ interruption

    @Test
    public void takeBlocksInterruptiblyWhenEmpty() throws Exception {
        Q q = newQueue(1);
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> {
                assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            });
            awaitWaitingToTake(q, consumer);
            consumer.interrupt();
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void putBlocksInterruptiblyWhenFull() throws Exception {
        Q q = queueOf(1, 1);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> {
                assertThatThrownBy(() -> q.put(2)).isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            });
            awaitWaitingToPut(q, producer);
            producer.interrupt();
        }
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void timedPollBlocksInterruptiblyWhenEmpty() throws Exception {
        Q q = newQueue(1);
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> {
                assertThatThrownBy(() -> q.poll(LONG_MILLIS, TimeUnit.MILLISECONDS))
                        .isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            });
            awaitWaitingToTake(q, consumer);
            consumer.interrupt();
        }
    }

    @Test
    public void timedOfferBlocksInterruptiblyWhenFull() throws Exception {
        Q q = queueOf(1, 1);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> {
                assertThatThrownBy(() -> q.offer(2, LONG_MILLIS, TimeUnit.MILLISECONDS))
                        .isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
            });
            awaitWaitingToPut(q, producer);
            producer.interrupt();
        }
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void putThrowsWhenInterruptedBeforeBlocking() {
        Q q = newQueue(2);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.put(1)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void takeThrowsWhenInterruptedBeforeBlocking() {
        Q q = queueOf(2, 1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void timedOfferAndPollThrowWhenInterruptedBeforeBlocking() {
        Q q = queueOf(2, 1);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.offer(2, LONG_MILLIS, TimeUnit.MILLISECONDS))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.poll(LONG_MILLIS, TimeUnit.MILLISECONDS))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.offer(2, 0, TimeUnit.MILLISECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void interruptStatusClearedAfterInterruptedException() throws Exception {
        Q q = newQueue(1);
        AtomicBoolean statusAfter = new AtomicBoolean(true);
        AtomicBoolean threw = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> {
                try {
                    q.take();
                } catch (InterruptedException e) {
                    threw.set(true);
                    statusAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitWaitingToTake(q, consumer);
            consumer.interrupt();
        }
        assertThat(threw).isTrue();
        assertThat(statusAfter).isFalse();
    }

    @Test
    public void nonBlockingCallsIgnoreAndKeepTheInterruptStatus() {
        Q q = newQueue(2);
        Thread.currentThread().interrupt();
        try {
            assertThat(q.offer(1)).isTrue();
            assertThat(q.add(2)).isTrue();
            assertThat(q.peek()).isEqualTo(1);
            assertThat(q.poll()).isEqualTo(1);
            assertThat(q.size()).isEqualTo(1);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    public void interruptedWaiterDoesNotSwallowTheWakeUpForAnother() throws Exception {
        Q q = newQueue(1);
        AtomicReference<Integer> taken = new AtomicReference<>();
        try (TestThreads threads = new TestThreads()) {
            Thread interrupted = threads.start("interrupted", () ->
                    assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class));
            awaitWaitingToTake(q, interrupted);
            Thread patient = threads.start("patient", () -> taken.set(q.take()));
            awaitWaitingToTake(q, patient);
            interrupted.interrupt();
            interrupted.join(TestThreads.BOUND);
            q.put(5);
        }
        assertThat(taken.get()).isEqualTo(5);
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    public void timedPollNeverReturnsEarly() throws InterruptedException {
        Q q = newQueue(1);
        long start = System.nanoTime();
        Integer result = q.poll(SHORT.toMillis(), TimeUnit.MILLISECONDS);
        long elapsed = System.nanoTime() - start;
        assertThat(result).isNull();
        assertThat(elapsed).isGreaterThanOrEqualTo(SHORT.toNanos());
    }

    @Test
    public void timedOfferNeverReturnsEarly() throws InterruptedException {
        Q q = queueOf(1, 1);
        long start = System.nanoTime();
        boolean result = q.offer(2, SHORT.toNanos(), TimeUnit.NANOSECONDS);
        long elapsed = System.nanoTime() - start;
        assertThat(result).isFalse();
        assertThat(elapsed).isGreaterThanOrEqualTo(SHORT.toNanos());
        assertThat(contents(q)).containsExactly(1);
    }

    @Test
    public void timedPollWhoseElementIsStolenWaitsOutItsTimeout() throws Exception {
        // The consumer waits in a timed poll; an element arrives (waking it) and is taken back before
        // the consumer gets to it; the consumer must wait out its timeout, not return early. Only the
        // steal tests that: when the subclass can hold the queue's lock, offer and steal are one atomic
        // step and it always happens; otherwise the consumer sometimes wins the race (legal, tests
        // nothing), so the test retries and, if the steal never happens, aborts rather than pass.
        Duration timeout = Duration.ofMillis(100);
        for (int attempt = 1; attempt <= 20; attempt++) {
            Q q = newQueue(1);
            AtomicReference<Integer> result = new AtomicReference<>();
            AtomicReference<Long> elapsed = new AtomicReference<>();
            AtomicBoolean stolen = new AtomicBoolean();
            boolean atomic;
            try (TestThreads threads = new TestThreads()) {
                Thread consumer = threads.start("consumer", () -> {
                    long start = System.nanoTime();
                    result.set(q.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
                    elapsed.set(System.nanoTime() - start);
                });
                awaitWaitingToTake(q, consumer);
                atomic = atomically(q, () -> {
                    assertThat(q.offer(1)).isTrue();  // wakes the consumer...
                    stolen.set(q.remove(1));          // ...and takes the element back before it runs
                });
            }
            if (stolen.get()) {
                assertThat(result.get()).isNull();
                assertThat(elapsed.get()).isGreaterThanOrEqualTo(timeout.toNanos());
                return;
            }
            assertThat(atomic).as("an atomic offer-and-steal always steals").isFalse();
            assertThat(result.get()).isEqualTo(1); // the consumer won the race: legal, try again
        }
        Assumptions.abort("the consumer took the element first in every attempt: the steal was not tested");
    }

    @Test
    public void blockedTimedCallsWithTheLongestTimeoutsAreReleased() throws Exception {
        Q empty = newQueue(1);
        Q full = queueOf(1, 1);
        AtomicReference<Integer> polled = new AtomicReference<>();
        AtomicBoolean offered = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            Thread consumer = threads.start("consumer", () -> polled.set(empty.poll(Long.MAX_VALUE, TimeUnit.DAYS)));
            Thread producer = threads.start("producer",
                    () -> offered.set(full.offer(2, Long.MAX_VALUE, TimeUnit.NANOSECONDS)));
            awaitWaitingToTake(empty, consumer);
            awaitWaitingToPut(full, producer);
            empty.put(7);
            assertThat(full.take()).isEqualTo(1);
        }
        assertThat(polled.get()).isEqualTo(7);
        assertThat(offered).isTrue();
        assertThat(contents(full)).containsExactly(2);
    }

    @Test
    public void nonPositiveTimeoutsDoNotWait() {
        Q empty = newQueue(1);
        Q full = queueOf(1, 1);
        assertTimeoutPreemptively(TestThreads.BOUND, () -> {
            assertThat(empty.poll(0, TimeUnit.SECONDS)).isNull();
            assertThat(empty.poll(-1, TimeUnit.DAYS)).isNull();
            assertThat(empty.poll(Long.MIN_VALUE, TimeUnit.NANOSECONDS)).isNull();
            assertThat(full.offer(2, 0, TimeUnit.SECONDS)).isFalse();
            assertThat(full.offer(2, -1, TimeUnit.DAYS)).isFalse();
        });
        assertThat(contents(full)).containsExactly(1);
    }

    @Test
    public void nonPositiveTimeoutsStillTransferWhenPossible() throws InterruptedException {
        Q q = newQueue(1);
        assertThat(q.offer(1, 0, TimeUnit.SECONDS)).isTrue();
        assertThat(q.poll(-5, TimeUnit.SECONDS)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ drainTo and clear

    @Test
    public void drainToMovesEverythingInFifoOrder() {
        Q q = queueOf(4, 4);
        q.poll();
        q.offer(5);
        List<Integer> sink = new ArrayList<>(List.of(0));
        assertThat(q.drainTo(sink)).isEqualTo(4);
        assertThat(sink).containsExactly(0, 2, 3, 4, 5);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.drainTo(sink)).isZero();
    }

    @Test
    public void drainToWithMaxMovesAtMostMaxFromTheHead() {
        Q q = queueOf(4, 4);
        List<Integer> sink = new ArrayList<>();
        assertThat(q.drainTo(sink, 3)).isEqualTo(3);
        assertThat(sink).containsExactly(1, 2, 3);
        assertThat(contents(q)).containsExactly(4);
        assertThat(q.drainTo(sink, 10)).isEqualTo(1);
        assertThat(sink).containsExactly(1, 2, 3, 4);
    }

    @Test
    public void drainToWithNonPositiveMaxReturnsZeroAndChangesNothing() {
        Q q = queueOf(3, 2);
        List<Integer> sink = new ArrayList<>();
        assertThat(q.drainTo(sink, 0)).isZero();
        assertThat(q.drainTo(sink, -1)).isZero();
        assertThat(q.drainTo(sink, Integer.MIN_VALUE)).isZero();
        assertThat(sink).isEmpty();
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void drainToNullThrowsAndChangesNothing() {
        Q q = queueOf(3, 2);
        assertThatThrownBy(() -> q.drainTo(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.drainTo(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.drainTo(null, 0)).isInstanceOf(NullPointerException.class);
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void drainToSelfThrows() {
        Q q = queueOf(3, 2);
        assertThatThrownBy(() -> q.drainTo(q)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.drainTo(q, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.drainTo(q, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(contents(q)).containsExactly(1, 2);
    }

    @Test
    public void drainToKeepsTheElementsTheTargetRefused() {
        Q q = queueOf(4, 4);
        List<Integer> accepted = new ArrayList<>();
        Collection<Integer> refusesThird = new java.util.AbstractCollection<>() {
            @Override
            public boolean add(Integer e) {
                if (accepted.size() == 2) {
                    throw new IllegalStateException("sink full");
                }
                return accepted.add(e);
            }

            @Override
            public Iterator<Integer> iterator() {
                return accepted.iterator();
            }

            @Override
            public int size() {
                return accepted.size();
            }
        };
        assertThatThrownBy(() -> q.drainTo(refusesThird)).isInstanceOf(IllegalStateException.class);
        assertThat(accepted).containsExactly(1, 2);
        assertThat(contents(q)).containsExactly(3, 4);
        assertThat(q.remainingCapacity() + q.size()).isEqualTo(4);
    }

    @Test
    public void drainToReleasesBlockedProducers() throws Exception {
        Q q = queueOf(2, 2);
        List<Integer> sink = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            Thread p1 = threads.start("producer-1", () -> q.put(10));
            Thread p2 = threads.start("producer-2", () -> q.put(20));
            awaitWaitingToPut(q, p1);
            awaitWaitingToPut(q, p2);
            assertThat(q.drainTo(sink)).isEqualTo(2);
        }
        assertThat(sink).containsExactly(1, 2);
        assertThat(contents(q)).containsExactlyInAnyOrder(10, 20);
    }

    /**
     * Each slot a bounded drain frees lets exactly one blocked producer in; the others wait on. (Which
     * producers are woken, one per slot or all of them to re-check, is not visible here; a subclass
     * that can hold its queue's lock tests that: see BoundedBufferTest.)
     */
    @Test
    public void drainToWithMaxLetsOneBlockedProducerInPerFreedSlot() throws Exception {
        Q q = queueOf(2, 2);
        List<Integer> sink = new ArrayList<>();
        List<Thread> producers = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            for (int p = 1; p <= 3; p++) {
                int element = 10 * p;
                producers.add(threads.start("producer-" + p, () -> q.put(element)));
            }
            for (Thread p : producers) {
                awaitWaitingToPut(q, p);
            }
            assertThat(q.drainTo(sink, 1)).isEqualTo(1);
            TestThreads.pollUntil(() -> producers.stream().filter(Thread::isAlive).count() == 2,
                    "one producer to take the freed slot");
            assertThat(q.remainingCapacity()).isZero();
            for (Thread p : producers) {
                if (p.isAlive()) {
                    awaitWaitingToPut(q, p); // still waiting, for room that is not there
                }
            }
            assertThat(q.drainTo(sink, 2)).isEqualTo(2);
        }
        assertThat(sink).startsWith(1, 2).hasSize(3);
        List<Object> all = new ArrayList<>(sink.subList(2, 3));
        all.addAll(contents(q));
        assertThat(all).containsExactlyInAnyOrder(10, 20, 30);
    }

    @Test
    public void clearEmptiesTheQueue() {
        Q q = queueOf(3, 3);
        q.clear();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.remainingCapacity()).isEqualTo(3);
        assertThat(q.offer(4)).isTrue();
        assertThat(contents(q)).containsExactly(4);
    }

    /** clear() lets in as many blocked producers as it frees slots (which are woken: see above). */
    @Test
    public void clearLetsInAsManyBlockedProducersAsItFreesSlots() throws Exception {
        Q q = queueOf(2, 2);
        try (TestThreads threads = new TestThreads()) {
            Thread p1 = threads.start("producer-1", () -> q.put(10));
            Thread p2 = threads.start("producer-2", () -> q.put(20));
            awaitWaitingToPut(q, p1);
            awaitWaitingToPut(q, p2);
            q.clear();
        }
        assertThat(contents(q)).containsExactlyInAnyOrder(10, 20);
    }

    @Test
    public void removeObjectReleasesABlockedProducer() throws Exception {
        Q q = queueOf(2, 2);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> q.put(3));
            awaitWaitingToPut(q, producer);
            assertThat(q.remove(2)).isTrue();
        }
        assertThat(contents(q)).containsExactly(1, 3);
    }

    // ------------------------------------------------------------------ iterator

    @Test
    public void iteratorReturnsElementsInFifoOrder() {
        Q q = queueOf(4, 4);
        q.poll();
        q.poll();
        q.offer(5);
        q.offer(6); // wrapped
        List<Integer> seen = new ArrayList<>();
        q.iterator().forEachRemaining(seen::add);
        assertThat(seen).containsExactly(3, 4, 5, 6);
    }

    @Test
    public void iteratorOfEmptyQueueHasNothing() {
        Iterator<Integer> it = newQueue(2).iterator();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    public void iteratorNextThrowsWhenExhausted() {
        Iterator<Integer> it = queueOf(2, 1).iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    public void iteratorRemoveBeforeNextThrowsAndChangesNothing() {
        Q q = queueOf(3, 2);
        Iterator<Integer> it = q.iterator();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(contents(q)).containsExactly(1, 2);
        assertThat(it.next()).isEqualTo(1);
    }

    @Test
    public void iteratorRemoveTwiceThrows() {
        Q q = queueOf(3, 3);
        Iterator<Integer> it = q.iterator();
        it.next();
        it.remove();
        assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(contents(q)).containsExactly(2, 3);
        assertThat(it.next()).isEqualTo(2);
    }

    @Test
    public void iteratorRemoveRemovesTheElementLastReturned() {
        Q q = queueOf(3, 3);
        Iterator<Integer> it = q.iterator();
        it.next();
        it.next();
        it.remove();
        assertThat(contents(q)).containsExactly(1, 3);
        assertThat(it.next()).isEqualTo(3);
        it.remove();
        assertThat(contents(q)).containsExactly(1);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    public void iteratorRemoveRemovesThatOccurrenceNotAnEqualOne() {
        Q q = newQueue(4);
        q.addAll(List.of(1, 2, 1, 3));
        Iterator<Integer> it = q.iterator();
        it.next();
        it.next();
        assertThat(it.next()).isEqualTo(1);
        it.remove();
        assertThat(contents(q)).containsExactly(1, 2, 3);
    }

    @Test
    public void iteratorRemoveRemovingAllLeavesAnEmptyUsableQueue() {
        Q q = queueOf(3, 3);
        q.poll();
        q.offer(4); // wrapped
        Iterator<Integer> it = q.iterator();
        while (it.hasNext()) {
            it.next();
            it.remove();
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.remainingCapacity()).isEqualTo(3);
        q.addAll(List.of(7, 8, 9));
        assertThat(contents(q)).containsExactly(7, 8, 9);
    }

    @Test
    public void iteratorRemoveDoesNothingWhenThatElementWasAlreadyTaken() {
        Q q = newQueue(4);
        q.addAll(List.of(1, 2, 1));
        Iterator<Integer> it = q.iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(1);
        it.remove(); // the 1 it returned is gone; the other 1 must stay
        assertThat(contents(q)).containsExactly(2, 1);
    }

    @Test
    public void iteratorRemoveStillFindsItsElementAfterAnEarlierOneIsRemoved() {
        Q q = queueOf(4, 4);
        Iterator<Integer> it = q.iterator();
        it.next();
        assertThat(it.next()).isEqualTo(2);
        assertThat(q.remove(1)).isTrue();
        it.remove();
        assertThat(contents(q)).containsExactly(3, 4);
        assertThat(it.next()).isEqualTo(3);
    }

    @Test
    public void iteratorRemoveReleasesABlockedProducer() throws Exception {
        Q q = queueOf(2, 2);
        try (TestThreads threads = new TestThreads()) {
            Thread producer = threads.start("producer", () -> q.put(3));
            awaitWaitingToPut(q, producer);
            Iterator<Integer> it = q.iterator();
            it.next();
            it.remove();
        }
        assertThat(contents(q)).containsExactly(2, 3);
    }

    @Test
    public void iteratorReturnsEveryElementPresentThroughoutDespiteChanges() {
        Q q = queueOf(6, 6);
        Iterator<Integer> it = q.iterator();
        List<Integer> seen = new ArrayList<>();
        seen.add(it.next());
        q.poll();       // removes 1, already returned
        q.remove(4);    // removed before the iterator reaches it
        q.offer(7);
        q.offer(8);
        it.forEachRemaining(seen::add);
        assertThat(seen).contains(1, 2, 3, 5, 6);
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen).isSubsetOf(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    public void iteratorNeverThrowsConcurrentModificationAndStaysFifo() {
        Q q = queueOf(3, 3);
        Iterator<Integer> it = q.iterator();
        List<Integer> seen = new ArrayList<>();
        int next = 4;
        while (it.hasNext()) {
            seen.add(it.next());
            q.poll();           // move the head past the iterator, wrap the ring, again and again
            q.offer(next++);
            if (next > 40) {
                break;
            }
        }
        assertThat(seen).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo(1);
    }

    @Test
    public void iteratorIsWeaklyConsistentUnderConcurrentModification() throws Exception {
        Q q = newQueue(8);
        int items = 20_000;
        AtomicBoolean producing = new AtomicBoolean(true);
        CyclicBarrier start = new CyclicBarrier(3);
        try (TestThreads threads = new TestThreads()) {
            threads.start("producer", () -> {
                start.await();
                for (int i = 0; i < items; i++) {
                    q.put(i);
                }
                producing.set(false);
            });
            threads.start("consumer", () -> {
                start.await();
                for (int i = 0; i < items; i++) {
                    assertThat(q.take()).isEqualTo(i);
                }
            });
            threads.start("iterator", () -> {
                start.await();
                int iterations = 0;
                while (producing.get() || iterations == 0) {
                    iterations++;
                    Iterator<Integer> it = q.iterator();
                    int previous = -1;
                    int steps = 0;
                    while (it.hasNext()) {
                        int e = it.next();
                        assertThat(e).isGreaterThan(previous).isLessThan(items);
                        previous = e;
                        if (++steps % 3 == 0 && it.hasNext()) {
                            Thread.yield(); // let the others move the queue under the iterator
                        }
                    }
                }
            });
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void iteratorRemoveUnderConcurrentTakesNeverRemovesAnotherElement() throws Exception {
        // The consumer takes 0, 1, 2, ... in order; the iterator thread removes odd elements it sees.
        // A remove that hit the wrong slot removes an even element, which then never reaches the
        // consumer: it sees a later even first, or (for the last one) nothing once the producer is
        // done and the queue is empty. Either is reported at once as an assertion; no thread waits
        // for an element that is gone (the producer and consumer use timed calls and stop when
        // another thread has failed).
        Q q = newQueue(8);
        int items = 20_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean produced = new AtomicBoolean();
        try (TestThreads threads = new TestThreads()) {
            threads.start("producer", () -> {
                for (int i = 0; i < items && !done.get(); i++) {
                    while (!q.offer(i, 1, TimeUnit.MILLISECONDS)) {
                        if (done.get()) {
                            return;
                        }
                    }
                }
                produced.set(true);
            });
            threads.start("remover", () -> {
                while (!done.get()) {
                    Iterator<Integer> it = q.iterator();
                    while (it.hasNext()) {
                        if (it.next() % 2 == 1) {
                            it.remove();
                        }
                    }
                }
            });
            threads.start("consumer", () -> {
                try {
                    int expectedEven = 0;
                    while (expectedEven < items) {
                        boolean producerDone = produced.get();
                        Integer e = q.poll(1, TimeUnit.MILLISECONDS);
                        if (e == null) {
                            assertThat(producerDone && q.isEmpty())
                                    .as("%d never arrived: the producer is done and the queue is empty", expectedEven)
                                    .isFalse();
                            continue;
                        }
                        if (e % 2 == 0) {
                            assertThat(e).as("the next even element").isEqualTo(expectedEven);
                            expectedEven += 2;
                        } else {
                            assertThat(e).isGreaterThan(expectedEven - 2);
                        }
                    }
                } finally {
                    done.set(true);
                }
            });
        }
    }

    // ------------------------------------------------------------------ many threads

    @Test
    public void concurrentProducersAndConsumersDeliverEveryElementExactlyOnce() throws Exception {
        Q q = newQueue(4);
        int producers = 3;
        int consumers = 3;
        int perProducer = 10_000;
        int total = producers * perProducer;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        CyclicBarrier start = new CyclicBarrier(producers + consumers);
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.start("producer-" + p, () -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        q.put(base + i);
                    }
                });
            }
            for (int c = 0; c < consumers; c++) {
                threads.start("consumer-" + c, () -> {
                    start.await();
                    for (int i = 0; i < total / consumers; i++) {
                        seen.incrementAndGet(q.take());
                    }
                });
            }
        }
        for (int i = 0; i < total; i++) {
            assertThat(seen.get(i)).as("deliveries of %d", i).isEqualTo(1);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    public void eachProducersElementsAreTakenInTheOrderItPutThem() throws Exception {
        Q q = newQueue(3);
        int producers = 2;
        int perProducer = 10_000;
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.start("producer-" + p, () -> {
                    for (int i = 0; i < perProducer; i++) {
                        q.put(base + i);
                    }
                });
            }
            int[] last = {-1, -1};
            for (int i = 0; i < producers * perProducer; i++) {
                int e = q.take();
                int p = e / perProducer;
                assertThat(e).isGreaterThan(last[p]);
                last[p] = e;
            }
        }
    }

    @Test
    public void timedOperationsUnderContentionLoseNothing() throws Exception {
        Q q = newQueue(2);
        int items = 5_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(items);
        try (TestThreads threads = new TestThreads()) {
            threads.start("producer", () -> {
                for (int i = 0; i < items; i++) {
                    while (!q.offer(i, 1, TimeUnit.MILLISECONDS)) {
                        Thread.onSpinWait();
                    }
                }
            });
            threads.start("consumer", () -> {
                int got = 0;
                while (got < items) {
                    Integer e = q.poll(1, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        seen.incrementAndGet(e);
                        got++;
                    }
                }
            });
        }
        for (int i = 0; i < items; i++) {
            assertThat(seen.get(i)).isEqualTo(1);
        }
    }
}

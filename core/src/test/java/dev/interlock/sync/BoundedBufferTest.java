package dev.interlock.sync;

import dev.interlock.testing.BlockingQueueContract;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BoundedBuffer} against the {@link BlockingQueueContract}, plus what it promises beyond
 * {@code ArrayBlockingQueue}'s documentation: its invariants after any sequence of operations, and an
 * iterator whose {@code remove()} names one insertion, never an equal or identical element.
 */
class BoundedBufferTest extends BlockingQueueContract<BoundedBuffer<Integer>> {

    @Override
    protected BoundedBuffer<Integer> newQueue(int capacity) {
        return new BoundedBuffer<>(capacity);
    }

    @Override
    protected Object takeWaitBlocker(BoundedBuffer<Integer> q) {
        return q.notEmptyForTests();
    }

    @Override
    protected Object putWaitBlocker(BoundedBuffer<Integer> q) {
        return q.notFullForTests();
    }

    @Override
    protected boolean atomically(BoundedBuffer<Integer> q, Runnable action) {
        q.lockForTests().lock();
        try {
            action.run();
        } finally {
            q.lockForTests().unlock();
        }
        return true;
    }

    /** A job, for the class doc's sample. */
    record Job(int id) {
    }

    @Test
    void sampleUsage() throws Exception {
        BoundedBuffer<Job> jobs = new BoundedBuffer<>(64);
        List<Job> done = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            threads.start("producer", () -> {
                for (int i = 0; i < 1_000; i++) {
                    Job job = new Job(i);
                    jobs.put(job);   // waits while full
                }
            });
            for (int i = 0; i < 1_000; i++) {
                Job j = jobs.take();   // waits while empty
                done.add(j);
            }
        }
        assertThat(done).extracting(Job::id).isSorted().hasSize(1_000);
    }

    /**
     * Frees {@code slots} of a full buffer of 2 with {@code free} while holding the buffer's lock, with
     * three producers waiting, and returns how many were still waiting on notFull right after: as the
     * woken producers cannot run until the lock is released, this counts exactly the ones woken.
     */
    private static int producersLeftWaitingAfter(Consumer<BoundedBuffer<Integer>> free) throws Exception {
        BoundedBuffer<Integer> b = new BoundedBuffer<>(2);
        b.add(1);
        b.add(2);
        int waiting;
        List<Thread> producers = new ArrayList<>();
        try (TestThreads threads = new TestThreads()) {
            for (int p = 1; p <= 3; p++) {
                int element = 10 * p;
                Thread producer = threads.start("producer-" + p, () -> b.put(element));
                TestThreads.awaitBlockedOn(producer, b.notFullForTests());
                producers.add(producer);
            }
            ReentrantLock lock = b.lockForTests();
            lock.lock();
            try {
                free.accept(b);
                waiting = lock.getWaitQueueLength(b.notFullForTests());
            } finally {
                lock.unlock();
            }
            TestThreads.pollUntil(() -> { // make room until every producer is done
                b.clear();
                return producers.stream().noneMatch(Thread::isAlive);
            }, "the producers to finish");
        }
        return waiting;
    }

    @Test
    void drainToWithMaxWakesOneProducerPerFreedSlot() throws Exception {
        assertThat(producersLeftWaitingAfter(b -> b.drainTo(new ArrayList<>(), 1))).isEqualTo(2);
        assertThat(producersLeftWaitingAfter(b -> b.drainTo(new ArrayList<>(), 2))).isEqualTo(1);
    }

    @Test
    void clearWakesOneProducerPerFreedSlot() throws Exception {
        assertThat(producersLeftWaitingAfter(BoundedBuffer::clear)).isEqualTo(1);
    }

    @Test
    void takeAndRemoveWakeOneProducerEach() throws Exception {
        assertThat(producersLeftWaitingAfter(b -> b.poll())).isEqualTo(2);
        assertThat(producersLeftWaitingAfter(b -> b.remove(2))).isEqualTo(2);
        assertThat(producersLeftWaitingAfter(b -> {
            Iterator<Integer> it = b.iterator();
            it.next();
            it.remove();
        })).isEqualTo(2);
    }

    @Test
    void capacityIsTheConstructorArgument() {
        BoundedBuffer<Integer> b = queueOf(5, 3);
        assertThat(b.capacity()).isEqualTo(5);
        b.clear();
        assertThat(b.capacity()).isEqualTo(5);
    }

    @Test
    void invariantsAndContentsMatchAModelUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(20261126);
        for (int capacity = 1; capacity <= 5; capacity++) {
            BoundedBuffer<Integer> b = newQueue(capacity);
            ArrayDeque<Integer> model = new ArrayDeque<>();
            for (int step = 0; step < 4_000; step++) {
                int value = random.nextInt(4); // few values: duplicates are common
                switch (random.nextInt(8)) {
                    case 0, 1 -> assertThat(b.offer(value)).isEqualTo(model.size() < capacity && model.add(value));
                    case 2 -> assertThat(b.poll()).isEqualTo(model.poll());
                    case 3 -> assertThat(b.remove(value)).isEqualTo(model.removeFirstOccurrence(value));
                    case 4 -> {
                        int k = random.nextInt(model.size() + 1);
                        removeKthWithIterator(b, k);
                        removeKth(model, k);
                    }
                    case 5 -> {
                        int max = random.nextInt(3);
                        List<Integer> drained = new ArrayList<>();
                        List<Integer> expected = new ArrayList<>();
                        for (int i = 0; i < max && !model.isEmpty(); i++) {
                            expected.add(model.poll());
                        }
                        assertThat(b.drainTo(drained, max)).isEqualTo(expected.size());
                        assertThat(drained).isEqualTo(expected);
                    }
                    case 6 -> assertThat(b.contains(value)).isEqualTo(model.contains(value));
                    default -> assertThat(b.peek()).isEqualTo(model.peek());
                }
                assertThat(b.invariantsHold()).as("invariants after step %d", step).isTrue();
                assertThat(b.toArray()).containsExactly(model.toArray());
                assertThat(b.remainingCapacity() + b.size()).isEqualTo(capacity);
            }
        }
    }

    private static void removeKthWithIterator(BoundedBuffer<Integer> b, int k) {
        Iterator<Integer> it = b.iterator();
        for (int i = 0; i <= k && it.hasNext(); i++) {
            it.next();
            if (i == k) {
                it.remove();
            }
        }
    }

    private static void removeKth(ArrayDeque<Integer> model, int k) {
        Iterator<Integer> it = model.iterator();
        for (int i = 0; i <= k && it.hasNext(); i++) {
            it.next();
            if (i == k) {
                it.remove();
            }
        }
    }

    @Test
    void iteratorRemoveIgnoresTheSameObjectReinsertedIntoTheSameSlot() {
        BoundedBuffer<Object> b = new BoundedBuffer<>(1);
        Object x = new Object();
        b.offer(x);
        Iterator<Object> it = b.iterator();
        assertThat(it.next()).isSameAs(x);
        assertThat(b.poll()).isSameAs(x);
        b.offer(x); // the same object, in the same (only) slot: a different insertion
        it.remove();
        assertThat(b.toArray()).containsExactly(x);
    }

    @Test
    void iteratorRemoveIgnoresTheSameObjectReinsertedAfterTheRingWrapped() {
        BoundedBuffer<Object> b = new BoundedBuffer<>(3);
        Object x = new Object();
        Object y = new Object();
        b.offer(y);
        b.offer(x);
        Iterator<Object> it = b.iterator();
        it.next();
        assertThat(it.next()).isSameAs(x);
        b.clear();
        b.offer(y);
        b.offer(x); // x again, at the offset it had, after the head moved
        b.offer(y);
        it.remove();
        assertThat(b.toArray()).containsExactly(y, x, y);
    }

    @Test
    void iteratorSkipsElementsRemovedBeforeItReachesThem() {
        BoundedBuffer<Integer> b = queueOf(5, 5);
        Iterator<Integer> it = b.iterator();
        assertThat(it.next()).isEqualTo(1);
        b.remove(3);
        b.remove(4);
        List<Integer> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        assertThat(rest).containsExactly(2, 5);
    }

    @Test
    void iteratorSeesElementsAppendedBeforeItIsExhausted() {
        BoundedBuffer<Integer> b = queueOf(4, 2);
        Iterator<Integer> it = b.iterator();
        it.next();
        b.offer(3);
        b.poll();
        b.poll();
        b.offer(4);
        List<Integer> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        assertThat(rest).containsExactly(2, 3, 4); // 2 was held by the iterator when it was taken
    }

    @Test
    void hasNextNeverTurnsTrueOnceFalse() {
        BoundedBuffer<Integer> b = queueOf(3, 1);
        Iterator<Integer> it = b.iterator();
        it.next();
        assertThat(it.hasNext()).isFalse();
        b.offer(2);
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void spliteratorIsOrderedNonNullAndConcurrent() {
        Spliterator<Integer> s = queueOf(3, 3).spliterator();
        assertThat(s.hasCharacteristics(Spliterator.ORDERED)).isTrue();
        assertThat(s.hasCharacteristics(Spliterator.NONNULL)).isTrue();
        assertThat(s.hasCharacteristics(Spliterator.CONCURRENT)).isTrue();
        List<Integer> seen = new ArrayList<>();
        s.forEachRemaining(seen::add);
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void toStringShowsSelfReferenceWithoutRecursing() {
        BoundedBuffer<Object> b = new BoundedBuffer<>(2);
        b.offer(b);
        b.offer("x");
        assertThat(b.toString()).isEqualTo("[(this Collection), x]");
    }

    @Test
    void bulkOperationsInheritedFromAbstractCollectionWork() {
        BoundedBuffer<Integer> b = new BoundedBuffer<>(6);
        b.addAll(List.of(1, 2, 3, 2, 4, 5));
        assertThat(b.removeIf(e -> e == 2)).isTrue();
        assertThat(b.toArray()).containsExactly(1, 3, 4, 5);
        assertThat(b.retainAll(List.of(3, 4, 9))).isTrue();
        assertThat(b.toArray()).containsExactly(3, 4);
        assertThat(b.removeAll(Arrays.asList(4))).isTrue();
        assertThat(b.toArray()).containsExactly(3);
        assertThat(b.invariantsHold()).isTrue();
    }
}

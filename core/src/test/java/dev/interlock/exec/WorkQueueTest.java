package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link WorkQueue} with its default consumer threads (numbered platform threads) against the
 * {@link WorkQueueContract}, plus the builder: defaults, bad values, reuse, failing thread factories,
 * and the class doc's sample.
 */
class WorkQueueTest extends WorkQueueContract {

    @Override
    protected ThreadFactory factory() {
        return null; // the builder's default
    }

    @Override
    protected boolean virtualConsumers() {
        return false;
    }

    // ---------------------------------------------------------------- the class doc's sample

    /** An order, for the sample; money in cents, never a double. */
    record Order(int id, long cents) {
    }

    /** Where the sample's handler records orders. */
    static final class Ledger {
        final Set<Integer> ids = ConcurrentHashMap.newKeySet();
        final LongAdder cents = new LongAdder();

        void record(Order order) {
            if (order.cents() < 0) {
                throw new IllegalArgumentException("negative amount");
            }
            ids.add(order.id());
            cents.add(order.cents());
        }
    }

    @Test
    void sampleUsage() throws Exception {
        Ledger ledger = new Ledger();
        List<String> log = new CopyOnWriteArrayList<>();
        List<Order> incoming = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            incoming.add(new Order(i, i == 500 ? -1 : 100));
        }
        try (WorkQueue<Order> orders = WorkQueue.<Order>builder(order -> ledger.record(order))
                .capacity(256)
                .consumers(2)
                .threadFactory(Thread.ofVirtual().name("ledger-", 1).factory())
                .onError((order, failure) -> log.add(order + " failed: " + failure))
                .build()) {
            for (Order order : incoming) {
                orders.submit(order);   // waits while 256 orders are waiting
            }
        }   // close(): no more orders; every accepted one is recorded before this line ends
        assertThat(ledger.ids).hasSize(999).doesNotContain(500);
        assertThat(ledger.cents.sum()).isEqualTo(99_900L);
        assertThat(log).containsExactly(
                "Order[id=500, cents=-1] failed: java.lang.IllegalArgumentException: negative amount");
    }

    // ---------------------------------------------------------------- builder

    @Test
    void builderRejectsANullHandler() {
        assertThatThrownBy(() -> WorkQueue.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void capacityOrConsumersBelowOneThrowAndLeaveTheBuilderUnchanged() {
        WorkQueue.Builder<Integer> builder = WorkQueue.builder(i -> { });
        assertThatThrownBy(() -> builder.capacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.capacity(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.consumers(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.consumers(Integer.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
        WorkQueue<Integer> queue = build(builder);
        assertThat(queue.capacity()).isEqualTo(WorkQueue.DEFAULT_CAPACITY);
        assertThat(queue).hasToString("WorkQueue[running, waiting=0/1024, consumers=1/1, submitted=0, "
                + "completed=0, failed=0]");
    }

    @Test
    void nullThreadFactoryOrOnErrorThrowsAndLeavesTheBuilderUnchanged() throws Exception {
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger made = new AtomicInteger();
        WorkQueue.Builder<Integer> builder = WorkQueue.<Integer>builder(i -> {
            throw new IllegalStateException("fails");
        }).threadFactory(r -> {
            made.incrementAndGet();
            return new Thread(r);
        }).onError((i, e) -> errors.add(e));
        assertThatThrownBy(() -> builder.threadFactory(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder.onError(null)).isInstanceOf(NullPointerException.class);
        WorkQueue<Integer> queue = build(builder);
        queue.submit(1);
        queue.close();
        assertThat(made).hasValue(1);
        assertThat(errors).hasSize(1);
    }

    private static final Pattern DEFAULT_NAME = Pattern.compile("workqueue-(\\d+)-consumer-(\\d+)");

    @Test
    void defaultsAreOneNonDaemonPlatformConsumerNamedAfterItsQueueAndACapacityOf1024() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        WorkQueue<Integer> queue = build(WorkQueue.builder(i -> threads.add(Thread.currentThread())));
        assertThat(queue.capacity()).isEqualTo(1_024);
        for (int i = 0; i < 50; i++) {
            queue.submit(i);
        }
        queue.close();
        assertThat(threads).singleElement().satisfies(t -> {
            assertThat(t.isVirtual()).isFalse();
            assertThat(t.isDaemon()).isFalse();
            assertThat(t.getName()).matches(DEFAULT_NAME).endsWith("-consumer-1");
        });
    }

    @Test
    void defaultThreadNamesNumberTheQueuesAndTheirConsumers() throws Exception {
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(4);
        WorkQueue.Builder<Integer> builder = WorkQueue.<Integer>builder(i -> {
            names.add(Thread.currentThread().getName());
            all.countDown();
            try {
                all.await(); // each of the two consumers of each queue takes one item
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).consumers(2);
        WorkQueue<Integer> first = build(builder);
        WorkQueue<Integer> second = build(builder);
        for (WorkQueue<Integer> q : List.of(first, second)) {
            q.submit(1);
            q.submit(2);
        }
        first.close();
        second.close();
        assertThat(names).hasSize(4);
        Set<String> queueNumbers = new java.util.HashSet<>();
        Set<String> consumerNumbers = new java.util.HashSet<>();
        for (String name : names) {
            Matcher m = DEFAULT_NAME.matcher(name);
            assertThat(m.matches()).as(name).isTrue();
            queueNumbers.add(m.group(1));
            consumerNumbers.add(m.group(2));
        }
        assertThat(queueNumbers).hasSize(2);
        assertThat(consumerNumbers).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void eachBuildMakesANewQueueAndLaterBuilderChangesDoNotAffectIt() throws Exception {
        List<Integer> handled = new CopyOnWriteArrayList<>();
        WorkQueue.Builder<Integer> builder = WorkQueue.<Integer>builder(handled::add).capacity(2);
        WorkQueue<Integer> first = build(builder);
        builder.capacity(5);
        WorkQueue<Integer> second = build(builder);
        assertThat(first).isNotSameAs(second);
        assertThat(first.capacity()).isEqualTo(2);
        assertThat(second.capacity()).isEqualTo(5);
        first.submit(1);
        first.close();
        second.submit(2);
        second.close();
        assertThat(handled).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void aThreadFactoryReturningNullFailsTheBuild() {
        WorkQueue.Builder<Integer> builder = WorkQueue.<Integer>builder(i -> { }).threadFactory(r -> null);
        assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("thread factory");
    }

    @Test
    void aConsumerThatFailsToStartFailsTheBuildAndStopsTheConsumersAlreadyStarted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread alreadyStarted = Thread.ofPlatform().name("already-started").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Thread> made = new ArrayList<>();
        ThreadFactory secondFails = r -> {
            Thread t = made.isEmpty() ? new Thread(r, "good-consumer") : alreadyStarted;
            made.add(t);
            return t;
        };
        try {
            assertThatThrownBy(() -> WorkQueue.<Integer>builder(i -> { }).consumers(2).threadFactory(secondFails).build())
                    .isInstanceOf(IllegalThreadStateException.class);
            Thread good = made.get(0);
            good.join(BOUND);
            assertThat(good.isAlive()).as("the started consumer was stopped").isFalse();
        } finally {
            release.countDown();
            alreadyStarted.join(BOUND);
        }
    }

    @Test
    void aFactoryThatThrowsFailsTheBuildBeforeAnyThreadStarts() {
        RuntimeException refused = new IllegalStateException("no threads today");
        assertThatThrownBy(() -> WorkQueue.<Integer>builder(i -> { }).threadFactory(r -> {
            throw refused;
        }).build()).isSameAs(refused);
    }

    @Test
    void theSampleWithPlatformProducersRacingCloseLosesNothing() throws Exception {
        // submit from several producers while another thread closes: every accepted item is handled.
        Set<Integer> handled = ConcurrentHashMap.newKeySet();
        List<Integer> accepted = new CopyOnWriteArrayList<>();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(handled::add).capacity(4).consumers(2));
        CountDownLatch go = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < 3; p++) {
                int base = p * 100_000;
                threads.start("producer-" + p, () -> {
                    go.await();
                    for (int i = 0; ; i++) {
                        try {
                            queue.submit(base + i);
                        } catch (IllegalStateException closed) {
                            return;
                        }
                        accepted.add(base + i);
                    }
                });
            }
            go.countDown();
            TestThreads.pollUntil(() -> queue.metrics().submitted() >= 1_000, "1,000 items accepted");
            queue.close();
        }
        assertThat(handled).containsExactlyInAnyOrderElementsOf(accepted);
    }
}

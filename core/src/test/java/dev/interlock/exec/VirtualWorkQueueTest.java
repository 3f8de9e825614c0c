package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WorkQueue} with virtual consumer threads ({@code Thread.ofVirtual().factory()}) against the
 * {@link WorkQueueContract}, plus thousands of virtual producers.
 */
class VirtualWorkQueueTest extends WorkQueueContract {

    @Override
    protected ThreadFactory factory() {
        return Thread.ofVirtual().name("virtual-consumer-", 1).factory();
    }

    @Override
    protected boolean virtualConsumers() {
        return true;
    }

    @Test
    void fiveThousandVirtualProducersAndVirtualConsumersDeliverEveryItemExactlyOnce() throws Exception {
        int producers = 5_000;
        int perProducer = 20;
        AtomicIntegerArray deliveries = new AtomicIntegerArray(producers * perProducer);
        LongAdder sum = new LongAdder();
        WorkQueue<Integer> queue = build(WorkQueue.<Integer>builder(i -> {
            deliveries.incrementAndGet(i);
            sum.add(i);
        }).capacity(16).consumers(4));
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.startVirtual("producer-" + p, () -> {
                    for (int i = 0; i < perProducer; i++) {
                        queue.submit(base + i); // most of them block: 5,000 producers, 16 slots
                    }
                });
            }
        }
        queue.close();
        long n = (long) producers * perProducer;
        for (int i = 0; i < n; i++) {
            assertThat(deliveries.get(i)).as("deliveries of item " + i).isEqualTo(1);
        }
        assertThat(sum.sum()).isEqualTo(n * (n - 1) / 2);
        WorkQueue.Metrics m = queue.metrics();
        assertThat(m.submitted()).isEqualTo(n);
        assertThat(m.completed()).isEqualTo(n);
        assertThat(m.maxDepth()).isBetween(1, 16);
    }
}

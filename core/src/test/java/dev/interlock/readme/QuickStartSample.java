package dev.interlock.readme;

import dev.interlock.counter.StripedCounter;
import dev.interlock.sync.BoundedBuffer;
import dev.interlock.sync.ObjectPool;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;

public class QuickStartSample {

    public static long run() throws InterruptedException {
        BlockingQueue<Integer> buffer = new BoundedBuffer<>(16);   // a java.util.concurrent.BlockingQueue
        StripedCounter processed = new StripedCounter();
        try (ObjectPool<StringBuilder> pool = new ObjectPool<>(2, StringBuilder::new)) {
            Thread consumer = Thread.ofVirtual().start(() -> {
                try {
                    for (int item; (item = buffer.take()) >= 0; ) {
                        try (ObjectPool.Lease<StringBuilder> lease = pool.acquire()) {
                            lease.get().setLength(0);
                            lease.get().append("item ").append(item);
                            processed.increment();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 100; i++) {
                buffer.put(i);                                      // blocks while the buffer is full
            }
            buffer.put(-1);                                         // end of stream
            consumer.join(Duration.ofSeconds(10));
        }
        return processed.get();                                     // 100
    }
}

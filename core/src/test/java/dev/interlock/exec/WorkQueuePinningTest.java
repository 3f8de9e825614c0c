package dev.interlock.exec;

import dev.interlock.testing.TestThreads;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No carrier pinning: a blocking-heavy run with virtual producers and virtual consumers records no
 * {@code jdk.VirtualThreadPinned} JFR event, with the event's threshold at zero (every pinned park
 * counts, however short). {@code -Djdk.tracePinnedThreads} is gone in JDK 24+; JFR is the supported way.
 *
 * <p>The check can fail: {@link #theRecordingSeesAVirtualThreadThatPins} pins a virtual thread on
 * purpose (it parks inside a class initializer, which pins on every JDK; the class is defined afresh
 * each time so that it initializes each time) and expects the same recording set-up to report it.
 * Measured 2026-11-26 on the loaded two-core machine: about 2 s for both tests; in 10 repetitions
 * each, the queue's run recorded no pinned park and the positive control its pin every time.
 */
class WorkQueuePinningTest {

    private static final String PINNED = "jdk.VirtualThreadPinned";

    /** Runs {@code body} with JFR recording pinned parks; returns the events once all are delivered. */
    private static List<RecordedEvent> pinnedDuring(TestThreads.Body body) throws Throwable {
        List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        try (RecordingStream recording = new RecordingStream()) {
            recording.enable(PINNED).withoutThreshold().withStackTrace();
            recording.onEvent(PINNED, events::add);
            recording.startAsync();
            body.run();
            recording.stop(); // returns after every recorded event has been delivered
        }
        return events;
    }

    /** 2,000 virtual producers, 4 virtual consumers, 4 slots: nearly every submit and take blocks. */
    private static long blockingHeavyRun(int producers) throws Exception {
        LongAdder handled = new LongAdder();
        WorkQueue<Integer> queue = WorkQueue.<Integer>builder(i -> {
            if (i % 16 == 0) {
                LockSupport.parkNanos(10_000); // a handler that blocks now and then, as real ones do
            }
            handled.increment();
        }).capacity(4).consumers(4).threadFactory(Thread.ofVirtual().factory()).build();
        try (TestThreads threads = new TestThreads()) {
            for (int p = 0; p < producers; p++) {
                int base = p * 10;
                threads.startVirtual("producer-" + p, () -> {
                    for (int i = 0; i < 10; i++) {
                        queue.submit(base + i);
                    }
                });
            }
        }
        queue.close();
        return handled.sum();
    }

    @Test
    void aBlockingHeavyVirtualThreadRunPinsNoCarrier() throws Throwable {
        blockingHeavyRun(50); // loads and links every class first: class loading may pin, the queue must not
        long[] handled = new long[1];
        List<RecordedEvent> pinned = pinnedDuring(() -> handled[0] = blockingHeavyRun(2_000));
        assertThat(handled[0]).isEqualTo(20_000);
        assertThat(pinned).as("pinned parks: %s", pinned).isEmpty();
    }

    /** Parks in its static initializer: a virtual thread cannot unmount inside {@code <clinit>}. */
    static final class PinsWhileInitializing {
        static {
            LockSupport.parkNanos(5_000_000);
        }

        private PinsWhileInitializing() {
        }
    }

    /**
     * Defines {@link PinsWhileInitializing} anew, so that every call initializes (and pins) again: a
     * class is initialized once per class loader.
     */
    private static Class<?> freshPinningClass() throws IOException {
        String name = PinsWhileInitializing.class.getName();
        byte[] bytes;
        try (InputStream in = PinsWhileInitializing.class.getResourceAsStream(
                "/" + name.replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader fresh = new ClassLoader(WorkQueuePinningTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                return n.equals(name) ? defineClass(n, bytes, 0, bytes.length) : super.loadClass(n, resolve);
            }
        };
        try {
            return Class.forName(name, false, fresh);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theRecordingSeesAVirtualThreadThatPins() throws Throwable {
        Class<?> pinning = freshPinningClass();
        List<RecordedEvent> pinned = pinnedDuring(() -> {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    Class.forName(pinning.getName(), true, pinning.getClassLoader()); // runs <clinit>
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            });
            t.join();
        });
        assertThat(pinned).as("the positive control's pin").isNotEmpty();
    }
}

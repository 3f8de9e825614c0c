package dev.interlock.lab.experiments;

import dev.interlock.lab.trace.Tracer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A watchdog for one run: polls {@link ThreadMXBean#findDeadlockedThreads()} while the run's workers
 * go, and when some of them wait for each other in a cycle, records who and when, then interrupts
 * them so that the run ends (their locks must be taken interruptibly for that to work).
 *
 * <p>It sees cycles through monitors and through locks that record their owner
 * ({@code ReentrantLock}, {@code ReentrantReadWriteLock}); it cannot see a thread waiting on a lock
 * with no owner, nor on a semaphore or a condition. Thread-safe: workers {@link #register} themselves
 * from their own threads; the experiment reads {@link #found()} after {@link #close()}.
 */
final class DeadlockWatch implements AutoCloseable {

    /** How often the watchdog looks for a cycle; also about the longest a deadlock goes unseen. */
    static final Duration POLL = Duration.ofMillis(5);

    /** A cycle the watchdog found and broke. */
    record Found(List<String> threads, String cycle, long atNanos) {
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Thread> watched = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Tracer tracer;
    private final Function<Thread, String> describe;
    private final Thread watchdog;
    private volatile Found found;

    /**
     * Starts a watchdog thread called {@code name}.
     *
     * @param describe one thread's part in a cycle, e.g. "T1 holds A, waits for B"
     */
    DeadlockWatch(String name, Tracer tracer, Function<Thread, String> describe) {
        this.tracer = tracer;
        this.describe = describe;
        this.watchdog = Thread.ofPlatform().name(name).daemon().start(this::watch);
    }

    /** Watches the calling thread from now on. */
    void register() {
        Thread self = Thread.currentThread();
        watched.put(self.threadId(), self);
    }

    /** The cycle found, or null if none was. */
    Found found() {
        return found;
    }

    private void watch() {
        try {
            while (!stop.await(POLL.toNanos(), TimeUnit.NANOSECONDS)) {
                long[] ids = threads.findDeadlockedThreads();
                if (ids == null) {
                    continue;
                }
                List<Thread> cycle = new ArrayList<>();
                for (long id : ids) {
                    Thread t = watched.get(id);
                    if (t != null) {
                        cycle.add(t);
                    }
                }
                if (cycle.isEmpty()) {
                    continue; // some other code's deadlock: not ours to break
                }
                long at = System.nanoTime();
                cycle.sort(Comparator.comparing(Thread::getName));
                List<String> names = cycle.stream().map(Thread::getName).toList();
                String description = String.join("; ", cycle.stream().map(describe).toList());
                found = new Found(names, description, at);
                if (tracer.enabled()) {
                    tracer.note("deadlock found: " + description);
                }
                for (Thread t : cycle) {
                    if (tracer.enabled()) {
                        tracer.send(t.getName(), "interrupt");
                    }
                    t.interrupt();
                }
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the watchdog and waits for it. */
    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        watchdog.join(Duration.ofSeconds(5));
    }
}

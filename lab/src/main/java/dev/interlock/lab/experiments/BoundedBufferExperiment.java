package dev.interlock.lab.experiments;

import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.IfInsteadOfWhileBuffer;
import dev.interlock.lab.trace.Tracer;
import dev.interlock.sync.BoundedBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The guide's chapter 3 producer-consumer (and chapter 2's condition variables): P producers put
 * numbered items into one bounded buffer, C consumers take them, and the run checks that every item
 * was delivered exactly once, by counts, a checksum and a per-item delivery count.
 *
 * <p>Protocol: a producer first tries {@code offer}; if the buffer is full it counts a wait and calls
 * {@code put}. A consumer first tries {@code poll}; if it is empty it counts a wait and calls
 * {@code take}. When the last producer finishes it puts one end marker per consumer; FIFO order
 * means every item is taken before any marker, and each consumer stops at its marker.
 *
 * <p>Every run ends: for the broken buffer, a watchdog interrupts the workers when no item or end
 * marker has been put or taken for {@link #STALL} (the buffer wedged, lost an end marker, or only
 * returns nulls), and the buffer honours interrupts; for every variant the lab's time box bounds the
 * run.
 *
 * <p>The broken variant is {@link IfInsteadOfWhileBuffer}: with two or more consumers it failed every
 * run measured (over a hundred, 2026-11-26, loaded two-core machine), usually within milliseconds. The
 * unlocked {@code CheckThenActRingBuffer} is not run here: it was caught in only about 60% of
 * default-sized runs and was the slowest variant, so its race is shown by jcstress instead
 * ({@code BoundedBufferStress.CheckThenActTwoOffersOneSlot}, about 11% of samples).
 */
public final class BoundedBufferExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 2;
    private static final int DEFAULT_OPS = 20_000;
    private static final int DEFAULT_SIZE = 8;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(5);
    /** No put or take for this long means the broken buffer's run is stuck: the watchdog stops it. */
    private static final Duration STALL = Duration.ofMillis(300);
    /** Most items a run tracks (about 9 bytes each). */
    private static final long MAX_ITEMS = 10_000_000L;
    /** The end marker; items are numbered from 0. */
    private static final int END = -1;

    @Override
    public String name() {
        return "bounded-buffer";
    }

    @Override
    public String summary() {
        return "producers and consumers over a bounded buffer: an if-instead-of-while wait loses and "
                + "invents items; BoundedBuffer delivers each exactly once";
    }

    @Override
    public String optionsHelp() {
        return "--threads producers, and as many consumers (" + DEFAULT_THREADS + "), --ops items per producer ("
                + DEFAULT_OPS + "), --size buffer capacity (" + DEFAULT_SIZE + ")";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(DEFAULT_THREADS);
        int ops = settings.ops(settings.tracing() ? 2 : DEFAULT_OPS);
        int size = settings.size(settings.tracing() ? 2 : DEFAULT_SIZE);
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        if ((long) threads * ops > MAX_ITEMS) {
            throw new IllegalArgumentException("--threads x --ops must be at most " + MAX_ITEMS);
        }

        List<Variant> variants = new ArrayList<>();
        variants.add(measure("if-not-while (broken)", IfInsteadOfWhileBuffer::new, true,
                threads, ops, size, timeBox, tracer));
        variants.add(measure("BoundedBuffer", BoundedBuffer::new, false, threads, ops, size, timeBox, tracer));
        // The trace shows the broken buffer and the fix; the JDK's reference would only repeat the fix.
        variants.add(measure("ArrayBlockingQueue", ArrayBlockingQueue::new, false,
                threads, ops, size, timeBox, Tracer.OFF));

        return new Report(name(), "producers=" + threads + ", consumers=" + threads + ", items per producer="
                + ops + ", capacity=" + size, variants, List.of(
                "if-not-while (the guide's chapter 2 bug): a consumer woken for an item finds that a",
                "barging consumer took it, does not check again, and dequeues from an empty buffer: a null,",
                "a count of -1, and a take index one slot ahead of the put index. From then on takes read",
                "empty slots (invented nulls) while real items wait behind them until the next lap of puts",
                "overwrites them (lost). The fix, BoundedBuffer, and the JDK's ArrayBlockingQueue re-check",
                "the condition in a while loop under the lock: nothing lost, doubled or invented. waits =",
                "offers or polls that found the buffer full or empty and blocked; stranded = still in the",
                "buffer when a run was stopped; stalled = stopped by the watchdog (broken variant, "
                        + STALL.toMillis() + " ms",
                "without progress) or by the time box. With --threads 1 no consumer can barge in, and the",
                "broken buffer usually gets away with it (INCONCLUSIVE): the bug needs a second consumer."));
    }

    private Variant measure(String name, IntFunction<BlockingQueue<Integer>> factory, boolean broken,
                            int producers, int ops, int capacity, Duration timeBox, Tracer tracer)
            throws InterruptedException {
        BlockingQueue<Integer> buffer = factory.apply(capacity);
        tracer.phase(name);
        Run run = new Run(buffer, producers, ops, tracer, tracer.enabled() ? name.replace(" (broken)", "") : null);
        Workers.Result result;
        // Only a broken buffer can wedge; a correct one that stops progressing is a slow machine, left
        // to the time box rather than stopped early and misreported.
        Thread watchdog = broken
                ? Thread.ofPlatform().daemon().name("bounded-buffer-watchdog").start(run::watch)
                : null;
        try {
            result = Workers.run("W", producers * 2, timeBox, run::work);
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
                watchdog.join();
            }
        }
        return run.report(name, broken, result);
    }

    /** One variant's run: the workers' bodies, the watchdog, and the accounting. */
    private static final class Run {
        private final BlockingQueue<Integer> buffer;
        private final int producers;
        private final int ops;
        private final Tracer tracer;
        private final String target;

        private final AtomicIntegerArray deliveries;        // per item: times taken
        private final AtomicIntegerArray producedPerProducer;
        private final AtomicInteger producersLeft;
        private final LongAdder delivered = new LongAdder();
        private final LongAdder deliveredSum = new LongAdder();
        private final LongAdder invented = new LongAdder();  // nulls, or values never put
        private final LongAdder fullWaits = new LongAdder();
        private final LongAdder emptyWaits = new LongAdder();
        private final AtomicLong progress = new AtomicLong();
        private final List<Thread> workers = new CopyOnWriteArrayList<>();
        private volatile boolean stalled;

        Run(BlockingQueue<Integer> buffer, int producers, int ops, Tracer tracer, String target) {
            this.buffer = buffer;
            this.producers = producers;
            this.ops = ops;
            this.tracer = tracer;
            this.target = target;
            this.deliveries = new AtomicIntegerArray(producers * ops);
            this.producedPerProducer = new AtomicIntegerArray(producers);
            this.producersLeft = new AtomicInteger(producers);
        }

        void work(int index) throws InterruptedException {
            workers.add(Thread.currentThread());
            if (index < producers) {
                Thread.currentThread().setName("P" + (index + 1));
                produce(index);
            } else {
                Thread.currentThread().setName("C" + (index - producers + 1));
                consume();
            }
        }

        private void produce(int p) throws InterruptedException {
            for (int i = 0; i < ops; i++) {
                insert(p * ops + i, "put " + (p * ops + i));
                producedPerProducer.incrementAndGet(p);
            }
            if (producersLeft.decrementAndGet() == 0) {
                for (int c = 0; c < producers; c++) {
                    insert(END, "put end");
                }
            }
        }

        private void insert(int item, String label) throws InterruptedException {
            if (tracer.enabled()) {
                tracer.send(target, label);
            }
            if (!buffer.offer(item)) {
                fullWaits.increment();
                if (tracer.enabled()) {
                    tracer.note("full: blocked");
                }
                buffer.put(item);
                if (tracer.enabled()) {
                    tracer.note("woken");
                }
            }
            progress.incrementAndGet();
            if (tracer.enabled()) {
                tracer.reply(target, "ok");
            }
        }

        private void consume() throws InterruptedException {
            int total = producers * ops;
            while (true) {
                if (tracer.enabled()) {
                    tracer.send(target, "take");
                }
                Integer item = buffer.poll();
                if (item == null) {
                    emptyWaits.increment();
                    if (tracer.enabled()) {
                        tracer.note("empty: blocked");
                    }
                    item = buffer.take();
                    if (tracer.enabled()) {
                        tracer.note("woken");
                    }
                }
                if (tracer.enabled()) {
                    tracer.reply(target, item == null ? "null!" : item == END ? "end" : "took " + item);
                }
                if (item == null || item < END || item >= total) {
                    invented.increment(); // not progress: a broken buffer can return nulls for ever
                    continue;
                }
                progress.incrementAndGet();
                if (item == END) {
                    return;
                } else {
                    deliveries.incrementAndGet(item);
                    delivered.increment();
                    deliveredSum.add(item);
                }
            }
        }

        /** Interrupts the workers once nothing has been put or taken for {@link #STALL}. */
        void watch() {
            long last = -1;
            long lastChange = System.nanoTime();
            try {
                while (true) {
                    Thread.sleep(20); // polling period of a watchdog, not synchronisation
                    long now = progress.get();
                    if (now != last) {
                        last = now;
                        lastChange = System.nanoTime();
                    } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                        stalled = true;
                        workers.forEach(Thread::interrupt);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // the run ended: stop watching
            }
        }

        Variant report(String name, boolean broken, Workers.Result result) {
            int total = producers * ops;
            long produced = 0;
            long producedSum = 0;
            boolean[] wasProduced = new boolean[total];
            for (int p = 0; p < producers; p++) {
                int n = producedPerProducer.get(p);
                produced += n;
                for (int i = 0; i < n; i++) {
                    int item = p * ops + i;
                    wasProduced[item] = true;
                    producedSum += item;
                }
            }
            // Items still physically in the buffer (the run was stopped): neither lost nor delivered.
            boolean[] inBuffer = new boolean[total];
            long stranded = 0;
            for (Integer item : buffer) {
                if (item != null && item >= 0 && item < total && !inBuffer[item] && deliveries.get(item) == 0) {
                    inBuffer[item] = true;
                    stranded++;
                }
            }
            long lost = 0;
            long duplicated = 0;
            for (int item = 0; item < total; item++) {
                int d = deliveries.get(item);
                if (d > 1) {
                    duplicated += d - 1;
                }
                if (wasProduced[item] && d == 0 && !inBuffer[item]) {
                    lost++;
                }
                if (!wasProduced[item] && d > 0) {
                    invented.add(d); // taken but never put: made up from a stale slot
                }
            }
            boolean checksumOk = deliveredSum.sum() == producedSum - strandedSum(inBuffer);
            boolean ended = result.finished() && !stalled;

            Verdict verdict;
            if (duplicated > 0 || lost > 0 || invented.sum() > 0 || (ended && !checksumOk)
                    || (result.firstFailure() != null)) {
                verdict = Verdict.BROKEN;
            } else if (!ended) {
                verdict = Verdict.INCONCLUSIVE;
            } else {
                // A broken buffer that happened to deliver everything proves nothing either way.
                verdict = broken ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
            }
            Variant.Builder v = Variant.named(name)
                    .metric("produced", produced)
                    .metric("delivered", delivered.sum())
                    .metric("lost", lost)
                    .metric("doubled", duplicated)
                    .metric("invented", invented.sum())
                    .metric("stranded", stranded)
                    .metric("checksum", checksumOk ? "ok" : "BAD")
                    .metric("full waits", fullWaits.sum())
                    .metric("empty waits", emptyWaits.sum())
                    .metric("stalled", stalled || !result.finished())
                    .metric("ms", result.elapsedMillis());
            if (result.firstFailure() != null) {
                v.metric("error", result.firstFailure().toString());
            }
            return v.verdict(verdict);
        }

        private static long strandedSum(boolean[] inBuffer) {
            long sum = 0;
            for (int i = 0; i < inBuffer.length; i++) {
                if (inBuffer[i]) {
                    sum += i;
                }
            }
            return sum;
        }
    }
}

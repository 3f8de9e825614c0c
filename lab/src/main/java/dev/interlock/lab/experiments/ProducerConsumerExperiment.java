package dev.interlock.lab.experiments;

import dev.interlock.exec.WorkQueue;
import dev.interlock.lab.Experiment;
import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.Workers;
import dev.interlock.lab.broken.CloseWithoutDrainQueue;
import dev.interlock.lab.trace.Tracer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The guide's producer-consumer pipeline (chapter 3) with a shutdown: P producers submit numbered
 * items to a work queue, C consumers hand them to a handler, and the run checks by counts, a checksum
 * and a per-item tally that every accepted item was delivered exactly once, or returned by
 * {@code shutdownNow} exactly once.
 *
 * <p>Each variant runs two stages. <b>Flow:</b> the handler is held at a gate until the buffer is full
 * and producers are blocked (a producer first tries {@code offer} with no wait; if the buffer is full
 * it counts a "full wait" and calls {@code submit}), then let go; the producers submit all their items
 * and finish. <b>Stop:</b> the gate is shut again, C more items are taken by the consumers (who wait
 * at the gate) and K (the capacity) more fill the buffer; then the queue is closed, or shut down now,
 * while K accepted items are waiting. A submit after the close must be refused. Then the gate opens.
 *
 * <ul>
 *   <li>{@code close-without-drain (broken)}: {@link CloseWithoutDrainQueue}, whose consumers loop
 *       {@code while (running)}: its close loses the K waiting items, every run.</li>
 *   <li>{@code WorkQueue}: close delivers them.</li>
 *   <li>{@code WorkQueue, shutdownNow}: shutdownNow returns exactly those K, oldest first; the C
 *       handlers at the gate are interrupted (they had their items: handed out, not returned).</li>
 *   <li>{@code WorkQueue, virtual threads}: the flow with 10,000 virtual producers (the same total
 *       number of items) and virtual consumers, then close.</li>
 * </ul>
 *
 * <p>Every run ends: the producers run under the lab's time box (and are interrupted at its end), the
 * gate opens after at most the time box, and closing is bounded (an unfinished close is reported,
 * then the queue is shut down now).
 */
public final class ProducerConsumerExperiment implements Experiment {

    private static final int DEFAULT_THREADS = 2;
    private static final int DEFAULT_OPS = 20_000;
    private static final int DEFAULT_SIZE = 8;
    private static final int VIRTUAL_PRODUCERS = 10_000;
    private static final int TRACED_VIRTUAL_PRODUCERS = 4;
    private static final Duration DEFAULT_TIME_BOX = Duration.ofSeconds(5);
    /** Most items a run tracks (about 12 bytes each). */
    private static final long MAX_ITEMS = 10_000_000L;
    /** Pause of the experiment's own polling loops (gatekeeper, waits for the stop stage), in nanoseconds. */
    private static final long POLL_NANOS = 50_000L;

    @Override
    public String name() {
        return "producer-consumer";
    }

    @Override
    public String summary() {
        return "a work queue shut down mid-stream: a close that does not drain loses accepted items; "
                + "WorkQueue delivers each exactly once, or returns it from shutdownNow";
    }

    @Override
    public String optionsHelp() {
        return "--threads producers, and as many consumers (" + DEFAULT_THREADS + "), --ops items per producer ("
                + DEFAULT_OPS + "), --size queue capacity (" + DEFAULT_SIZE + "); the virtual run spreads the "
                + "same items over " + VIRTUAL_PRODUCERS + " producers";
    }

    @Override
    public Report run(Settings settings, Tracer tracer) throws InterruptedException {
        int threads = settings.threads(DEFAULT_THREADS);
        int ops = settings.ops(settings.tracing() ? 2 : DEFAULT_OPS);
        int size = settings.size(settings.tracing() ? 2 : DEFAULT_SIZE);
        int virtualProducers = settings.tracing() ? TRACED_VIRTUAL_PRODUCERS : VIRTUAL_PRODUCERS;
        Duration timeBox = settings.timeBox(DEFAULT_TIME_BOX);
        if ((long) threads * ops + threads + size > MAX_ITEMS) {
            throw new IllegalArgumentException("--threads x --ops must be at most about " + MAX_ITEMS);
        }
        int perVirtual = (int) Math.max(1, (long) threads * ops / virtualProducers);

        Plan platform = new Plan(threads, ops, threads, size, false, timeBox);
        Plan virtual = new Plan(virtualProducers, perVirtual, threads, size, true, timeBox);
        List<Variant> variants = new ArrayList<>();
        variants.add(new Run("close-without-drain (broken)", platform, Stop.CLOSE, tracer).execute());
        variants.add(new Run("WorkQueue", platform, Stop.CLOSE, tracer).execute());
        variants.add(new Run("WorkQueue, shutdownNow", platform, Stop.SHUTDOWN_NOW, tracer).execute());
        variants.add(new Run("WorkQueue, virtual threads", virtual, Stop.CLOSE, tracer).execute());

        return new Report(name(), "producers=" + threads + ", consumers=" + threads + ", items per producer=" + ops
                + ", capacity=" + size + "; virtual run: " + virtualProducers + " producers x " + perVirtual
                + " items, " + threads + " virtual consumers", variants, List.of(
                "Each run: the handler is held until the buffer is full and producers block (full waits),",
                "then every item flows; at the end " + threads + " items sit in handlers and " + size
                        + " wait in the buffer when the queue is stopped.",
                "close-without-drain (broken): consumers loop `while (running)`; close() clears the flag and",
                "joins them. The " + size + " items still waiting had been accepted (submit returned) and are never",
                "delivered nor returned: lost. WorkQueue's consumers exit only when the queue is closed AND",
                "empty, decided under the lock that guards intake: close delivers every accepted item, and a",
                "submit after close is refused (IllegalStateException), never dropped. shutdownNow returns exactly",
                "the items never handed out, oldest first, and interrupts the handlers holding the others",
                "(interrupted: handed out, so not returned). delivered = handler calls; lost = accepted, neither",
                "delivered nor returned; doubled = delivered or returned more than once."));
    }

    /** How a variant stops its queue. */
    private enum Stop { CLOSE, SHUTDOWN_NOW }

    /** The sizes of one run. */
    private record Plan(int producers, int perProducer, int consumers, int capacity, boolean virtual, Duration timeBox) {
        int flowItems() {
            return producers * perProducer;
        }

        /** The flow's items, the stop stage's C + K, and the one submitted after the close. */
        int totalItems() {
            return flowItems() + consumers + capacity + 1;
        }
    }

    /** What the experiment needs of a work queue: WorkQueue and the broken one behind one face. */
    private interface Pipeline {
        boolean offerNow(int item) throws InterruptedException;

        void submit(int item) throws InterruptedException;

        /** The variant's close: returns once it has finished (or the time box ran out). */
        boolean close(Duration timeBox) throws InterruptedException;

        List<Integer> shutdownNow();

        boolean awaitTermination(Duration timeBox) throws InterruptedException;

        boolean isClosed();

        int queueDepth();
    }

    private static final class WorkQueuePipeline implements Pipeline {
        private final WorkQueue<Integer> queue;

        WorkQueuePipeline(Plan plan, ThreadFactory consumers, Consumer<Integer> handler) {
            queue = WorkQueue.builder(handler).capacity(plan.capacity()).consumers(plan.consumers())
                    .threadFactory(consumers).build();
        }

        @Override
        public boolean offerNow(int item) throws InterruptedException {
            return queue.offer(item, Duration.ZERO);
        }

        @Override
        public void submit(int item) throws InterruptedException {
            queue.submit(item);
        }

        @Override
        public boolean close(Duration timeBox) throws InterruptedException {
            return queue.close(timeBox);
        }

        @Override
        public List<Integer> shutdownNow() {
            return queue.shutdownNow();
        }

        @Override
        public boolean awaitTermination(Duration timeBox) throws InterruptedException {
            return queue.awaitTermination(timeBox);
        }

        @Override
        public boolean isClosed() {
            return queue.isClosed();
        }

        @Override
        public int queueDepth() {
            return queue.metrics().queueDepth();
        }
    }

    private static final class BrokenPipeline implements Pipeline {
        private final CloseWithoutDrainQueue<Integer> queue;
        private final List<Thread> consumerThreads = new ArrayList<>();

        BrokenPipeline(Plan plan, ThreadFactory consumers, Consumer<Integer> handler) {
            ThreadFactory recording = r -> {
                Thread t = consumers.newThread(r);
                consumerThreads.add(t);
                return t;
            };
            queue = new CloseWithoutDrainQueue<>(plan.capacity(), plan.consumers(), recording, handler);
        }

        @Override
        public boolean offerNow(int item) throws InterruptedException {
            return queue.offer(item, Duration.ZERO);
        }

        @Override
        public void submit(int item) throws InterruptedException {
            queue.submit(item);
        }

        @Override
        public boolean close(Duration timeBox) throws InterruptedException {
            queue.close(); // joins its consumers, which the gate releases: bounded by the gate's time box
            return true;
        }

        @Override
        public List<Integer> shutdownNow() {
            return queue.shutdownNow();
        }

        @Override
        public boolean awaitTermination(Duration timeBox) throws InterruptedException {
            long deadline = System.nanoTime() + timeBox.toNanos();
            for (Thread t : consumerThreads) {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            return consumerThreads.stream().noneMatch(Thread::isAlive);
        }

        @Override
        public boolean isClosed() {
            return queue.isClosed();
        }

        @Override
        public int queueDepth() {
            return queue.queueDepth();
        }
    }

    /** Holds handlers while shut; {@code waiting} counts the handlers held now. */
    private static final class Gate {
        private volatile CountDownLatch latch = new CountDownLatch(1);
        final AtomicInteger waiting = new AtomicInteger();

        void shut() {
            latch = new CountDownLatch(1);
        }

        void open() {
            latch.countDown();
        }

        /**
         * Waits while shut, at most {@code bound}; throws if interrupted (shutdownNow), also when the
         * interrupt came as the gate opened: a waiter that had not parked yet may then pass the latch
         * with its interrupt status set instead of an InterruptedException.
         */
        void pass(Duration bound) throws InterruptedException {
            waiting.incrementAndGet();
            try {
                latch.await(bound.toNanos(), TimeUnit.NANOSECONDS);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    /** One variant's run: its queue, the handler, the two stages and the accounting. */
    private static final class Run {
        private final String name;
        private final Plan plan;
        private final Stop stop;
        private final Tracer tracer;
        private final String target;
        private final boolean broken;

        private final AtomicIntegerArray accepted;
        private final AtomicIntegerArray delivered;
        private final AtomicIntegerArray returned;
        private final LongAdder fullWaits = new LongAdder();
        private final LongAdder interrupted = new LongAdder();
        private final AtomicInteger passed = new AtomicInteger(); // handler calls that are over
        private final Gate gate = new Gate();
        private volatile boolean fullSeen;
        private long refusedAfterClose;
        private boolean stopFinished = true;
        private Throwable failure;

        Run(String name, Plan plan, Stop stop, Tracer tracer) {
            this.name = name;
            this.plan = plan;
            this.stop = stop;
            this.tracer = tracer;
            this.broken = name.contains("(broken)");
            this.target = broken ? "CloseWithoutDrainQueue" : "WorkQueue";
            this.accepted = new AtomicIntegerArray(plan.totalItems());
            this.delivered = new AtomicIntegerArray(plan.totalItems());
            this.returned = new AtomicIntegerArray(plan.totalItems());
        }

        private void handle(Integer item) {
            if (tracer.enabled()) {
                tracer.reply(target, "item " + item);
            }
            delivered.incrementAndGet(item);
            try {
                gate.pass(plan.timeBox());
            } catch (InterruptedException e) {
                interrupted.increment(); // shutdownNow: this handler gives up; its item was handed out
                if (tracer.enabled()) {
                    tracer.note("interrupted in handler");
                }
            } finally {
                passed.incrementAndGet();
            }
        }

        Variant execute() throws InterruptedException {
            tracer.phase(name);
            ThreadFactory consumers = plan.virtual()
                    ? Thread.ofVirtual().name("vC", 1).factory()
                    : Thread.ofPlatform().name("C", 1).factory();
            Pipeline queue = broken ? new BrokenPipeline(plan, consumers, this::handle)
                    : new WorkQueuePipeline(plan, consumers, this::handle);
            long start = System.nanoTime();
            Workers.Result flow;
            try {
                flow = flow(queue);
                if (flow.finished() && flow.firstFailure() == null) {
                    stop(queue);
                }
            } catch (RuntimeException e) {
                failure = e;
                flow = null;
            } finally {
                gate.open();
                if (!queue.isClosed() || stop == Stop.CLOSE && !stopFinished) {
                    // An unfinished run: stop it; what comes back was returned, not lost.
                    queue.shutdownNow().forEach(item -> returned.incrementAndGet(item));
                }
                queue.awaitTermination(plan.timeBox());
            }
            return report(queue, flow, System.nanoTime() - start);
        }

        /** Stage 1: producers fill the buffer while the handlers are held, then everything flows. */
        private Workers.Result flow(Pipeline queue) throws InterruptedException {
            int producers = plan.producers();
            String prefix = plan.virtual() ? "vP" : "P";
            ThreadFactory factory = plan.virtual() ? Thread.ofVirtual().factory() : Thread.ofPlatform().factory();
            AtomicInteger producing = new AtomicInteger(producers);
            Workers.Result result = Workers.run(i -> i < producers ? prefix + (i + 1) : "gatekeeper",
                    producers + 1, plan.timeBox(), factory, index -> {
                        if (index == producers) {
                            openWhenFull(queue, producing);
                            return;
                        }
                        try {
                            int first = index * plan.perProducer();
                            for (int item = first; item < first + plan.perProducer(); item++) {
                                produce(queue, item);
                            }
                        } finally {
                            producing.decrementAndGet();
                        }
                    });
            gate.open();
            return result;
        }

        private void produce(Pipeline queue, int item) throws InterruptedException {
            if (tracer.enabled()) {
                tracer.send(target, "submit " + item);
            }
            if (!queue.offerNow(item)) {
                fullWaits.increment();
                if (tracer.enabled()) {
                    tracer.note("full: blocked");
                }
                queue.submit(item);
            }
            accepted.set(item, 1);
            if (tracer.enabled()) {
                tracer.reply(target, "accepted");
            }
        }

        /** The gatekeeper: opens the gate once the buffer is full with producers blocked (or all done). */
        private void openWhenFull(Pipeline queue, AtomicInteger producing) {
            awaitCondition(() -> producing.get() == 0 || queue.queueDepth() == plan.capacity()
                    && gate.waiting.get() == plan.consumers() && fullWaits.sum() > 0);
            fullSeen = queue.queueDepth() == plan.capacity() && fullWaits.sum() > 0;
            if (tracer.enabled()) {
                tracer.note(fullSeen ? "buffer full, producers blocked: open the gate" : "open the gate");
            }
            gate.open();
        }

        /** Polls {@code condition} until it holds or the time box ends; returns whether it held. */
        private boolean awaitCondition(BooleanSupplier condition) {
            long deadline = System.nanoTime() + plan.timeBox().toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            return true;
        }

        /** Stage 2: C items held in handlers, K waiting, then close or shutdownNow. */
        private void stop(Pipeline queue) throws InterruptedException {
            // The producers are done, but the consumers may still be on the flow's last items.
            if (!awaitCondition(() -> passed.get() == plan.flowItems())) {
                stopFinished = false;
                return;
            }
            gate.shut();
            int next = plan.flowItems();
            for (int c = 0; c < plan.consumers(); c++, next++) {
                produce(queue, next);
            }
            if (!awaitCondition(() -> gate.waiting.get() == plan.consumers() && queue.queueDepth() == 0)) {
                stopFinished = false;
                return;
            }
            if (tracer.enabled()) {
                tracer.send(target, "submit " + next + ".." + (next + plan.capacity() - 1));
            }
            for (int k = 0; k < plan.capacity(); k++, next++) {
                if (!queue.offerNow(next)) {
                    stopFinished = false;
                    return;
                }
                accepted.set(next, 1);
            }
            if (tracer.enabled()) {
                tracer.reply(target, "accepted: buffer full, every consumer in its handler");
            }
            if (stop == Stop.SHUTDOWN_NOW) {
                if (tracer.enabled()) {
                    tracer.send(target, "shutdownNow");
                }
                List<Integer> leftovers = queue.shutdownNow();
                leftovers.forEach(item -> returned.incrementAndGet(item));
                if (tracer.enabled()) {
                    tracer.reply(target, "returned " + leftovers);
                }
                refuseAfterClose(queue, next);
                gate.open();
                stopFinished = queue.awaitTermination(plan.timeBox());
                return;
            }
            CountDownLatch closed = new CountDownLatch(1);
            boolean[] finished = new boolean[1];
            Thread closer = Thread.ofPlatform().name("closer").start(() -> {
                if (tracer.enabled()) {
                    tracer.send(target, "close (" + plan.capacity() + " waiting)");
                }
                try {
                    finished[0] = queue.close(plan.timeBox());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    closed.countDown();
                }
                if (tracer.enabled()) {
                    tracer.reply(target, "closed, " + queue.queueDepth() + " left in the buffer");
                }
            });
            awaitCondition(queue::isClosed);
            refuseAfterClose(queue, next);
            gate.open();
            stopFinished = closed.await(plan.timeBox().toNanos(), TimeUnit.NANOSECONDS);
            closer.join(plan.timeBox());
            stopFinished &= finished[0];
        }

        private void refuseAfterClose(Pipeline queue, int item) throws InterruptedException {
            try {
                queue.submit(item);
                accepted.set(item, 1);
            } catch (IllegalStateException expected) {
                refusedAfterClose++;
                if (tracer.enabled()) {
                    tracer.note("submit after close: refused");
                }
            }
        }

        private Variant report(Pipeline queue, Workers.Result flow, long elapsedNanos) {
            long acceptedCount = 0;
            long deliveredCount = 0;
            long returnedCount = 0;
            long lost = 0;
            long doubled = 0;
            long acceptedSum = 0;
            long accountedSum = 0;
            for (int item = 0; item < plan.totalItems(); item++) {
                int a = accepted.get(item);
                int d = delivered.get(item);
                int r = returned.get(item);
                acceptedCount += a;
                deliveredCount += d;
                returnedCount += r;
                if (a == 1 && d + r == 0) {
                    lost++;
                }
                if (d + r > 1 || a == 0 && d + r > 0) {
                    doubled += d + r - a;
                }
                acceptedSum += (long) a * item;
                accountedSum += (long) (d + r) * item;
            }
            boolean checksumOk = acceptedSum == accountedSum;
            boolean ended = flow != null && flow.finished() && stopFinished;
            Throwable error = failure != null ? failure : flow != null ? flow.firstFailure() : null;

            Verdict verdict;
            if (lost > 0 || doubled > 0 || (ended && !checksumOk) || error != null) {
                verdict = Verdict.BROKEN;
            } else if (!ended) {
                verdict = Verdict.INCONCLUSIVE;
            } else {
                verdict = broken ? Verdict.INCONCLUSIVE : Verdict.CORRECT;
            }
            Variant.Builder v = Variant.named(name)
                    .metric("producers", plan.producers())
                    .metric("accepted", acceptedCount)
                    .metric("delivered", deliveredCount)
                    .metric("returned", returnedCount)
                    .metric("interrupted", interrupted.sum())
                    .metric("lost", lost)
                    .metric("doubled", doubled)
                    .metric("checksum", checksumOk ? "ok" : "BAD")
                    .metric("full waits", fullWaits.sum())
                    .metric("full phase", fullSeen)
                    .metric("refused after close", refusedAfterClose)
                    .metric("stalled", !ended)
                    .metric("ms", elapsedNanos / 1_000_000L);
            if (error != null) {
                v.metric("error", error.toString());
            }
            return v.verdict(verdict);
        }
    }
}

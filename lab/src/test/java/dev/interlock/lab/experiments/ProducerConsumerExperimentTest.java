package dev.interlock.lab.experiments;

import dev.interlock.lab.Report;
import dev.interlock.lab.Settings;
import dev.interlock.lab.Variant;
import dev.interlock.lab.Verdict;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer-consumer experiment's verdicts with small settings. The broken close's loss is
 * deterministic, not a race: the experiment closes while every consumer is held in its handler and
 * the buffer is full, so exactly {@code capacity} accepted items are left behind, every run.
 */
class ProducerConsumerExperimentTest {

    private static final int PRODUCERS = 2;
    private static final int ITEMS = 500;
    private static final int CAPACITY = 4;

    private static Map<String, Variant> run(Settings settings) throws InterruptedException {
        Report report = new ProducerConsumerExperiment().run(settings, Tracer.OFF);
        return report.variants().stream().collect(Collectors.toMap(Variant::name, Function.identity()));
    }

    private static Settings small() {
        return new Settings(PRODUCERS, ITEMS, CAPACITY, null, 42L, false);
    }

    @Test
    void workQueueDeliversOrReturnsEveryAcceptedItemExactlyOnce() throws InterruptedException {
        Map<String, Variant> variants = run(small());
        long stopItems = PRODUCERS + CAPACITY; // held in handlers + waiting, at the stop
        long accepted = PRODUCERS * ITEMS + stopItems;

        Variant closed = variants.get("WorkQueue");
        assertThat(closed.verdict()).as(closed.metrics().toString()).isEqualTo(Verdict.CORRECT);
        assertThat(closed.metrics()).containsEntry("accepted", accepted).containsEntry("delivered", accepted)
                .containsEntry("returned", 0L).containsEntry("lost", 0L).containsEntry("doubled", 0L)
                .containsEntry("checksum", "ok").containsEntry("refused after close", 1L);

        Variant now = variants.get("WorkQueue, shutdownNow");
        assertThat(now.verdict()).as(now.metrics().toString()).isEqualTo(Verdict.CORRECT);
        assertThat(now.metrics()).containsEntry("accepted", accepted)
                .containsEntry("delivered", accepted - CAPACITY).containsEntry("returned", (long) CAPACITY)
                .containsEntry("interrupted", (long) PRODUCERS).containsEntry("lost", 0L)
                .containsEntry("checksum", "ok");

        Variant virtual = variants.get("WorkQueue, virtual threads");
        assertThat(virtual.verdict()).as(virtual.metrics().toString()).isEqualTo(Verdict.CORRECT);
        assertThat(virtual.metrics()).containsEntry("producers", 10_000L).containsEntry("lost", 0L)
                .containsEntry("checksum", "ok");
        assertThat(virtual.metrics().get("delivered")).isEqualTo(virtual.metrics().get("accepted"));
    }

    @Test
    void closeWithoutDrainLosesTheItemsWaitingAtTheClose() throws InterruptedException {
        Variant broken = run(small()).get("close-without-drain (broken)");
        assertThat(broken.verdict()).as(broken.metrics().toString()).isEqualTo(Verdict.BROKEN);
        assertThat(broken.metrics()).containsEntry("lost", (long) CAPACITY).containsEntry("doubled", 0L)
                .containsEntry("checksum", "BAD");
    }

    @Test
    void everyVariantGoesThroughAFullBufferWithBlockedProducers() throws InterruptedException {
        for (Variant v : run(small()).values()) {
            assertThat(v.metrics()).as(v.name()).containsEntry("full phase", true).containsEntry("stalled", false);
            assertThat((Long) v.metrics().get("full waits")).as(v.name()).isPositive();
        }
    }

    @Test
    void traceShowsTheFullBufferTheCloseAndTheLeftoversOnTinySettings() throws InterruptedException {
        TraceRecorder recorder = new TraceRecorder(2_000, 200); // per phase, as the lab does
        Report report = new ProducerConsumerExperiment().run(Settings.defaults().withTracing(true), recorder);
        assertThat(report.setup()).contains("items per producer=2", "capacity=2", "4 producers");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::text).contains(
                "submit 0", "accepted", "full: blocked", "buffer full, producers blocked: open the gate",
                "close (2 waiting)", "closed, 2 left in the buffer", "closed, 0 left in the buffer",
                "shutdownNow", "returned [6, 7]", "interrupted in handler", "submit after close: refused");
        assertThat(recorder.events()).extracting(TraceRecorder.Event::actor)
                .contains("P1", "P2", "C1", "C2", "vP1", "vC1", "closer", "gatekeeper");
        assertThat(report.variants()).filteredOn(v -> !v.name().contains("broken"))
                .extracting(Variant::verdict).containsOnly(Verdict.CORRECT);
    }
}

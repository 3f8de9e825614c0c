package dev.interlock.lab.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Tracer} that keeps the first {@code limit} events of a run, and the first {@code perPhase}
 * events of each phase, in the order they were recorded.
 *
 * <p>Thread-safe. Order is the order of a shared sequence number taken when each event is recorded:
 * an event recorded after an action completes (acquired) follows every event that action waited
 * for.
 *
 * <p>Implementation notes: a lock-free queue plus an atomic sequence; events beyond a limit are
 * counted and dropped, so recording stays cheap and bounded whatever the run does (a broken variant
 * can produce events as fast as it spins; the per-phase limit keeps it from crowding out the rest).
 * Phases are assumed sequential (one variant after another): {@link #phase} resets the phase count.
 */
public final class TraceRecorder implements Tracer {

    /** One recorded interaction. */
    public record Event(long seq, Kind kind, String actor, String other, String text) {
    }

    /** How an event is drawn. */
    public enum Kind { SEND, REPLY, NOTE, PHASE }

    private final int limit;
    private final int perPhase;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong inPhase = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    /** Keeps at most {@code limit} events, with no separate limit per phase. */
    public TraceRecorder(int limit) {
        this(limit, limit);
    }

    /** Keeps at most {@code limit} events in all and {@code perPhase} in each phase. */
    public TraceRecorder(int limit, int perPhase) {
        if (limit < 1 || perPhase < 1) {
            throw new IllegalArgumentException("limits must be at least 1: " + limit + ", " + perPhase);
        }
        this.limit = limit;
        this.perPhase = perPhase;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void send(String target, String action) {
        add(Kind.SEND, target, action);
    }

    @Override
    public void reply(String source, String action) {
        add(Kind.REPLY, source, action);
    }

    @Override
    public void note(String state) {
        add(Kind.NOTE, null, state);
    }

    @Override
    public void phase(String title) {
        inPhase.set(0);
        add(Kind.PHASE, null, title);
    }

    private void add(Kind kind, String other, String text) {
        if (kind != Kind.PHASE && inPhase.getAndIncrement() >= perPhase) {
            dropped.incrementAndGet();
            return;
        }
        long seq = sequence.getAndIncrement();
        if (seq < limit) {
            events.add(new Event(seq, kind, Thread.currentThread().getName(), other, text));
        } else {
            dropped.incrementAndGet();
        }
    }

    /** The events kept, in sequence order. */
    public List<Event> events() {
        List<Event> list = new ArrayList<>(events);
        list.sort(Comparator.comparingLong(Event::seq));
        return list;
    }

    /** How many events were recorded but not kept. */
    public long dropped() {
        return dropped.get();
    }
}

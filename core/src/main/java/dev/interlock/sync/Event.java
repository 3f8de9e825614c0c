package dev.interlock.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * A flag threads can wait for: the guide's quick-reference Event, with the semantics of Python's
 * {@code threading.Event}. {@link #set()} raises it and wakes every waiter; {@link #clear()} lowers
 * it; {@link #await()} returns at once while it is raised and otherwise waits for the next
 * {@code set()}. Unlike a {@link java.util.concurrent.CountDownLatch} it can be reset and reused.
 *
 * <p>Sample usage:
 * <pre>{@code
 * Event ready = new Event();
 * Thread loader = Thread.ofPlatform().start(() -> { loadConfiguration(); ready.set(); });
 * if (!ready.await(Duration.ofSeconds(5))) {
 *     throw new IllegalStateException("configuration not loaded within 5 s");
 * }
 * }</pre>
 *
 * <p><b>A set is never missed.</b> A waiter that is already waiting when {@code set()} runs returns
 * {@code true} even if {@code clear()} runs before it gets to look at the flag again, or before it
 * has even parked. A waiter that starts after the {@code clear()} waits for the next {@code set()}.
 * (A waiter that checked a plain boolean could sleep through a set-then-clear pulse; this one
 * cannot.) "Already waiting" means: past the point where the call first reads the flag, an instant
 * inside the call that no other thread can observe; a waiter that has not got that far when the
 * pulse comes may see only the lowered flag and wait for the next set.
 *
 * <p><b>Interruption.</b> Every wait throws {@link InterruptedException}, with the interrupt status
 * cleared, if the thread is interrupted on entry (even when the flag is raised, as
 * {@code CountDownLatch.await} does) or while it waits. Timed waits never return early; a zero or
 * negative timeout only checks.
 *
 * <p><b>Memory effects.</b> Actions before a {@code set()} happen-before the actions after an
 * {@code await} that returns {@code true} because of it, and after an {@link #isSet()} that returns
 * {@code true}.
 *
 * <p>Thread-safe; no operation holds a lock. Cost: {@code isSet()} is one volatile read; a wait on a
 * raised flag is that plus an interrupt check; a {@code set()} that raises the flag is one
 * compare-and-set, two small allocations (the next generation's state and gate) and one unpark per
 * waiter (waiters wake each other in turn); a {@code clear()} that lowers it is one compare-and-set
 * and one small allocation.
 */
public final class Event {

    /*
     * Implementation notes.
     *
     * Generations: the event is a sequence of generations, each ended by the set() that raises the
     * flag. `state` is an immutable (raised, gate) pair, replaced by compare-and-set; `gate` is a
     * one-shot latch that belongs to the generation in which the state was made, and the set() that
     * ends that generation opens it. set() replaces an unraised (false, g) by (true, g') with a fresh
     * gate g' and then opens g; clear() replaces (true, g') by (false, g'), keeping the gate, because
     * clearing does not end the generation. A wait reads `state` once: if raised it returns, else it
     * waits on that state's gate.
     *
     * Invariant: the gate of the current state is closed; the gate of every earlier state is open,
     * or about to be opened by the set() whose CAS replaced it (it opens the gate right after). So a
     * waiter that read the state before a set() waits on a gate that this set() opens, whatever
     * clear() does afterwards, and a waiter that read it after the clear() waits on the new gate,
     * closed until the next set(). Setting a raised flag does nothing, and needs to do nothing: a
     * waiter that read a raised state has returned.
     *
     * Why a gate per generation, not one queue: an earlier version kept a generation count in one
     * AQS and had each waiter pass its starting generation to tryAcquireShared. AQS lets only the
     * first queued node retry; later nodes are woken only when their predecessor acquires. A waiter
     * that had read generation g but not yet queued when a set-then-clear pulse came could queue
     * behind a waiter that started in generation g+1, which cannot acquire, and sleep until the next
     * set. A gate's acquire condition (open or not) is the same for every waiter on it, so one release
     * propagates through the whole queue.
     *
     * Memory effects: set() writes `state` with a CAS and then releases the gate (a volatile write in
     * AQS). A waiter that reads the raised state is ordered after the CAS, one that acquires the
     * opened gate after the release; either way after everything the setter did before set().
     */

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Event.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile State state = new State(false, new Gate());

    /** An event, initially not set. */
    public Event() {
    }

    /** Raises the flag and wakes every waiting thread. Does nothing if it is already raised. */
    public void set() {
        State next = null;
        State s;
        do {
            s = state;
            if (s.raised) {
                return;
            }
            if (next == null) {
                next = new State(true, new Gate());
            }
        } while (!STATE.compareAndSet(this, s, next));
        s.gate.open();
    }

    /** Lowers the flag. Threads that were waiting when it was last raised still return {@code true}. */
    public void clear() {
        State s;
        do {
            s = state;
            if (!s.raised) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, new State(false, s.gate)));
    }

    /** Whether the flag is raised. */
    public boolean isSet() {
        return state.raised;
    }

    /**
     * Returns once the flag is raised, or once a {@code set()} has happened since this call began.
     *
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public void await() throws InterruptedException {
        State start = state;
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!start.raised) {
            start.gate.acquireSharedInterruptibly(1);
        }
    }

    /**
     * Waits at most {@code timeout} for the flag.
     *
     * @return {@code true} if the flag was raised, or a {@code set()} happened, within the timeout;
     *         {@code false} if the timeout elapsed first (never earlier)
     * @throws NullPointerException if {@code unit} is null
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Objects.requireNonNull(unit, "unit").toNanos(timeout);
        return awaitFrom(state, nanos);
    }

    /**
     * Waits at most {@code timeout} for the flag; see {@link #await(long, TimeUnit)}.
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted on entry or while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        long nanos = TimeUnit.NANOSECONDS.convert(Objects.requireNonNull(timeout, "timeout"));
        return awaitFrom(state, nanos);
    }

    @Override
    public String toString() {
        return "Event[" + (isSet() ? "set" : "clear") + "]";
    }

    // ---------------------------------------------------------------- the two halves of a wait

    /**
     * The first half of a wait: the state it starts from. A timed wait is
     * {@code awaitFrom(observe(), nanos)}; package-private so that tests can run the two halves with
     * other threads' operations in between, deterministically.
     */
    State observe() {
        return state;
    }

    /**
     * The second half of a wait that started from {@code start}: {@code true} at once if the flag was
     * raised then, else once a {@code set()} has ended that state's generation, or {@code false}
     * after {@code nanos}.
     */
    boolean awaitFrom(State start, long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return start.raised || start.gate.tryAcquireSharedNanos(1, nanos);
    }

    /** For tests: what a thread waiting on the current state parks on ({@code LockSupport.getBlocker}). */
    Object blockerForTests() {
        return state.gate;
    }

    /** The flag and the gate of its generation; immutable. */
    static final class State {
        final boolean raised;
        final Gate gate;

        State(boolean raised, Gate gate) {
            this.raised = raised;
            this.gate = gate;
        }
    }

    /**
     * A one-shot latch: AQS state 0 while closed, 1 once opened. Acquiring succeeds exactly when it is
     * open, whoever asks, so opening it releases every queued waiter by shared-mode propagation.
     */
    private static final class Gate extends AbstractQueuedSynchronizer {

        @Override
        protected int tryAcquireShared(int unused) {
            return getState() != 0 ? 1 : -1;
        }

        @Override
        protected boolean tryReleaseShared(int unused) {
            setState(1);
            return true;
        }

        void open() {
            releaseShared(1);
        }
    }
}

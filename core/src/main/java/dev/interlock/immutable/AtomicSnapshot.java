package dev.interlock.immutable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A reference to an immutable value, replaced as a whole and atomically, with listeners told of every
 * change in order: the guide's ConfigManager. Readers call {@link #get()} and hold a consistent
 * snapshot for as long as they like; writers {@link #set}, {@link #compareAndSet} or
 * {@link #update} it. {@code T} should be immutable (a record such as {@link ConnectionConfig}):
 * the holder makes the replacement atomic, not the value.
 *
 * <p>Sample usage:
 * <pre>{@code
 * AtomicSnapshot<ConnectionConfig> config = new AtomicSnapshot<>(ConnectionConfig.defaults());
 * config.addListener(c -> pool.resize(c.minConnections(), c.maxConnections()));
 * config.update(c -> c.withPoolSize(5, 50));   // readers see the old or the new config, never a mix
 * ConnectionConfig now = config.get();
 * }</pre>
 *
 * <p><b>Changes.</b> Every {@code set}, every {@code compareAndSet} that returns {@code true} and
 * every {@code update} is one change, even when the new value equals the old. Changes take effect in
 * one total order (the order of the atomic replacements), which is the order {@code get()} observes.
 * {@code update}'s function may run several times under contention and must be free of side effects.
 * Values are never null.
 *
 * <p><b>Listeners.</b> Every change delivers its new value to each listener, in the order the changes
 * took effect, with no change skipped, and never concurrently for one listener (each call to a
 * listener happens-before its next call). A listener receives the changes delivered after it was
 * added (it does not receive the current value when added); it may receive a change made shortly
 * before it was added, if that change was still waiting to be delivered.
 *
 * <p><b>Which thread notifies.</b> Listeners run on an updating thread, never on a thread of their
 * own. Usually that is the thread that made the change, before its {@code set}/{@code update}
 * returns; but if another updating thread is delivering at that moment, the change is left to it and
 * the call returns at once, possibly before its value reached the listeners. Once every updating call
 * has returned, every change has been delivered. A listener may change the snapshot itself: that
 * change is delivered after the current one, by the same thread, with no deadlock.
 *
 * <p><b>A listener that throws</b> a {@code RuntimeException} does not stop delivery: the exception
 * goes to the delivering thread's uncaught-exception handler and delivery continues with the next
 * listener and change. An {@code Error} propagates to the updating caller (listeners after the one that
 * threw miss that change); changes not yet delivered are delivered with the next change.
 *
 * <p><b>Where the guarantee stops.</b> Delivery is serial: a slow listener delays every listener's
 * later notifications (not the updates themselves, and not {@code get()}), and under a steady stream
 * of changes one updating thread may spend a long time delivering others' changes.
 *
 * <p><b>Memory effects.</b> Actions before a change happen-before a {@code get()} that returns its
 * value and the listener calls that deliver it.
 *
 * <p>Thread-safe and lock-free: {@code get} is one volatile read; {@code set}, {@code compareAndSet}
 * and {@code update} are a compare-and-set (retried under contention) plus a small allocation; the
 * delivery adds one compare-and-set of a flag per change.
 *
 * @param <T> the type of the (immutable) value
 */
public final class AtomicSnapshot<T> {

    /*
     * Implementation notes.
     *
     * Changes form a chain: `current` is the latest Change; each Change gets a `next` link to the
     * change that replaced it, written by the thread whose CAS (or getAndSet) replaced it, right
     * after. So following `next` from any change visits the later changes in exactly the order they
     * took effect. A link may be missing for a moment (replaced but not yet linked): the chain then
     * simply ends there until the link is written.
     *
     * Delivery: `delivering` is a flag taken by CAS; its holder owns `delivered` (the last change
     * handed to the listeners) and walks the chain from it, calling the listeners. An updater links
     * its change, then tries to take the flag; if it cannot, the holder will see the link: the holder
     * releases the flag and then re-reads the `next` of its last delivered change; if a link appeared,
     * it tries to take the flag again. With volatile link and flag, either the holder's re-read sees
     * the link, or the updater's CAS on the flag came after the release and succeeds (the updater
     * wrote the link before its CAS, the holder released before its re-read). So no linked change is
     * left undelivered once every updater has returned.
     *
     * Invariants: `delivered` is reachable from the initial change by `next` links and `current` is
     * reachable from `delivered`; changes before `delivered` are garbage. One thread at a time holds
     * `delivering`, so listeners are never called concurrently, and in chain order.
     */

    private static final VarHandle CURRENT;
    private static final VarHandle DELIVERING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURRENT = l.findVarHandle(AtomicSnapshot.class, "current", Change.class);
            DELIVERING = l.findVarHandle(AtomicSnapshot.class, "delivering", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One value in the order of changes. */
    private static final class Change<T> {
        final T value;
        volatile Change<T> next; // written once, by the thread that replaced this change

        Change(T value) {
            this.value = value;
        }
    }

    private final CopyOnWriteArrayList<Consumer<? super T>> listeners = new CopyOnWriteArrayList<>();
    private volatile Change<T> current;
    private volatile int delivering;  // 1 while one thread delivers changes
    private Change<T> delivered;      // guarded by delivering: the last change handed to the listeners

    /**
     * A snapshot holding {@code initial}.
     *
     * @throws NullPointerException if {@code initial} is null
     */
    public AtomicSnapshot(T initial) {
        Change<T> first = new Change<>(Objects.requireNonNull(initial, "initial"));
        delivered = first;
        current = first;
    }

    /** The current value. */
    public T get() {
        return current.value;
    }

    /**
     * Replaces the value with {@code value}: one change.
     *
     * @throws NullPointerException if {@code value} is null (nothing changes)
     */
    public void set(T value) {
        Change<T> next = new Change<>(Objects.requireNonNull(value, "value"));
        @SuppressWarnings("unchecked")
        Change<T> previous = (Change<T>) CURRENT.getAndSet(this, next);
        publish(previous, next);
    }

    /**
     * Replaces the value with {@code value} if the current value is {@code expected} (compared by
     * identity, {@code ==}, as {@code AtomicReference} does): then one change.
     *
     * @return whether the value was replaced
     * @throws NullPointerException if {@code value} is null (nothing changes)
     */
    public boolean compareAndSet(T expected, T value) {
        Objects.requireNonNull(value, "value");
        Change<T> next = null;
        while (true) {
            Change<T> c = current;
            if (c.value != expected) {
                return false;
            }
            if (next == null) {
                next = new Change<>(value);
            }
            if (CURRENT.compareAndSet(this, c, next)) {
                publish(c, next);
                return true;
            }
        }
    }

    /**
     * Replaces the value with {@code function} applied to it, atomically: one change. Under
     * contention the function is applied again to the newer value until the replacement succeeds,
     * so it must be free of side effects.
     *
     * @return the new value
     * @throws NullPointerException if {@code function} is null or returns null (nothing changes)
     */
    public T update(UnaryOperator<T> function) {
        Objects.requireNonNull(function, "function");
        while (true) {
            Change<T> c = current;
            T value = Objects.requireNonNull(function.apply(c.value), "the update function returned null");
            Change<T> next = new Change<>(value);
            if (CURRENT.compareAndSet(this, c, next)) {
                publish(c, next);
                return value;
            }
        }
    }

    /**
     * Adds a listener that receives each later change's new value; see the class doc for order and
     * threading. The same listener added twice is called twice per change.
     *
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(Consumer<? super T> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes one registration of {@code listener}. A delivery already running may still call it once.
     *
     * @return whether it was registered
     */
    public boolean removeListener(Consumer<? super T> listener) {
        return listeners.remove(listener);
    }

    private void publish(Change<T> previous, Change<T> next) {
        previous.next = next;
        while (DELIVERING.compareAndSet(this, 0, 1)) {
            Change<T> last;
            try {
                last = deliverLinked();
            } finally {
                delivering = 0;
            }
            if (last.next == null) {
                return;
            }
            // A change was linked after our last look and its updater may have found the flag taken.
        }
    }

    /** Delivers every linked change after `delivered`; returns the last one. Call only holding delivering. */
    private Change<T> deliverLinked() {
        Change<T> c = delivered;
        Change<T> n;
        while ((n = c.next) != null) {
            c = n;
            delivered = c; // before the listeners: an Error from one must not make the next holder redeliver
            for (Consumer<? super T> listener : listeners) {
                try {
                    listener.accept(c.value);
                } catch (RuntimeException e) {
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
            }
        }
        return c;
    }

    @Override
    public String toString() {
        return "AtomicSnapshot[" + get() + "]";
    }
}

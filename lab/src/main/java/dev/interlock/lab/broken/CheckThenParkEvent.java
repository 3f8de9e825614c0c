package dev.interlock.lab.broken;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * BROKEN on purpose: an event whose {@code await} checks the flag, then registers itself as a waiter,
 * then parks without checking again. A {@code set()} that runs between the check and the registration
 * sets the flag and wakes the waiters registered so far, which do not include this one: the waiter
 * then sleeps until its timeout (for ever, without one). The lost wake-up of the guide's Event
 * discussion. {@link dev.interlock.sync.Event} reads one state word that holds both the flag and the
 * gate of the current generation, so a set after that read opens the very gate the waiter waits on.
 *
 * <p>Thread-safe in the sense that it never corrupts itself; it just misses wake-ups.
 */
public final class CheckThenParkEvent {

    private volatile boolean set;
    private final Queue<Thread> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong missedWakeUps = new AtomicLong();

    public void set() {
        set = true;
        for (Thread t; (t = waiters.poll()) != null; ) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits that came back from their park with the flag raised while still on the waiter list: no
     * {@code set()} woke them, they slept out their timeout. Counted by the waiter itself, so
     * scheduling delays cannot inflate it.
     */
    public long missedWakeUps() {
        return missedWakeUps.get();
    }

    /** Waits at most {@code timeout}; true when the flag is set on return (however late). */
    public boolean await(Duration timeout) throws InterruptedException {
        if (set) {                                   // check ...
            return true;
        }
        waiters.add(Thread.currentThread());         // ... then register: a set() in between wakes no one
        LockSupport.parkNanos(this, timeout.toNanos()); // and no check again before parking
        if (waiters.remove(Thread.currentThread()) && set) {
            missedWakeUps.incrementAndGet(); // the flag is up, yet no set() took this waiter off the list
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return set;
    }
}

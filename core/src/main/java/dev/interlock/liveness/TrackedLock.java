package dev.interlock.liveness;

import java.util.Collection;

/**
 * A lock that can say who holds it and how long its acquirers waited: implemented by Interlock's
 * locks so that {@code DeadlockWatchdog} and the starvation tools can see through them, including
 * for virtual threads, which the JDK's {@code ThreadMXBean} deadlock detection does not cover.
 *
 * <p>Implementations are thread-safe. Their blocking paths bracket every park with
 * {@link WaitRegistry#begin} and {@link WaitRegistry#end}, and record each acquisition's wait in
 * {@link #waitStats()}.
 */
public interface TrackedLock {

    /** A name for reports: given by the user, or the lock's class and identity. */
    String name();

    /**
     * The threads holding this lock now (one writer or owner, or the readers of a read lock), as a
     * snapshot that may be stale by the time it is read. Empty when the lock is free.
     */
    Collection<Thread> holders();

    /** The wait-time accounting of this lock's acquisitions. */
    WaitStats waitStats();
}

package dev.interlock.liveness;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The daemon thread behind {@link DeadlockWatchdog}, {@link ProgressMonitor} and
 * {@link StarvationMonitor}: runs a check once per period, from {@link #start()} until
 * {@link #close(Duration)} or until the thread is interrupted, after which it stays closed for good.
 * A check that throws goes to the thread's uncaught-exception handler and the checking goes on.
 *
 * <p>Thread-safe.
 */
final class PeriodicCheck {

    /*
     * Implementation notes. A stop latch paces the thread: its timed await is the period, and
     * counting it down ends the wait at once. `thread` and `closed` are guarded by `lifecycle`;
     * `closed` is set by close() and by the thread itself however it ends, so a stopped check is
     * never reported as running and can never be started again.
     */

    private final String threadName;
    private final long periodNanos;
    private final Runnable check;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;  // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    PeriodicCheck(String threadName, long periodNanos, Runnable check) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.periodNanos = periodNanos;
        this.check = Objects.requireNonNull(check, "check");
    }

    /** Starts the thread; IllegalStateException if it was started or closed before. */
    void start() {
        lifecycle.lock();
        try {
            if (closed || thread != null) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
        } finally {
            lifecycle.unlock();
        }
    }

    private void run() {
        try {
            while (!stop.await(periodNanos, TimeUnit.NANOSECONDS)) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    Thread self = Thread.currentThread();
                    self.getUncaughtExceptionHandler().uncaughtException(self, e);
                }
            }
        } catch (InterruptedException e) {
            // Interrupting the checking thread stops it, like close(); nothing waits on it.
        } finally {
            lifecycle.lock();
            try {
                closed = true; // however the thread ends, the check is stopped for good
            } finally {
                lifecycle.unlock();
            }
        }
    }

    /** {@link #close(Duration)} with no timeout; if interrupted, stops waiting and keeps the status set. */
    void close() {
        try {
            close(Duration.ofNanos(Long.MAX_VALUE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the checking and waits at most {@code timeout} for the thread to end: true if it has
     * ended (or never started, or is the caller), false if the timeout elapsed first.
     */
    boolean close(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        Thread t;
        lifecycle.lock();
        try {
            closed = true;
            t = thread;
        } finally {
            lifecycle.unlock();
        }
        stop.countDown();
        if (t == null || t == Thread.currentThread()) {
            return true;
        }
        return t.join(timeout.isNegative() ? Duration.ZERO : timeout);
    }

    /** "closed", "running" or "not started". */
    String state() {
        lifecycle.lock();
        try {
            return closed ? "closed" : thread != null ? "running" : "not started";
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Gives every report to the callback, even when one call throws; then rethrows the first
     * exception, with the later ones (other than itself) suppressed in it.
     */
    static <T> void deliverAll(List<T> reports, Consumer<? super T> callback) {
        RuntimeException failure = null;
        for (T report : reports) {
            try {
                callback.accept(report);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

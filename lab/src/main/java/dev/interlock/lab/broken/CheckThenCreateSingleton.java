package dev.interlock.lab.broken;

import java.util.concurrent.atomic.AtomicLong;

/**
 * BROKEN on purpose: the guide's naive singleton, {@code if (instance == null) instance = new ...}
 * with no lock. Two threads that both find {@code null} both construct, and each returns its own
 * instance: the "single" instance is created more than once, and callers disagree about which one
 * is the singleton. The constructor does some work (as a real one that loads settings or opens a
 * connection does), which widens the window between the check and the assignment.
 *
 * <p>Not thread-safe. The field is not {@code volatile} either, so a thread may also see the
 * reference before the constructor's writes. Lab only: {@link #reset()} lets the lab start each
 * trial from "not created yet", which a real singleton cannot do.
 */
public final class CheckThenCreateSingleton {

    /** Steps of busy work in the constructor (about a hundred microseconds). */
    public static final int CONSTRUCTION_WORK = 200_000;

    private static final AtomicLong CONSTRUCTIONS = new AtomicLong();
    private static CheckThenCreateSingleton instance; // BUG: checked and set with no lock

    private final long serial;
    private final long checksum;

    private CheckThenCreateSingleton() {
        serial = CONSTRUCTIONS.incrementAndGet();
        checksum = busyWork(CONSTRUCTION_WORK);
    }

    /** The instance: created by the first caller, and by every caller that races it. */
    public static CheckThenCreateSingleton getInstance() {
        if (instance == null) {                       // check ...
            instance = new CheckThenCreateSingleton(); // ... then create: another thread may be here too
        }
        return instance;
    }

    /** Forgets the instance, for the lab's next trial. */
    public static void reset() {
        instance = null;
    }

    /** Instances constructed so far in this JVM. */
    public static long constructions() {
        return CONSTRUCTIONS.get();
    }

    /** Which construction made this instance: 1, 2, 3, ... */
    public long serial() {
        return serial;
    }

    /** The result of the constructor's work (kept so that the JIT cannot drop it). */
    public long checksum() {
        return checksum;
    }

    /** A deterministic computation of about {@code steps} nanoseconds; the lab's stand-in for real set-up work. */
    public static long busyWork(int steps) {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }
}

package dev.interlock.singleton;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A singleton created on first use by the initialisation-on-demand holder idiom: the instance lives
 * in a static field of a nested class, and the JVM initialises that class, exactly once, the first
 * time {@link #getInstance()} reads the field.
 *
 * <p>Thread-safe with no code of ours: class initialisation is done under the JVM's own
 * initialisation lock (JLS 12.4.2), which also publishes the instance fully built to every thread.
 * After the first call, {@code getInstance()} is a read of a static final field, which the JIT
 * folds into a constant: no check, no barrier.
 *
 * <p>Where the guarantee stops: if the constructor throws, the holder class is marked erroneous and
 * every later {@code getInstance()} in this class loader throws {@code NoClassDefFoundError}: there
 * is no retry. Prefer {@link LazySingleton} when creation can fail transiently (I/O, configuration).
 *
 * <p>Implementation notes: the outer class holds no static reference to the instance, so loading it
 * (or calling {@link #constructions()}) creates nothing; only the read of {@code Holder.INSTANCE}
 * triggers the holder's initialisation.
 */
public final class HolderIdiomSingleton {

    private static final AtomicLong CONSTRUCTIONS = new AtomicLong();

    private final long serial;

    private HolderIdiomSingleton() {
        serial = CONSTRUCTIONS.incrementAndGet();
    }

    private static final class Holder {
        static final HolderIdiomSingleton INSTANCE = new HolderIdiomSingleton();
    }

    /** The one instance, created by the first call. */
    public static HolderIdiomSingleton getInstance() {
        return Holder.INSTANCE;
    }

    /** How many instances this class loader has constructed: 0 before the first call, then 1. */
    public static long constructions() {
        return CONSTRUCTIONS.get();
    }

    /** Which construction this was: always 1. */
    public long serial() {
        return serial;
    }
}

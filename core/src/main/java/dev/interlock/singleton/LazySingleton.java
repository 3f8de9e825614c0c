package dev.interlock.singleton;

import dev.interlock.lazy.Lazy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A singleton held in a static {@link Lazy}: created on the first {@link #getInstance()}, exactly
 * once, by double-checked locking.
 *
 * <p>Thread-safe: {@code Lazy} guarantees one successful creation and publishes the instance fully
 * built. Use this shape rather than the holder idiom when creation may fail and should be retried
 * (a {@code Lazy} whose initializer throws tries again on the next call; a holder class whose
 * initialisation threw is unusable for good), or when the instance is not static (a {@code Lazy}
 * field per object). Cost: one volatile read per call after creation, where the holder idiom costs
 * nothing.
 *
 * <p>Implementation notes: the static {@code Lazy} is created when this class is initialised, but the
 * instance only by the first {@code getInstance()}.
 */
public final class LazySingleton {

    private static final AtomicLong CONSTRUCTIONS = new AtomicLong();
    private static final Lazy<LazySingleton> INSTANCE = Lazy.of(LazySingleton::new);

    private final long serial;

    private LazySingleton() {
        serial = CONSTRUCTIONS.incrementAndGet();
    }

    /** The one instance, created by the first call. */
    public static LazySingleton getInstance() {
        return INSTANCE.get();
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

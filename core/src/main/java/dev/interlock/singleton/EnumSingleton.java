package dev.interlock.singleton;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A singleton as a one-constant enum (Effective Java, item 3): the JVM creates {@link #INSTANCE}
 * when it initialises the enum class, exactly once.
 *
 * <p>Thread-safe with no code of ours: as for {@link HolderIdiomSingleton}, class initialisation
 * runs under the JVM's initialisation lock and publishes the instance fully built. Serialization and
 * reflection cannot make a second instance (the JVM and {@code ObjectInputStream} forbid it for enum
 * constants), which the other idioms must defend against by hand.
 *
 * <p>Where the guarantee stops: the instance is created when the enum class is initialised, i.e. on
 * the first use of anything in it (a static method included), not necessarily on the first read of
 * {@code INSTANCE}; and, as with the holder, a constructor that throws leaves the class unusable
 * ({@code NoClassDefFoundError} from then on).
 *
 * <p>Implementation notes: the construction counter is a field of a nested class, because an enum
 * constructor may not read a static field of its own enum (it is not initialised yet).
 */
public enum EnumSingleton {
    /** The one instance. */
    INSTANCE;

    private static final class Count {
        static final AtomicLong CONSTRUCTIONS = new AtomicLong();
    }

    private final long serial;

    EnumSingleton() {
        serial = Count.CONSTRUCTIONS.incrementAndGet();
    }

    /** How many instances this class loader has constructed: 1 once the enum is initialised. */
    public static long constructions() {
        return Count.CONSTRUCTIONS.get();
    }

    /** Which construction this was: always 1. */
    public long serial() {
        return serial;
    }
}

package dev.interlock.singleton;

import dev.interlock.lazy.Lazy;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One instance per class, created on first request: the guide's singleton metaclass (a registry
 * that intercepts construction and hands back the instance it already made).
 *
 * <p>Sample usage:
 * <pre>{@code
 * SingletonRegistry registry = new SingletonRegistry();
 * Database db = registry.instance(Database.class, Database::new); // created once
 * Database same = registry.instance(Database.class, Database::new); // the same object
 * }</pre>
 *
 * <p><b>Exactly once per class.</b> However many threads ask for the same class at once, its factory
 * succeeds at most once and every caller gets that instance. The key is the exact class: a subclass
 * gets its own instance. The first factory registered for a class is the one used: the factory
 * passed by a later call for a class already registered is ignored.
 *
 * <p><b>Failure, recursion, interruption</b>: as {@link Lazy}, which holds each instance: a factory
 * that throws (or returns null) is retried by the next request; a factory that asks the registry for
 * its own class gets an {@link IllegalStateException}; a factory may ask for other classes. Waiting
 * for another thread's creation is not interruptible.
 *
 * <p>Thread-safe. Factories never run inside the map's internal lock, so a slow factory delays only
 * requests for its own class. Cost of a request for a created instance: one {@code ConcurrentHashMap}
 * lookup and one volatile read.
 */
public final class SingletonRegistry {

    /*
     * Implementation notes: computeIfAbsent installs a Lazy (cheap, runs no user code) atomically, so
     * all racing callers share one Lazy per class; the factory then runs in Lazy.get(), outside the
     * map. Running the factory inside computeIfAbsent instead would hold a bin lock during user code
     * and make a factory that uses the registry fail with "Recursive update" or deadlock.
     * Invariant: instances.get(c), once present, is never replaced or removed, and its value, once
     * computed, is an instance of c.
     */

    private final ConcurrentHashMap<Class<?>, Lazy<?>> instances = new ConcurrentHashMap<>();

    /** An empty registry. */
    public SingletonRegistry() {
    }

    /**
     * The instance of {@code type}, created by {@code factory} if this is the first successful request.
     *
     * @throws NullPointerException     if an argument is null, or the factory returned null
     * @throws IllegalArgumentException if {@code type} is primitive
     * @throws ClassCastException       if the factory returned something that is not a {@code type}
     *                                  (possible only through unchecked casts)
     * @throws IllegalStateException    if called for {@code type} from inside its own factory
     */
    public <T> T instance(Class<T> type, Supplier<? extends T> factory) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        if (type.isPrimitive()) {
            throw new IllegalArgumentException("a primitive type has no instances: " + type);
        }
        Lazy<?> lazy = instances.computeIfAbsent(type, t -> Lazy.of(factory));
        return type.cast(lazy.get());
    }

    /** The instance of {@code type} if it has been created; never creates one and never waits. */
    public <T> Optional<T> ifCreated(Class<T> type) {
        Objects.requireNonNull(type, "type");
        Lazy<?> lazy = instances.get(type);
        return lazy != null && lazy.isInitialized() ? Optional.of(type.cast(lazy.get())) : Optional.empty();
    }

    @Override
    public String toString() {
        return "SingletonRegistry" + instances.keySet();
    }
}

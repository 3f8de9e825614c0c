/**
 * Lazy initialisation: the guide's double-checked locking chapter made into one reusable class.
 *
 * <ul>
 *   <li>{@link dev.interlock.lazy.Lazy}: a value computed on first use, at most once on success, by
 *       double-checked locking on a {@code volatile} field; an initializer that fails is retried by
 *       the next call, one that calls its own {@code get()} gets an {@code IllegalStateException}
 *       instead of a deadlock.</li>
 * </ul>
 *
 * <p>The singleton idioms built on it (and the ones that need no library: the holder class and the
 * enum) are in {@link dev.interlock.singleton}. The broken double-checked locking the guide warns
 * about (no {@code volatile}) lives only in the lab ({@code dev.interlock.lab.broken}), where the
 * {@code double-checked-locking} experiment and a jcstress test show what the memory model allows.
 */
package dev.interlock.lazy;

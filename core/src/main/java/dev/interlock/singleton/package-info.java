/**
 * Singletons: the guide's singleton chapter, each idiom as a small, tested example, plus the
 * registry version of the guide's metaclass.
 *
 * <ul>
 *   <li>{@link dev.interlock.singleton.HolderIdiomSingleton}: initialisation-on-demand holder; the
 *       JVM's class initialisation does the locking; free after the first call; no retry if the
 *       constructor throws.</li>
 *   <li>{@link dev.interlock.singleton.EnumSingleton}: a one-constant enum; also safe against
 *       serialization and reflection.</li>
 *   <li>{@link dev.interlock.singleton.LazySingleton}: a static {@link dev.interlock.lazy.Lazy};
 *       retries a failed creation.</li>
 *   <li>{@link dev.interlock.singleton.SingletonRegistry}: one instance per class, created exactly
 *       once under contention (the guide's metaclass).</li>
 * </ul>
 *
 * <p>The naive check-then-create singleton ({@code if (instance == null) instance = new ...}) lives
 * only in the lab ({@code dev.interlock.lab.broken.CheckThenCreateSingleton}), where the
 * {@code singleton} experiment counts the extra instances it creates under contention.
 */
package dev.interlock.singleton;

/**
 * Immutability: the guide's chapter on immutable objects and the ConfigManager that shares them.
 *
 * <ul>
 *   <li>{@link dev.interlock.immutable.ConnectionConfig}: an immutable configuration record whose
 *       withers change related fields together (host and port; the pool bounds), so no reader can
 *       ever see a half-made change.</li>
 *   <li>{@link dev.interlock.immutable.AtomicSnapshot}: a reference to an immutable value replaced
 *       atomically ({@code get}, {@code set}, {@code compareAndSet}, {@code update} as a CAS loop),
 *       with listeners told of every change in the order the changes took effect.</li>
 * </ul>
 *
 * <p>The broken alternative, a mutable configuration whose fields are set one by one (readers see
 * the host of one configuration with the port of another), lives only in the lab
 * ({@code dev.interlock.lab.broken.FieldByFieldConfig}), where the {@code immutable-config}
 * experiment counts its torn reads.
 */
package dev.interlock.immutable;

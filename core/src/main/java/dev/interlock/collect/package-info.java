/**
 * Concurrent collections: the guide's chapter on sharing data structures between threads (copy on
 * write, lock striping, a bounded cache) made into classes that implement the JDK's collection
 * interfaces and pass the field's conformance suites (Guava testlib).
 *
 * <ul>
 *   <li>{@link dev.interlock.collect.CopyOnWriteList}: a {@code List} whose readers never lock and
 *       always iterate a consistent snapshot; each write copies the array under one
 *       {@code ReentrantLock} and publishes the copy with one volatile write. For data read far more
 *       often than it changes (listeners, routing tables); every write costs O(n).</li>
 *   <li>{@code StripedHashMap}: a concurrent map whose keys are spread over stripes, each guarded by
 *       its own lock, so writers to different stripes do not wait for each other; it grows a stripe
 *       at a time, without stopping all stripes for a global resize.</li>
 *   <li>{@code LruCache}: a bounded cache that evicts the least recently used entry when full.
 *       Reads take no lock: a hit records its access in a small striped buffer that is replayed
 *       under the cache's lock later (lossy under heavy load, as Caffeine's), so values, presence and
 *       size are exact while recency order is approximate across threads; {@code computeIfAbsent}
 *       loads each key once.</li>
 * </ul>
 *
 * <p>Conventions for every class here: no {@code synchronized}, {@code Object.wait} or
 * {@code notify}; JDK conventions for bad input ({@code NullPointerException},
 * {@code IllegalArgumentException}, {@code IndexOutOfBoundsException}) with the collection left
 * intact; each class doc names the JDK or library peer it is measured against and says where its
 * guarantee stops (which operations are atomic, what iterators see).
 *
 * <p>The broken versions the guide warns about are measured in the lab, one experiment per class
 * ({@code copy-on-write}, {@code striped-map}, {@code lru-cache}): for example, {@code copy-on-write}
 * iterates an {@code ArrayList} while another thread changes it
 * ({@link java.util.ConcurrentModificationException}, or a silently torn iteration) next to
 * {@code CopyOnWriteList}'s snapshot iteration.
 */
package dev.interlock.collect;

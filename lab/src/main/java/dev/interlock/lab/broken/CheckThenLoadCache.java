package dev.interlock.lab.broken;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * BROKEN on purpose: the guide's ThreadSafeCache without its double check. {@code computeIfAbsent}
 * looks the key up, and on a miss loads the value and puts it: two threads that miss the same key at
 * the same time both load it (an expensive load done twice, and two different values handed out for
 * one key). The map itself is a {@link ConcurrentHashMap}, so nothing is corrupted: the race is in the
 * check-then-act, not in the map. {@link dev.interlock.lock.ReadMostlyCache} looks again under the
 * write lock before it loads.
 */
public final class CheckThenLoadCache<K, V> {

    private final Map<K, V> map = new ConcurrentHashMap<>();

    public V computeIfAbsent(K key, Function<? super K, ? extends V> loader) {
        V v = map.get(key);        // check ...
        if (v == null) {
            v = loader.apply(key); // ... then act: another thread may be loading the same key now
            map.put(key, v);
        }
        return v;
    }

    public int size() {
        return map.size();
    }
}

package dev.interlock.lab.broken;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * BROKEN on purpose: double-checked locking without {@code volatile}, as the guide warns (and as
 * many published samples still write it). Everything else is right: the second check under the lock
 * means the initializer runs once. What breaks is publication: the first check reads a plain field
 * outside the lock, so the Java memory model lets a thread see the reference before the writes that
 * built the object (the constructor's field stores and the reference store may be reordered by the
 * JIT or, on weakly ordered CPUs such as ARM, by the hardware). That thread returns a partially
 * constructed object.
 *
 * <p>On x86 (stores are not reordered with stores) and HotSpot the failure is rarely if ever seen:
 * the code is wrong by the language's rules, not by this machine's. jcstress's
 * {@code DoubleCheckedLockingStress} marks the partially built outcomes ACCEPTABLE_INTERESTING;
 * {@code dev.interlock.lazy.Lazy} is the same code with {@code volatile}.
 *
 * <p>Not thread-safe (unsafe publication).
 */
public final class NonVolatileDoubleCheckedLazy<T> implements Supplier<T> {

    private final ReentrantLock lock = new ReentrantLock();
    private T value;                           // BUG: must be volatile
    private Supplier<? extends T> initializer; // guarded by lock

    public NonVolatileDoubleCheckedLazy(Supplier<? extends T> initializer) {
        this.initializer = Objects.requireNonNull(initializer, "initializer");
    }

    @Override
    public T get() {
        T v = value; // racy read: may see the reference without the object's contents
        if (v == null) {
            lock.lock();
            try {
                v = value;
                if (v == null) {
                    v = initializer.get();
                    value = v; // plain store: not ordered after the constructor's stores
                    initializer = null;
                }
            } finally {
                lock.unlock();
            }
        }
        return v;
    }
}

package dev.interlock.lab.broken;

import dev.interlock.counter.Counter;

/**
 * BROKEN on purpose: the guide's unsynchronised counter. {@code value++} is a read, an add and a write;
 * two threads that read the same value both write value + 1, and one increment is lost.
 *
 * <p>Not thread-safe. The field is not even {@code volatile}, so a reader may also see a stale value.
 */
public final class RacyCounter implements Counter {

    private long value;

    @Override
    public void increment() {
        value++;
    }

    @Override
    public void add(long delta) {
        value += delta;
    }

    @Override
    public long get() {
        return value;
    }
}

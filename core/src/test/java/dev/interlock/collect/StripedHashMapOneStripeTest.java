package dev.interlock.collect;

import dev.interlock.testing.ConcurrentMapContract;

import java.util.concurrent.ConcurrentMap;

/**
 * The {@link ConcurrentMapContract} on a one-stripe map: every key shares one lock and one table, so
 * contention and table growth are at their highest.
 */
class StripedHashMapOneStripeTest extends ConcurrentMapContract {
    @Override
    protected <K, V> ConcurrentMap<K, V> newMap() {
        return new StripedHashMap<>(1);
    }
}

package dev.interlock.collect;

import dev.interlock.testing.ConcurrentMapContract;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The contract run on the JDK's {@link ConcurrentHashMap}: a check of the contract itself. A test that
 * fails here is a wrong test, not a finding.
 */
class ConcurrentHashMapContractTest extends ConcurrentMapContract {
    @Override
    protected <K, V> ConcurrentMap<K, V> newMap() {
        return new ConcurrentHashMap<>();
    }
}

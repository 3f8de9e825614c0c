package dev.interlock.sync;

import dev.interlock.testing.BlockingQueueContract;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The contract run on the JDK's {@link ArrayBlockingQueue}: a check of the contract itself. A test that
 * fails here is a wrong test, not a finding.
 */
class ArrayBlockingQueueContractTest extends BlockingQueueContract<ArrayBlockingQueue<Integer>> {
    @Override
    protected ArrayBlockingQueue<Integer> newQueue(int capacity) {
        return new ArrayBlockingQueue<>(capacity);
    }
}

package dev.interlock.lock;

import dev.interlock.testing.LockContract;

import java.util.concurrent.locks.Lock;

/** The {@link Lock} contract on {@link FairLock}. */
class FairLockContractTest extends LockContract {
    @Override
    protected Lock newLock() {
        return new FairLock();
    }
}

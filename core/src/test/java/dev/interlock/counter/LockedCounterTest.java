package dev.interlock.counter;

class LockedCounterTest extends CounterContract {
    @Override
    Counter newCounter() {
        return new LockedCounter();
    }
}

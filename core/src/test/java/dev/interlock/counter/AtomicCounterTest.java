package dev.interlock.counter;

class AtomicCounterTest extends CounterContract {
    @Override
    Counter newCounter() {
        return new AtomicCounter();
    }
}

package dev.interlock.lab.broken;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The naive order really deadlocks: two opposite transfers that each hold their first lock wait for
 * each other until one is interrupted, and ThreadMXBean sees the cycle.
 */
class NaiveOrderBankTest {

    @Test
    void oppositeTransfersDeadlockOnceTheirFirstLocksInterleaveUntilOneIsInterrupted() throws Exception {
        NaiveOrderBank bank = new NaiveOrderBank(2, 100);
        CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (TestThreads threads = new TestThreads()) {
            Thread[] pair = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int from = t;
                NaiveOrderBank.LockListener meet = new NaiveOrderBank.LockListener() {
                    @Override
                    public void acquired(int account) throws InterruptedException {
                        if (account == from) {
                            try {
                                bothHoldTheirFirstLock.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }
                    }
                };
                pair[t] = threads.start("transfer-" + t, () -> {
                    try {
                        assertThat(bank.transfer(from, 1 - from, 10, meet)).isTrue();
                        completed.incrementAndGet();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                });
            }
            long[] expected = {pair[0].threadId(), pair[1].threadId()};
            Arrays.sort(expected);
            TestThreads.pollUntil(() -> {
                long[] found = mx.findDeadlockedThreads();
                if (found == null) {
                    return false;
                }
                Arrays.sort(found);
                return Arrays.equals(found, expected);
            }, "ThreadMXBean to report the two transfers deadlocked");
            // Breaking the cycle at one thread is enough: it gives up its lock and the other goes on.
            pair[0].interrupt();
        }
        assertThat(interrupted.get()).isEqualTo(1);
        assertThat(completed.get()).isEqualTo(1);
        assertThat(bank.balance(0)).as("the survivor moved 10 from account 1 to 0").isEqualTo(110);
        assertThat(bank.balance(1)).isEqualTo(90);
        assertThat(mx.findDeadlockedThreads()).isNull();
    }

    @Test
    void transferMovesMoneyOrRefusesWhenAlone() throws InterruptedException {
        NaiveOrderBank bank = new NaiveOrderBank(3, 100);
        assertThat(bank.transfer(0, 2, 60)).isTrue();
        assertThat(bank.transfer(0, 1, 50)).isFalse();
        assertThat(bank.balance(0)).isEqualTo(40);
        assertThat(bank.balance(2)).isEqualTo(160);
        assertThat(bank.totalBalance()).isEqualTo(300);
    }

    @Test
    void rejectsBadInput() {
        NaiveOrderBank bank = new NaiveOrderBank(2, 100);
        assertThatThrownBy(() -> bank.transfer(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bank.transfer(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NaiveOrderBank(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NaiveOrderBank(2, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.interlock.liveness;

import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaitRegistryTest {

    private static final TrackedLock LOCK = new TrackedLock() {
        private final WaitStats stats = new WaitStats();

        @Override
        public String name() {
            return "L";
        }

        @Override
        public Collection<Thread> holders() {
            return List.of();
        }

        @Override
        public WaitStats waitStats() {
            return stats;
        }
    };

    @Test
    void aWaitIsVisibleUntilItEnds() {
        WaitRegistry.Wait wait = WaitRegistry.begin(LOCK, "lock");
        try {
            assertThat(WaitRegistry.of(Thread.currentThread())).isSameAs(wait);
            assertThat(WaitRegistry.current()).contains(wait);
            assertThat(wait.lock()).isSameAs(LOCK);
            assertThat(wait.waitedNanos(System.nanoTime())).isNotNegative();
        } finally {
            WaitRegistry.end(wait);
        }
        assertThat(WaitRegistry.of(Thread.currentThread())).isNull();
        assertThat(WaitRegistry.current()).doesNotContain(wait);
    }

    @Test
    void endingAnOlderWaitDoesNotRemoveTheCurrentOne() {
        WaitRegistry.Wait first = WaitRegistry.begin(LOCK, "lock");
        WaitRegistry.end(first);
        WaitRegistry.Wait second = WaitRegistry.begin(LOCK, "read");
        try {
            WaitRegistry.end(first);
            assertThat(WaitRegistry.of(Thread.currentThread())).isSameAs(second);
        } finally {
            WaitRegistry.end(second);
        }
    }

    @Test
    void nullLockOrModeIsRejected() {
        assertThatThrownBy(() -> WaitRegistry.begin(null, "lock")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WaitRegistry.begin(LOCK, null)).isInstanceOf(NullPointerException.class);
        assertThat(WaitRegistry.of(Thread.currentThread())).isNull();
    }
}

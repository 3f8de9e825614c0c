package dev.interlock.liveness;

import dev.interlock.lock.FairLock;
import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * StarvationMonitor on real waits of Interlock locks (platform and virtual threads), judged with a
 * clock the test moves ahead of {@code System.nanoTime()} instead of waiting, and direct
 * {@code check()} calls. Tests name their own locks, because the registry is shared by the JVM.
 */
class StarvationMonitorTest {

    private static final Duration THRESHOLD = Duration.ofSeconds(30);

    /** How far the monitor's clock runs ahead of System.nanoTime(). */
    private final AtomicLong ahead = new AtomicLong();
    private final List<StarvationMonitor.Starving> heard = new CopyOnWriteArrayList<>();

    private StarvationMonitor.Builder monitorOf(TrackedLock... locks) {
        return StarvationMonitor.builder().threshold(THRESHOLD).onStarving(heard::add)
                .clock(() -> System.nanoTime() + ahead.get()).locks(locks);
    }

    /** Starts a thread that blocks in {@code lock.lockInterruptibly()} (held by the test) and waits until it is registered. */
    private static Thread blockedWaiter(TestThreads threads, FairLock lock, boolean virtual) {
        TestThreads.Body body = () -> {
            try {
                lock.lockInterruptibly();
                lock.unlock();
            } catch (InterruptedException expected) {
                // the test ends the wait this way
            }
        };
        Thread t = virtual ? threads.startVirtual("starving-virtual", body) : threads.start("starving", body);
        TestThreads.pollUntil(() -> WaitRegistry.of(t) != null, "waiter registered");
        return t;
    }

    @Test
    void sampleUsage() {
        try (StarvationMonitor monitor = StarvationMonitor.builder()
                .threshold(Duration.ofSeconds(2))
                .onStarving(s -> heard.add(s))
                .start()) {
            assertThat(monitor.toString()).contains("every Interlock lock");
        }
    }

    @Test
    void aWaitPastTheThresholdIsReportedWithItsThreadLockAndTime() throws Exception {
        FairLock lock = new FairLock("accounts");
        StarvationMonitor monitor = monitorOf(lock).build();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = blockedWaiter(threads, lock, false);
            assertThat(monitor.check()).as("just began").isEmpty();
            ahead.set(THRESHOLD.toNanos());
            List<StarvationMonitor.Starving> found = monitor.check();
            assertThat(found).singleElement().satisfies(s -> {
                assertThat(s.thread()).isSameAs(waiter);
                assertThat(s.lock()).isSameAs(lock);
                assertThat(s.mode()).isEqualTo("lock");
                assertThat(s.waited()).isGreaterThanOrEqualTo(THRESHOLD);
                assertThat(s.describe()).startsWith("starving has waited ").endsWith(" ms for accounts (lock)");
            });
            assertThat(heard).isEqualTo(found);
            waiter.interrupt();
            threads.joinAll();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aVirtualThreadStarvingIsSeen() throws Exception {
        FairLock lock = new FairLock("virtual");
        StarvationMonitor monitor = monitorOf(lock).build();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = blockedWaiter(threads, lock, true);
            ahead.set(THRESHOLD.toNanos());
            assertThat(monitor.check()).singleElement()
                    .satisfies(s -> assertThat(s.thread()).isSameAs(waiter).matches(Thread::isVirtual));
            waiter.interrupt();
            threads.joinAll();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void eachWaitIsReportedOnceAndTheNextWaitOfTheSameThreadAgain() throws Exception {
        FairLock lock = new FairLock("again");
        StarvationMonitor monitor = monitorOf(lock).build();
        CountDownLatch secondRound = new CountDownLatch(1);
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = threads.start("twice", () -> {
                lock.lockInterruptibly();
                lock.unlock();
                secondRound.await();
                lock.lockInterruptibly();
                lock.unlock();
            });
            TestThreads.pollUntil(() -> WaitRegistry.of(waiter) != null, "first wait registered");
            ahead.set(THRESHOLD.toNanos());
            assertThat(monitor.check()).hasSize(1);
            assertThat(monitor.check()).as("same wait").isEmpty();
            lock.unlock();                    // the first wait ends
            TestThreads.awaitBlockedOn(waiter, o -> o instanceof CountDownLatch || o.getClass().getName()
                    .contains("CountDownLatch"), "the latch");
            assertThat(monitor.check()).isEmpty();
            lock.lock();
            secondRound.countDown();
            TestThreads.pollUntil(() -> WaitRegistry.of(waiter) != null, "second wait registered");
            assertThat(monitor.check()).as("a new wait").hasSize(1);
            lock.unlock();
            threads.joinAll();
        } finally {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        }
        assertThat(heard).hasSize(2);
    }

    @Test
    void onlyTheWatchedLocksAreReported() throws Exception {
        FairLock watched = new FairLock("watched");
        FairLock other = new FairLock("other");
        StarvationMonitor monitor = monitorOf(watched).build();
        other.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = blockedWaiter(threads, other, false);
            ahead.set(THRESHOLD.toNanos());
            assertThat(monitor.check()).isEmpty();
            waiter.interrupt();
            threads.joinAll();
        } finally {
            other.unlock();
        }
    }

    @Test
    void withoutAFilterEveryInterlockLockIsWatchedIncludingReadWriteLocks() throws Exception {
        PhaseFairReadWriteLock rw = new PhaseFairReadWriteLock();
        StarvationMonitor monitor = StarvationMonitor.builder().threshold(THRESHOLD).onStarving(heard::add)
                .clock(() -> System.nanoTime() + ahead.get()).build();
        rw.writeLock().lock();
        try (TestThreads threads = new TestThreads()) {
            Thread reader = threads.start("reader", () -> {
                rw.readLock().lockInterruptibly();
                rw.readLock().unlock();
            });
            TestThreads.pollUntil(() -> WaitRegistry.of(reader) != null, "reader registered");
            ahead.set(THRESHOLD.toNanos());
            assertThat(monitor.check()).filteredOn(s -> s.thread() == reader).singleElement()
                    .satisfies(s -> assertThat(s.mode()).isEqualTo("read"));
            rw.writeLock().unlock();
            threads.joinAll();
        } finally {
            if (rw.isWriteLocked()) {
                rw.writeLock().unlock();
            }
        }
    }

    @Test
    void theStartedMonitorReportsOnItsOwnThread() throws Exception {
        FairLock lock = new FairLock("started");
        CountDownLatch reported = new CountDownLatch(1);
        List<String> names = new CopyOnWriteArrayList<>();
        lock.lock();
        try (TestThreads threads = new TestThreads()) {
            Thread waiter = blockedWaiter(threads, lock, true);
            StarvationMonitor monitor = StarvationMonitor.builder().threshold(Duration.ofNanos(1))
                    .period(Duration.ofMillis(1)).threadName("starvation-test").locks(lock)
                    .onStarving(s -> {
                        names.add(Thread.currentThread().getName());
                        reported.countDown();
                    }).start();
            try {
                assertThat(reported.await(TestThreads.BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            } finally {
                assertThat(monitor.close(TestThreads.BOUND)).isTrue();
            }
            waiter.interrupt();
            threads.joinAll();
        } finally {
            lock.unlock();
        }
        assertThat(names).containsOnly("starvation-test");
    }

    @Test
    void startTwiceOrAfterCloseIsRejected() throws InterruptedException {
        StarvationMonitor m = monitorOf(new FairLock()).build();
        m.start();
        assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
        assertThat(m.close(TestThreads.BOUND)).isTrue();
        m.close();
        assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badConfigurationIsRejected() {
        StarvationMonitor.Builder b = StarvationMonitor.builder();
        assertThatThrownBy(() -> b.threshold(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.threshold(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.period(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.onStarving(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.locks((TrackedLock[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.locks(new FairLock(), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(b::locks).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> StarvationMonitor.builder().threshold(THRESHOLD).build())
                .isInstanceOf(IllegalStateException.class);
    }
}

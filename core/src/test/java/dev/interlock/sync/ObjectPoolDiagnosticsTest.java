package dev.interlock.sync;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Who holds the leases: {@link ObjectPool#leases()}, {@link ObjectPool#describeLeases()} and the
 * {@link TimeoutException} of {@link ObjectPool#acquire(Duration)}; acquire stacks only when enabled.
 */
class ObjectPoolDiagnosticsTest {

    /** Two named threads each take a lease and hold it until {@code release} opens. */
    private static List<Thread> holdTwo(TestThreads threads, ObjectPool<Object> pool, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(2);
        List<Thread> holders = List.of(
                threads.start("holder-a", () -> holdUntil(pool, holding, release)),
                threads.start("holder-b", () -> holdUntil(pool, holding, release)));
        holding.await();
        holders.forEach(TestThreads::awaitBlocked);
        return holders;
    }

    private static void holdUntil(ObjectPool<Object> pool, CountDownLatch holding, CountDownLatch release)
            throws InterruptedException {
        try (var lease = pool.acquire()) {
            holding.countDown();
            release.await();
        }
    }

    @Test
    void leasesNameEachHolderThreadWithItsIdStateAndAge() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(2, Object::new);
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            List<Thread> holders = holdTwo(threads, pool, release);
            List<ObjectPool.LeaseInfo> leases = pool.leases();
            assertThat(leases).extracting(ObjectPool.LeaseInfo::holderName)
                    .containsExactlyInAnyOrder("holder-a", "holder-b");
            assertThat(leases).extracting(ObjectPool.LeaseInfo::holderId)
                    .containsExactlyInAnyOrder(holders.get(0).threadId(), holders.get(1).threadId());
            assertThat(leases).extracting(ObjectPool.LeaseInfo::holderState).containsOnly(Thread.State.WAITING);
            assertThat(leases).allSatisfy(info -> {
                assertThat(info.age().isNegative()).isFalse();
                assertThat(info.stack()).isEmpty();
            });
            assertThat(leases.get(0).age()).isGreaterThanOrEqualTo(leases.get(1).age());
            release.countDown();
        }
        assertThat(pool.leases()).isEmpty();
    }

    @Test
    void leasesCarryTheAcquireStackOnlyWhenCaptureIsOn() throws Exception {
        ObjectPool<Object> capturing = new ObjectPool<>(1, Object::new, true);
        ObjectPool<Object> plain = new ObjectPool<>(1, Object::new);
        try (var a = capturing.acquire(); var b = plain.acquire()) {
            List<StackTraceElement> stack = capturing.leases().getFirst().stack();
            assertThat(stack).isNotEmpty();
            assertThat(stack.getFirst().getClassName()).isEqualTo(ObjectPoolDiagnosticsTest.class.getName());
            assertThat(stack.getFirst().getMethodName()).isEqualTo("leasesCarryTheAcquireStackOnlyWhenCaptureIsOn");
            assertThat(plain.leases().getFirst().stack()).isEmpty();
        }
    }

    @Test
    void timedAcquireFailureNamesTheHoldersInItsMessage() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(2, Object::new);
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            holdTwo(threads, pool, release);
            TimeoutException e = catchThrowableOfType(TimeoutException.class,
                    () -> pool.acquire(Duration.ofMillis(10)));
            assertThat(e).hasMessageContaining("within 10 ms")
                    .hasMessageContaining("2 of 2 leased")
                    .hasMessageContaining("holder-a (id ")
                    .hasMessageContaining("holder-b (id ")
                    .hasMessageContaining("WAITING) for ");
            assertThat(e.getSuppressed()).isEmpty();
            release.countDown();
        }
    }

    @Test
    void timedAcquireFailureCarriesTheHoldersStacksWhenCaptureIsOn() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(2, Object::new, true);
        CountDownLatch release = new CountDownLatch(1);
        try (TestThreads threads = new TestThreads()) {
            holdTwo(threads, pool, release);
            TimeoutException e = catchThrowableOfType(TimeoutException.class,
                    () -> pool.acquire(Duration.ofMillis(10)));
            assertThat(e.getSuppressed()).hasSize(2).allSatisfy(site -> {
                assertThat(site).hasMessageStartingWith("lease held by holder-");
                assertThat(site.getStackTrace()[0].getMethodName()).isEqualTo("holdUntil");
            });
            release.countDown();
        }
    }

    @Test
    void describeLeasesWritesASummaryThenOneLinePerHolder() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(3, Object::new, true);
        assertThat(pool.describeLeases()).isEqualTo("ObjectPool: 0 of 3 leased");
        try (var lease = pool.acquire()) {
            String text = pool.describeLeases();
            assertThat(text).startsWith("ObjectPool: 1 of 3 leased\n  " + Thread.currentThread().getName() + " (id ");
            assertThat(text).contains("\n      at " + ObjectPoolDiagnosticsTest.class.getName()
                    + ".describeLeasesWritesASummaryThenOneLinePerHolder");
        }
    }

    @Test
    void aLeakedLeaseShowsItsHolderAsTerminated() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(1, Object::new);
        Thread leaker = Thread.ofPlatform().name("leaker").start(() -> {
            try {
                pool.acquire(); // never closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        leaker.join(TestThreads.BOUND);
        assertThat(leaker.isAlive()).isFalse();
        assertThat(pool.leases()).singleElement().satisfies(info -> {
            assertThat(info.holderName()).isEqualTo("leaker");
            assertThat(info.holderState()).isEqualTo(Thread.State.TERMINATED);
        });
    }

    @Test
    void closedLeasesAreNotListed() throws Exception {
        ObjectPool<Object> pool = new ObjectPool<>(2, Object::new);
        var a = pool.acquire();
        var b = pool.acquire();
        a.close();
        assertThat(pool.leases()).hasSize(1);
        b.close();
        assertThat(pool.leases()).isEmpty();
    }

    @Test
    void leaseInfoToStringIsReadable() {
        var info = new ObjectPool.LeaseInfo("worker-3", 31, Thread.State.TIMED_WAITING, Duration.ofMillis(1203),
                List.of());
        assertThat(info).hasToString("worker-3 (id 31, TIMED_WAITING) for 1203 ms");
        var unnamed = new ObjectPool.LeaseInfo("", 7, Thread.State.RUNNABLE, Duration.ZERO, List.of());
        assertThat(unnamed).hasToString("unnamed (id 7, RUNNABLE) for 0 ms");
    }
}

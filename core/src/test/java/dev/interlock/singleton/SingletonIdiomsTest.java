package dev.interlock.singleton;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The three singleton idioms: one instance under contention, created once per class loader. The
 * holder's one weakness (no retry after a failed initialisation) is shown beside {@code Lazy}'s retry.
 */
class SingletonIdiomsTest {

    @Test
    void holderIdiomGivesOneInstanceToRacingThreads() throws Exception {
        assertThat(race(HolderIdiomSingleton::getInstance)).hasSize(1);
        assertThat(HolderIdiomSingleton.constructions()).isEqualTo(1);
        assertThat(HolderIdiomSingleton.getInstance().serial()).isEqualTo(1);
    }

    @Test
    void enumGivesOneInstanceToRacingThreads() throws Exception {
        assertThat(race(() -> EnumSingleton.INSTANCE)).hasSize(1);
        assertThat(EnumSingleton.constructions()).isEqualTo(1);
        assertThat(EnumSingleton.INSTANCE.serial()).isEqualTo(1);
    }

    @Test
    void lazySingletonGivesOneInstanceToRacingThreads() throws Exception {
        assertThat(race(LazySingleton::getInstance)).hasSize(1);
        assertThat(LazySingleton.constructions()).isEqualTo(1);
        assertThat(LazySingleton.getInstance().serial()).isEqualTo(1);
    }

    /** A holder whose first initialisation fails; only this test touches it. */
    static final class FailingOnceHolder {
        static boolean failNext = true;

        static final class Holder {
            static final Object INSTANCE = create();
        }

        static Object create() {
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("transient failure");
            }
            return new Object();
        }
    }

    @Test
    void holderIdiomNeverRecoversFromAFailedInitialisationWhereLazyRetries() {
        assertThatThrownBy(() -> FailingOnceHolder.Holder.INSTANCE.hashCode())
                .isInstanceOf(ExceptionInInitializerError.class);
        // The cause is gone (create() would now succeed) but the class stays unusable.
        assertThatThrownBy(() -> FailingOnceHolder.Holder.INSTANCE.hashCode())
                .isInstanceOf(NoClassDefFoundError.class);

        boolean[] failNext = {true};
        dev.interlock.lazy.Lazy<Object> lazy = dev.interlock.lazy.Lazy.of(() -> {
            if (failNext[0]) {
                failNext[0] = false;
                throw new IllegalStateException("transient failure");
            }
            return new Object();
        });
        assertThatThrownBy(lazy::get).isInstanceOf(IllegalStateException.class);
        assertThat(lazy.get()).isNotNull();
    }

    /** Eight threads released together call {@code getter}; returns the distinct instances they saw. */
    private static Set<Object> race(Supplier<Object> getter) throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<Object> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        try (TestThreads group = new TestThreads()) {
            for (int t = 0; t < threads; t++) {
                group.start("getter-" + t, () -> {
                    start.await();
                    seen.add(getter.get());
                });
            }
        }
        return seen;
    }
}

package dev.interlock.singleton;

import dev.interlock.testing.TestThreads;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SingletonRegistry}: one instance per class, created exactly once under contention. */
class SingletonRegistryTest {

    static class Database {
    }

    static final class ReplicaDatabase extends Database {
    }

    static final class Cache {
    }

    @Test
    void returnsTheSameInstanceForAClassAndRunsItsFactoryOnce() {
        SingletonRegistry registry = new SingletonRegistry();
        AtomicInteger created = new AtomicInteger();
        Supplier<Database> factory = () -> {
            created.incrementAndGet();
            return new Database();
        };
        Database first = registry.instance(Database.class, factory);
        assertThat(registry.instance(Database.class, factory)).isSameAs(first);
        assertThat(created).hasValue(1);
    }

    @Test
    void eachClassGetsItsOwnInstanceSubclassesIncluded() {
        SingletonRegistry registry = new SingletonRegistry();
        Database db = registry.instance(Database.class, Database::new);
        ReplicaDatabase replica = registry.instance(ReplicaDatabase.class, ReplicaDatabase::new);
        Cache cache = registry.instance(Cache.class, Cache::new);
        assertThat(db).isNotSameAs(replica);
        assertThat(db.getClass()).isEqualTo(Database.class);
        assertThat(cache).isNotNull();
    }

    @Test
    void theFirstRegisteredFactoryWins() {
        SingletonRegistry registry = new SingletonRegistry();
        Database db = registry.instance(Database.class, Database::new);
        assertThat(registry.instance(Database.class, ReplicaDatabase::new)).isSameAs(db);
    }

    @Test
    void ifCreatedNeverCreates() {
        SingletonRegistry registry = new SingletonRegistry();
        assertThat(registry.ifCreated(Database.class)).isEmpty();
        Database db = registry.instance(Database.class, Database::new);
        assertThat(registry.ifCreated(Database.class)).containsSame(db);
        assertThat(registry.ifCreated(Cache.class)).isEmpty();
    }

    @Test
    void badInputFailsEarlyAndRegistersNothing() {
        SingletonRegistry registry = new SingletonRegistry();
        assertThatThrownBy(() -> registry.instance(null, Database::new)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> registry.instance(Database.class, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> registry.instance(int.class, () -> 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.ifCreated(null)).isInstanceOf(NullPointerException.class);
        assertThat(registry.toString()).isEqualTo("SingletonRegistry[]");
    }

    @Test
    void aFailingFactoryPropagatesAndTheNextRequestRetries() {
        SingletonRegistry registry = new SingletonRegistry();
        AtomicInteger calls = new AtomicInteger();
        Supplier<Database> flaky = () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("not yet");
            }
            return new Database();
        };
        assertThatThrownBy(() -> registry.instance(Database.class, flaky)).hasMessage("not yet");
        assertThat(registry.ifCreated(Database.class)).isEmpty();
        assertThat(registry.instance(Database.class, flaky)).isNotNull();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFactoryReturningNullIsRejected() {
        SingletonRegistry registry = new SingletonRegistry();
        assertThatThrownBy(() -> registry.instance(Database.class, () -> null)).isInstanceOf(NullPointerException.class);
        assertThat(registry.ifCreated(Database.class)).isEmpty();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void aFactoryReturningTheWrongTypeThroughAnUncheckedCastIsRejected() {
        SingletonRegistry registry = new SingletonRegistry();
        Supplier wrong = Cache::new;
        assertThatThrownBy(() -> registry.instance(Database.class, (Supplier<Database>) wrong))
                .isInstanceOf(ClassCastException.class);
    }

    @Test
    void aFactoryAskingForItsOwnClassGetsIllegalStateAndMayAskForOthers() {
        SingletonRegistry registry = new SingletonRegistry();
        AtomicReference<Cache> cacheSeen = new AtomicReference<>();
        assertThatThrownBy(() -> registry.instance(Database.class, () -> {
            cacheSeen.set(registry.instance(Cache.class, Cache::new));
            return registry.instance(Database.class, Database::new);
        })).isInstanceOf(IllegalStateException.class);
        assertThat(cacheSeen.get()).isSameAs(registry.ifCreated(Cache.class).orElseThrow());
        assertThat(registry.ifCreated(Database.class)).isEmpty();
    }

    @Test
    void createsExactlyOnceUnderContention() throws Exception {
        int threads = 8;
        for (int round = 0; round < 50; round++) {
            SingletonRegistry registry = new SingletonRegistry();
            AtomicInteger created = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(threads);
            Set<Object> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
            try (TestThreads group = new TestThreads()) {
                for (int t = 0; t < threads; t++) {
                    group.start("requester-" + t, () -> {
                        start.await();
                        seen.add(registry.instance(Database.class, () -> {
                            created.incrementAndGet();
                            return new Database();
                        }));
                    });
                }
            }
            assertThat(created).as("factory calls in round " + round).hasValue(1);
            assertThat(seen).as("distinct instances in round " + round).hasSize(1);
        }
    }
}

package dev.interlock.lock;

import dev.interlock.testing.LincheckBudget;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.ReadWriteLock;

/**
 * Linearizability of {@link ReadMostlyCache} on each of Interlock's reader/writer locks, in both
 * Lincheck modes: model checking explores interleavings of the lock's own code (its CAS fast paths,
 * its slow path under the internal mutex), stress runs real threads on the real memory model.
 *
 * <p>The operations block only for each other's short critical sections, so Lincheck sees no hang.
 * {@code computeIfAbsent}'s loader is a pure function of the key, so the sequential specification is
 * the cache itself.
 *
 * <p>Budget: model checking of a lock's slow path (a ReentrantLock, conditions, a ConcurrentHashMap
 * of read holds, spin loops) explores several times more events per operation than a plain locked
 * counter, so it runs half the default iterations ({@link #modelChecking()}); stress uses the
 * defaults. Measured on the shared 2-core machine under a load average of 12: about 80-100 s per
 * model-checking test at the full default, 50-70 s per stress test (the locked counter's took
 * 40-50 s in the same conditions).
 *
 * <p>The locks alone are not checked here: their non-blocking surface ({@code tryLock}) may fail
 * whenever another thread holds the lock, a nondeterministic outcome no sequential specification
 * of a lock gives, and a lock held across operations makes results depend on which thread runs
 * them. Their contract is checked by the unit tests and jcstress instead.
 */
class ReadMostlyCacheLincheckTest {

    /** The operations, on a cache over the lock a subclass provides. */
    abstract static class CacheOps {
        private final ReadMostlyCache<Integer, Integer> cache = new ReadMostlyCache<>(lock());

        abstract ReadWriteLock lock();

        @Operation
        public Integer get(@Param(gen = IntGen.class, conf = "1:3") int key) {
            return cache.get(key);
        }

        @Operation
        public Integer put(@Param(gen = IntGen.class, conf = "1:3") int key, @Param(gen = IntGen.class, conf = "1:4") int value) {
            return cache.put(key, value);
        }

        @Operation
        public Integer remove(@Param(gen = IntGen.class, conf = "1:3") int key) {
            return cache.remove(key);
        }

        @Operation
        public Integer computeIfAbsent(@Param(gen = IntGen.class, conf = "1:3") int key) {
            return cache.computeIfAbsent(key, k -> k * 10);
        }
    }

    public static class OnReaderPreferring extends CacheOps {
        @Override
        ReadWriteLock lock() {
            return new ReaderPreferringReadWriteLock();
        }
    }

    public static class OnWriterPreferring extends CacheOps {
        @Override
        ReadWriteLock lock() {
            return new WriterPreferringReadWriteLock();
        }
    }

    public static class OnPhaseFair extends CacheOps {
        @Override
        ReadWriteLock lock() {
            return new PhaseFairReadWriteLock();
        }
    }

    /** Half the default model-checking iterations (see the class doc); scaled like the defaults. */
    private static ModelCheckingOptions modelChecking() {
        return LincheckBudget.modelChecking().iterations(10 * LincheckBudget.SCALE);
    }

    /**
     * Half the default stress iterations: three locks times two modes made this the suite's slowest
     * Lincheck class (90 s on a quiet 2-core machine); scaled like the defaults.
     */
    private static StressOptions stress() {
        return LincheckBudget.stress().iterations(10 * LincheckBudget.SCALE);
    }

    @Test
    void readerPreferringModelChecking() {
        modelChecking().check(OnReaderPreferring.class);
    }

    @Test
    void readerPreferringStress() {
        stress().check(OnReaderPreferring.class);
    }

    @Test
    void writerPreferringModelChecking() {
        modelChecking().check(OnWriterPreferring.class);
    }

    @Test
    void writerPreferringStress() {
        stress().check(OnWriterPreferring.class);
    }

    @Test
    void phaseFairModelChecking() {
        modelChecking().check(OnPhaseFair.class);
    }

    @Test
    void phaseFairStress() {
        stress().check(OnPhaseFair.class);
    }
}

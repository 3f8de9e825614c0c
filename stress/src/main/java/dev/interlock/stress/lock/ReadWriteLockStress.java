package dev.interlock.stress.lock;

import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.lock.ReaderPreferringReadWriteLock;
import dev.interlock.lock.WriterPreferringReadWriteLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.locks.ReadWriteLock;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Interlock's three reader/writer locks on the real memory model, five tests each (two actors at
 * most: jcstress skips tests with more actors than CPUs):
 * <ul>
 *   <li>{@code *Writers}: two writers increment a plain field under the write lock; the arbiter must
 *       read 2 (mutual exclusion, and each release publishes to the next acquirer).</li>
 *   <li>{@code *ReaderWriter}: a writer sets two plain fields under the write lock; a reader reads
 *       both under the read lock and must never see one without the other (no writer with any
 *       reader).</li>
 *   <li>{@code *ReaderReleasedByUnlock} ({@link Mode#Termination}): a reader blocked by a writer
 *       returns once the writer unlocks.</li>
 *   <li>{@code *WriterReleasedByUnlock} ({@link Mode#Termination}): a writer blocked by a reader
 *       returns once the reader unlocks.</li>
 *   <li>{@code *InterruptReleasesWriter} ({@link Mode#Termination}): a writer blocked in
 *       {@code lockInterruptibly} by a read hold that is never released returns once interrupted.</li>
 * </ul>
 *
 * <p>In the termination tests the state's constructor takes the lock the actor will block on, in
 * jcstress's runner thread, which also delivers the signal (see {@link UnlockState}); the runner waits
 * for the actor to start before signalling, so most runs release a parked actor and some one that is
 * still registering as waiting, the lost-wake-up window.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t ReadWriteLockStress -m quick}
 */
public final class ReadWriteLockStress {

    private ReadWriteLockStress() {
    }

    // ---------------------------------------------------------------- shared bodies

    /** Two writers, one plain counter. */
    public static class WritersState {
        final ReadWriteLock lock;
        int count; // guarded by lock

        WritersState(ReadWriteLock lock) {
            this.lock = lock;
        }

        void increment() {
            lock.writeLock().lock();
            try {
                count++;
            } finally {
                lock.writeLock().unlock();
            }
        }

        int read() {
            lock.readLock().lock();
            try {
                return count;
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /** A writer of two fields and a reader of both. */
    public static class ReaderWriterState {
        final ReadWriteLock lock;
        int x; // guarded by lock
        int y; // guarded by lock

        ReaderWriterState(ReadWriteLock lock) {
            this.lock = lock;
        }

        void write() {
            lock.writeLock().lock();
            try {
                x = 1;
                y = 1;
            } finally {
                lock.writeLock().unlock();
            }
        }

        void read(II_Result r) {
            lock.readLock().lock();
            try {
                r.r1 = x;
                r.r2 = y;
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    /**
     * A lock held from the constructor on, so that the actor blocks, and released by the signal.
     * jcstress builds the state and delivers the signal in the same (runner) thread, and runs the
     * actor in a thread of its own: the generated runner shows it. Should that change, the signal's
     * unlock would throw and the run would report ERROR, not pass silently.
     */
    public static class UnlockState {
        final ReadWriteLock lock;
        private final boolean heldForWriting;

        UnlockState(ReadWriteLock lock, boolean holdForWriting) {
            this.lock = lock;
            this.heldForWriting = holdForWriting;
            if (holdForWriting) {
                lock.writeLock().lock();
            } else {
                lock.readLock().lock();
            }
        }

        void readOnce() {
            lock.readLock().lock();
            lock.readLock().unlock();
        }

        void writeOnce() {
            lock.writeLock().lock();
            lock.writeLock().unlock();
        }

        /** The runner waited for the actor to start: it is usually parked by now, sometimes on its way in. */
        void release() {
            if (heldForWriting) {
                lock.writeLock().unlock();
            } else {
                lock.readLock().unlock();
            }
        }
    }

    /**
     * A read hold taken in the constructor, by the thread that builds the state (never an actor),
     * and never released; a writer blocks behind it until interrupted.
     */
    public static class InterruptState {
        final ReadWriteLock lock;
        volatile Thread actor;

        InterruptState(ReadWriteLock lock) {
            this.lock = lock;
            lock.readLock().lock();
        }

        void writeInterruptibly() {
            actor = Thread.currentThread();
            try {
                lock.writeLock().lockInterruptibly();
                lock.writeLock().unlock(); // unreachable: the read hold is never released
            } catch (InterruptedException e) {
                // the expected way out; the status is cleared, so the worker thread is clean
            }
        }

        void interruptActor() {
            Thread t;
            while ((t = actor) == null) {
                Thread.onSpinWait();
            }
            t.interrupt();
        }
    }

    // ---------------------------------------------------------------- reader-preferring

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "Two writers inside at once, or a release that did not publish.")
    @State
    public static class ReaderPreferringWriters extends WritersState {
        public ReaderPreferringWriters() {
            super(new ReaderPreferringReadWriteLock());
        }

        @Actor
        public void writer1() {
            increment();
        }

        @Actor
        public void writer2() {
            increment();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = read();
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The writer went first.")
    @Outcome(id = {"0, 1", "1, 0"}, expect = FORBIDDEN, desc = "The reader saw half a write: reader and writer inside together.")
    @State
    public static class ReaderPreferringReaderWriter extends ReaderWriterState {
        public ReaderPreferringReaderWriter() {
            super(new ReaderPreferringReadWriteLock());
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The writer's unlock released the reader.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The reader stayed blocked after the writer left: a lost wake-up.")
    @State
    public static class ReaderPreferringReaderReleasedByUnlock extends UnlockState {
        public ReaderPreferringReaderReleasedByUnlock() {
            super(new ReaderPreferringReadWriteLock(), true);
        }

        @Actor
        public void reader() {
            readOnce();
        }

        @Signal
        public void writerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The reader's unlock released the writer.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer stayed blocked after the reader left: a lost wake-up.")
    @State
    public static class ReaderPreferringWriterReleasedByUnlock extends UnlockState {
        public ReaderPreferringWriterReleasedByUnlock() {
            super(new ReaderPreferringReadWriteLock(), false);
        }

        @Actor
        public void writer() {
            writeOnce();
        }

        @Signal
        public void readerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The interrupt ended the blocked lockInterruptibly.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer ignored the interrupt and stayed blocked.")
    @State
    public static class ReaderPreferringInterruptReleasesWriter extends InterruptState {
        public ReaderPreferringInterruptReleasesWriter() {
            super(new ReaderPreferringReadWriteLock());
        }

        @Actor
        public void writer() {
            writeInterruptibly();
        }

        @Signal
        public void interrupt() {
            interruptActor();
        }
    }

    // ---------------------------------------------------------------- writer-preferring

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "Two writers inside at once, or a release that did not publish.")
    @State
    public static class WriterPreferringWriters extends WritersState {
        public WriterPreferringWriters() {
            super(new WriterPreferringReadWriteLock());
        }

        @Actor
        public void writer1() {
            increment();
        }

        @Actor
        public void writer2() {
            increment();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = read();
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The writer went first.")
    @Outcome(id = {"0, 1", "1, 0"}, expect = FORBIDDEN, desc = "The reader saw half a write: reader and writer inside together.")
    @State
    public static class WriterPreferringReaderWriter extends ReaderWriterState {
        public WriterPreferringReaderWriter() {
            super(new WriterPreferringReadWriteLock());
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The writer's unlock released the reader.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The reader stayed blocked after the writer left: a lost wake-up.")
    @State
    public static class WriterPreferringReaderReleasedByUnlock extends UnlockState {
        public WriterPreferringReaderReleasedByUnlock() {
            super(new WriterPreferringReadWriteLock(), true);
        }

        @Actor
        public void reader() {
            readOnce();
        }

        @Signal
        public void writerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The reader's unlock released the writer.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer stayed blocked after the reader left: a lost wake-up.")
    @State
    public static class WriterPreferringWriterReleasedByUnlock extends UnlockState {
        public WriterPreferringWriterReleasedByUnlock() {
            super(new WriterPreferringReadWriteLock(), false);
        }

        @Actor
        public void writer() {
            writeOnce();
        }

        @Signal
        public void readerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The interrupt ended the blocked lockInterruptibly.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer ignored the interrupt and stayed blocked.")
    @State
    public static class WriterPreferringInterruptReleasesWriter extends InterruptState {
        public WriterPreferringInterruptReleasesWriter() {
            super(new WriterPreferringReadWriteLock());
        }

        @Actor
        public void writer() {
            writeInterruptibly();
        }

        @Signal
        public void interrupt() {
            interruptActor();
        }
    }

    // ---------------------------------------------------------------- phase-fair

    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "Both increments counted.")
    @Outcome(expect = FORBIDDEN, desc = "Two writers inside at once, or a release that did not publish.")
    @State
    public static class PhaseFairWriters extends WritersState {
        public PhaseFairWriters() {
            super(new PhaseFairReadWriteLock());
        }

        @Actor
        public void writer1() {
            increment();
        }

        @Actor
        public void writer2() {
            increment();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = read();
        }
    }

    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The reader went first.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The writer went first (or admitted the reader at its release).")
    @Outcome(id = {"0, 1", "1, 0"}, expect = FORBIDDEN, desc = "The reader saw half a write: reader and writer inside together.")
    @State
    public static class PhaseFairReaderWriter extends ReaderWriterState {
        public PhaseFairReaderWriter() {
            super(new PhaseFairReadWriteLock());
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The writer's release admitted the reader.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The reader stayed blocked after the writer left: a lost admission.")
    @State
    public static class PhaseFairReaderReleasedByUnlock extends UnlockState {
        public PhaseFairReaderReleasedByUnlock() {
            super(new PhaseFairReadWriteLock(), true);
        }

        @Actor
        public void reader() {
            readOnce();
        }

        @Signal
        public void writerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The reader's unlock released the writer.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer stayed blocked after the reader left: a lost wake-up.")
    @State
    public static class PhaseFairWriterReleasedByUnlock extends UnlockState {
        public PhaseFairWriterReleasedByUnlock() {
            super(new PhaseFairReadWriteLock(), false);
        }

        @Actor
        public void writer() {
            writeOnce();
        }

        @Signal
        public void readerUnlocks() {
            release();
        }
    }

    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The interrupt ended the blocked lockInterruptibly.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The writer ignored the interrupt and stayed blocked.")
    @State
    public static class PhaseFairInterruptReleasesWriter extends InterruptState {
        public PhaseFairInterruptReleasesWriter() {
            super(new PhaseFairReadWriteLock());
        }

        @Actor
        public void writer() {
            writeInterruptibly();
        }

        @Signal
        public void interrupt() {
            interruptActor();
        }
    }
}

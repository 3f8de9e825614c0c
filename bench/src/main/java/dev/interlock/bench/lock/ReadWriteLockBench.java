package dev.interlock.bench.lock;

import dev.interlock.bench.Compare;
import dev.interlock.bench.RatioTarget;
import dev.interlock.lock.PhaseFairReadWriteLock;
import dev.interlock.lock.ReaderPreferringReadWriteLock;
import dev.interlock.lock.WriterPreferringReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Reader/writer locks guarding a pair of longs, 2 threads, at 100%, 90% and 50% reads
 * ({@code readPercent}): a read locks for reading and sums the pair, a write locks for writing and
 * increments both. Each thread runs a fixed pattern of ten operations, the first
 * {@code 10 - readPercent / 10} of them writes (none at 100%, one at 90%, five at 50%), so the mix is
 * exact and costs no random numbers.
 *
 * <p>Peers: {@code ReentrantReadWriteLock} (non-fair, the JDK's default) and {@code StampedLock}
 * with its pessimistic {@code readLock}/{@code writeLock} stamps (not optimistic reads, which would
 * compare a different protocol: no reader count, validation and retry). Target: writer-preferring
 * at least as fast as {@code ReentrantReadWriteLock} at 90% reads, the read-mostly case the lock is
 * for. The other ratios are reported for information: at 50% reads every lock mostly hands the
 * write lock over, and the phase-fair lock pays for alternating phases.
 *
 * <p>The uncontended cost of a read is {@link UncontendedReadBench}.
 *
 * <p>Run: {@code ./interlock bench ReadWriteLockBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock"},
        peers = {"ReentrantReadWriteLock", "StampedLock"})
@RatioTarget(benchmark = "readOrWrite", params = "readPercent=90", ours = "WriterPreferringReadWriteLock",
        peer = "ReentrantReadWriteLock", atLeast = 1.0)
public class ReadWriteLockBench {

    /** Operations in one thread's repeating pattern. */
    private static final int PATTERN = 10;

    @Param({"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock",
            "ReentrantReadWriteLock", "StampedLock"})
    public String impl;

    /** Reads per hundred operations: a multiple of 10. */
    @Param({"100", "90", "50"})
    public int readPercent;

    private Guarded guarded;
    /** The first {@code writesPerPattern} operations of each pattern are writes. */
    private int writesPerPattern;

    /** A pair of longs behind some reader/writer lock. */
    interface Guarded {
        long read();

        long write();
    }

    /** Each thread's position in its pattern. */
    @State(Scope.Thread)
    public static class Position {
        int op;
    }

    @Setup
    public void setUp() {
        if (readPercent < 0 || readPercent > 100 || readPercent % PATTERN != 0) {
            throw new IllegalArgumentException("readPercent must be a multiple of 10 in 0..100: " + readPercent);
        }
        writesPerPattern = (100 - readPercent) / PATTERN;
        guarded = guarded(impl);
    }

    /** A pair of longs behind the lock {@code impl} names (an {@code impl} parameter value). */
    static Guarded guarded(String impl) {
        return switch (impl) {
            case "ReaderPreferringReadWriteLock" -> new Locked(new ReaderPreferringReadWriteLock());
            case "WriterPreferringReadWriteLock" -> new Locked(new WriterPreferringReadWriteLock());
            case "PhaseFairReadWriteLock" -> new Locked(new PhaseFairReadWriteLock());
            case "ReentrantReadWriteLock" -> new Locked(new ReentrantReadWriteLock());
            case "StampedLock" -> new Stamped();
            default -> throw new IllegalArgumentException(impl);
        };
    }

    @Benchmark
    @Threads(2)
    public long readOrWrite(Position p) {
        int op = p.op;
        p.op = op + 1 == PATTERN ? 0 : op + 1;
        return op < writesPerPattern ? guarded.write() : guarded.read();
    }

    /** Through the {@code ReadWriteLock} interface: ours and {@code ReentrantReadWriteLock}. */
    static final class Locked implements Guarded {
        private final ReadWriteLock lock;
        private long a; // guarded by lock
        private long b; // guarded by lock

        Locked(ReadWriteLock lock) {
            this.lock = lock;
        }

        @Override
        public long read() {
            lock.readLock().lock();
            try {
                return a + b;
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public long write() {
            lock.writeLock().lock();
            try {
                a++;
                return ++b;
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** Peer: {@code StampedLock}'s pessimistic read and write stamps. */
    static final class Stamped implements Guarded {
        private final StampedLock lock = new StampedLock();
        private long a; // guarded by lock
        private long b; // guarded by lock

        @Override
        public long read() {
            long stamp = lock.readLock();
            try {
                return a + b;
            } finally {
                lock.unlockRead(stamp);
            }
        }

        @Override
        public long write() {
            long stamp = lock.writeLock();
            try {
                a++;
                return ++b;
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }
}

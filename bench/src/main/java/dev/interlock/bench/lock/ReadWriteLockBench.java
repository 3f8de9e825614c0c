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
 * Reader/writer locks guarding a pair of longs, 2 threads, at 100%, 90% and 50% reads: a read locks
 * for reading and sums the pair, a write locks for writing and increments both. Each thread
 * interleaves its reads and writes in a fixed pattern (every 10th operation a write at 90%, every
 * other at 50%), so the mix is exact and costs no random numbers.
 *
 * <p>Peers: {@code ReentrantReadWriteLock} (non-fair, the JDK's default) and {@code StampedLock}
 * with its pessimistic {@code readLock}/{@code writeLock} stamps (not optimistic reads, which would
 * compare a different protocol: no reader count, validation and retry). The read percentage is one
 * benchmark method each rather than a {@code @Param}, because a {@link RatioTarget} names a method:
 * the target (writer-preferring at least as fast as {@code ReentrantReadWriteLock}) is at 90% reads.
 *
 * <p>Run: {@code ./interlock bench ReadWriteLockBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Compare(ours = {"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock"},
        peers = {"ReentrantReadWriteLock", "StampedLock"})
@RatioTarget(benchmark = "reads90", ours = "WriterPreferringReadWriteLock", peer = "ReentrantReadWriteLock",
        atLeast = 1.0)
public class ReadWriteLockBench {

    @Param({"ReaderPreferringReadWriteLock", "WriterPreferringReadWriteLock", "PhaseFairReadWriteLock",
            "ReentrantReadWriteLock", "StampedLock"})
    public String impl;

    private Guarded guarded;

    /** A pair of longs behind some reader/writer lock. */
    interface Guarded {
        long read();

        long write();
    }

    /** Each thread's position in its read/write pattern. */
    @State(Scope.Thread)
    public static class Pattern {
        int op;
    }

    @Setup
    public void setUp() {
        guarded = switch (impl) {
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
    public long reads100() {
        return guarded.read();
    }

    @Benchmark
    @Threads(2)
    public long reads90(Pattern p) {
        return ++p.op % 10 == 0 ? guarded.write() : guarded.read();
    }

    @Benchmark
    @Threads(2)
    public long reads50(Pattern p) {
        return (++p.op & 1) == 0 ? guarded.write() : guarded.read();
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

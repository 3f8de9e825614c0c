package dev.interlock.stress.lock;

import dev.interlock.lock.FairLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link FairLock} on the real memory model: mutual exclusion with the memory effects of a hand-off, a
 * blocked {@code lock()} released by an unlock, a blocked {@code lockInterruptibly()} released by an
 * interrupt, and a timed {@code tryLock} whose timeout races the hand-off to it. Two actors at most:
 * jcstress skips tests with more actors than CPUs.
 *
 * <p>The termination tests need the lock held by a thread other than the actor until the signal: a
 * {@link Holder} takes it on a virtual thread when the state is created and gives it up when told.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t FairLockStress -m quick}
 */
public final class FairLockStress {

    private FairLockStress() {
    }

    /** Two actors increment a plain field under the lock; the arbiter sees both increments. */
    @JCStressTest
    @Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "Both increments counted; the lock is free afterwards.")
    @Outcome(id = "1, 0", expect = FORBIDDEN,
            desc = "Lost update: both actors were inside at once, or one missed the other's write.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else (e.g. the lock still held at the end).")
    @State
    public static class MutualExclusion {
        final FairLock lock = new FairLock();
        int x; // guarded by lock

        @Actor
        public void actor1() {
            lock.lock();
            try {
                x++;
            } finally {
                lock.unlock();
            }
        }

        @Actor
        public void actor2() {
            lock.lock();
            try {
                x++;
            } finally {
                lock.unlock();
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = x;
            r.r2 = lock.isLocked() ? 1 : 0;
        }
    }

    /** A lock() blocked behind another holder is released when that holder unlocks. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The unlock handed the lock to the blocked lock().")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The acquirer stayed blocked after the unlock: a lost hand-off.")
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = "lock() or unlock() threw.")
    @State
    public static class LockReleasedByUnlock {
        final FairLock lock = new FairLock();
        final Holder holder = new Holder(lock);

        @Actor
        public void acquirer() {
            lock.lock();
            lock.unlock();
        }

        @Signal
        public void release() {
            holder.release();
        }
    }

    /** A lockInterruptibly() blocked behind another holder is released by an interrupt. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE,
            desc = "lockInterruptibly() threw InterruptedException with the status cleared.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The acquirer stayed blocked after the interrupt.")
    @Outcome(id = "ERROR", expect = FORBIDDEN,
            desc = "It acquired a lock that another thread held, or left the interrupt status set.")
    @State
    public static class LockInterruptiblyReleasedByInterrupt {
        final FairLock lock = new FairLock();
        final Holder holder = new Holder(lock);

        @Actor
        public void acquirer() {
            try {
                lock.lockInterruptibly();
                throw new IllegalStateException("acquired a lock held by another thread");
            } catch (InterruptedException expected) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("interrupt status not cleared");
                }
            } finally {
                holder.release();
            }
        }

        @Signal
        public void interrupter(Thread acquirer) {
            acquirer.interrupt();
        }
    }

    /**
     * A timed tryLock (1 us, so it gives up while the queue's head still spins) races the holder's
     * unlock, which hands the lock to it if it is queued; the holder holds the lock for a few spins so
     * that the timeout often expires near the unlock. Whichever wins, the hand-off is not lost: the
     * lock ends free with an empty queue.
     */
    @JCStressTest
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The timed tryLock acquired (at once or by hand-off).")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "The timed tryLock timed out and left the queue.")
    @Outcome(id = {"1, 0, 0", "0, 0, 0"}, expect = FORBIDDEN,
            desc = "The lock stayed held after both actors: a hand-off to a waiter that gave up was lost.")
    @Outcome(expect = FORBIDDEN, desc = "A node left in the queue, or anything else.")
    @State
    public static class TimedTryLockRacingHandOff {
        /** Spins the holder keeps the lock: about as long as the timed tryLock's timeout. */
        private static final int HOLD_SPINS = 64;
        final FairLock lock = new FairLock();

        @Actor
        public void holder() {
            lock.lock();
            for (int i = 0; i < HOLD_SPINS; i++) {
                Thread.onSpinWait();
            }
            lock.unlock();
        }

        @Actor
        public void timed(III_Result r) {
            try {
                if (lock.tryLock(1, TimeUnit.MICROSECONDS)) {
                    r.r1 = 1;
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.r1 = -1;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            if (lock.tryLock()) {
                r.r2 = 1;
                lock.unlock();
            }
            r.r3 = lock.getQueueLength();
        }
    }

    /** Holds a lock on a virtual thread of its own from construction until {@link #release()}. */
    static final class Holder {
        private final CountDownLatch released = new CountDownLatch(1);

        Holder(FairLock lock) {
            CountDownLatch held = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                lock.lock();
                try {
                    held.countDown();
                    awaitUninterruptibly(released);
                } finally {
                    lock.unlock();
                }
            });
            awaitUninterruptibly(held);
        }

        void release() {
            released.countDown();
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            boolean interrupted = false;
            while (true) {
                try {
                    latch.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

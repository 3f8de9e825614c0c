package dev.interlock.stress.sync;

import dev.interlock.lab.broken.CheckThenActRingBuffer;
import dev.interlock.sync.BoundedBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.ZZI_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link BoundedBuffer} under the real memory model: a hand-off publishes the element's plain fields;
 * two offers racing for the last slot cannot both win; a blocked take (and put) is released by the
 * other side or by an interrupt. The broken {@link CheckThenActRingBuffer} from the lab loses the
 * two-offers race.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t BoundedBufferStress -m quick}
 */
public final class BoundedBufferStress {

    private BoundedBufferStress() {
    }

    /** An element with plain (neither final nor volatile) fields, written before it is put. */
    public static final class Item {
        int a;
        int b;

        Item(int a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    /**
     * One actor puts an item built just before; the other takes it if it is there. {@code take} cannot
     * block: the taker is the only consumer and calls it only after seeing the buffer non-empty.
     */
    @JCStressTest
    @Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "The taker looked before the put: buffer empty, nothing taken.")
    @Outcome(id = "42, 43", expect = ACCEPTABLE, desc = "Taken, with both plain fields as the producer wrote them.")
    @Outcome(expect = FORBIDDEN,
            desc = "Taken with a field still 0: the hand-off published a half-built item (no happens-before).")
    @State
    public static class PutTakeHandOff {
        final BoundedBuffer<Item> buffer = new BoundedBuffer<>(1);

        @Actor
        public void producer() {
            try {
                buffer.put(new Item(42, 43)); // capacity 1, empty, one producer: never waits
            } catch (InterruptedException e) {
                throw new AssertionError("no one interrupts the producer", e);
            }
        }

        @Actor
        public void consumer(II_Result r) {
            if (buffer.isEmpty()) {
                r.r1 = -1;
                r.r2 = -1;
                return;
            }
            try {
                Item item = buffer.take();
                r.r1 = item.a;
                r.r2 = item.b;
            } catch (InterruptedException e) {
                throw new AssertionError("no one interrupts the consumer", e);
            }
        }
    }

    /**
     * What a one-slot buffer holds after a race, as one number: 10 x size + head (head 0 when there is
     * none). 11 = just the 1, 12 = just the 2, 0 = empty, 21 or 22 = two elements in one slot's worth.
     */
    static int contents(java.util.concurrent.BlockingQueue<Integer> buffer) {
        int size = buffer.size();
        Integer head = buffer.peek();
        return 10 * size + (head == null ? 0 : head);
    }

    /** Two offers race for the one slot of a capacity-1 buffer; the arbiter reads what it holds. */
    @JCStressTest
    @Outcome(id = "true, false, 11", expect = ACCEPTABLE, desc = "The first offer won; the buffer holds just its 1.")
    @Outcome(id = "false, true, 12", expect = ACCEPTABLE, desc = "The second offer won; the buffer holds just its 2.")
    @Outcome(expect = FORBIDDEN,
            desc = "Both offers succeeded (capacity exceeded or an element overwritten), neither did, or the "
                    + "buffer holds the loser's element (third value: 10 x size + head).")
    @State
    public static class TwoOffersOneSlot {
        final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);

        @Actor
        public void offer1(ZZI_Result r) {
            r.r1 = buffer.offer(1);
        }

        @Actor
        public void offer2(ZZI_Result r) {
            r.r2 = buffer.offer(2);
        }

        @Arbiter
        public void arbiter(ZZI_Result r) {
            r.r3 = contents(buffer);
        }
    }

    /**
     * The same race on the lab's broken ring with no lock: both producers may see the free slot and
     * both write it.
     */
    @JCStressTest
    @Outcome(id = "true, false, 11", expect = ACCEPTABLE, desc = "The first offer won alone.")
    @Outcome(id = "false, true, 12", expect = ACCEPTABLE, desc = "The second offer won alone.")
    @Outcome(id = {"true, true, 11", "true, true, 12"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Both offers saw the free slot and both succeeded; one element overwrote the other (lost) "
                    + "and one count update was lost too. The broken ring's check-then-act.")
    @Outcome(id = {"true, true, 21", "true, true, 22"}, expect = ACCEPTABLE_INTERESTING,
            desc = "Both succeeded, one element overwrote the other, and the count says 2: over capacity.")
    @Outcome(expect = ACCEPTABLE_INTERESTING, desc = "Another corruption of the unlocked ring.")
    @State
    public static class CheckThenActTwoOffersOneSlot {
        final CheckThenActRingBuffer<Integer> buffer = new CheckThenActRingBuffer<>(1);

        @Actor
        public void offer1(ZZI_Result r) {
            r.r1 = buffer.offer(1);
        }

        @Actor
        public void offer2(ZZI_Result r) {
            r.r2 = buffer.offer(2);
        }

        @Arbiter
        public void arbiter(ZZI_Result r) {
            r.r3 = contents(buffer);
        }
    }

    /** A take blocked on an empty buffer (or about to block) is released by a put. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The put woke the taker (or came before its take).")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The taker stayed blocked after the put: a lost signal.")
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = "The take threw, or returned something other than the item.")
    @State
    public static class TakeReleasedByPut {
        final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);

        @Actor
        public void taker() throws InterruptedException {
            if (buffer.take() != 7) {
                throw new IllegalStateException("took the wrong element");
            }
        }

        @Signal
        public void putter() throws InterruptedException {
            buffer.put(7);
        }
    }

    /** A take blocked on an empty buffer (or about to block) is released by an interrupt. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE,
            desc = "The take threw InterruptedException, with the status cleared, and the taker ended.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The taker stayed blocked after the interrupt.")
    @Outcome(id = "ERROR", expect = FORBIDDEN,
            desc = "The take returned an element from an empty buffer, or left the interrupt status set.")
    @State
    public static class TakeReleasedByInterrupt {
        final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);

        @Actor
        public void taker() {
            try {
                buffer.take();
                throw new IllegalStateException("took from an empty buffer");
            } catch (InterruptedException expected) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("interrupt status not cleared");
                }
            }
        }

        @Signal
        public void interrupter(Thread taker) {
            taker.interrupt();
        }
    }

    /** A put blocked on a full buffer (or about to block) is released by a take. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The take freed the slot and woke the putter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The putter stayed blocked after the take: a lost signal.")
    @Outcome(id = "ERROR", expect = FORBIDDEN, desc = "The put or the take threw.")
    @State
    public static class PutReleasedByTake {
        final BoundedBuffer<Integer> buffer = new BoundedBuffer<>(1);

        {
            buffer.add(1);
        }

        @Actor
        public void putter() throws InterruptedException {
            buffer.put(2);
        }

        @Signal
        public void taker() throws InterruptedException {
            if (buffer.take() != 1) {
                throw new IllegalStateException("took the wrong element");
            }
        }
    }
}

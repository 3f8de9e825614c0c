package dev.interlock.exec;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * What a {@link FixedThreadPool} does with a task when its queue is full: the four policies of
 * {@link java.util.concurrent.ThreadPoolExecutor}, under the same names, with two deliberate
 * differences (marked below).
 *
 * <p>A policy applies only while the pool is running. <b>Once the pool is shut down, every policy
 * rejects with {@link RejectedExecutionException}</b>: a task offered to a shut-down pool is never
 * run by the caller and never dropped in silence. ({@code ThreadPoolExecutor}'s caller-runs and
 * discard policies silently drop a task offered after shutdown; this is the first difference.)
 *
 * <p>Every application of a policy counts as one rejection in
 * {@link FixedThreadPool.Metrics#rejected()}: the refused task for {@link #ABORT}, {@link #CALLER_RUNS}
 * and {@link #DISCARD}, the dropped oldest task for {@link #DISCARD_OLDEST}; so does every
 * {@code RejectedExecutionException} for another reason (shutdown, or no worker thread because the
 * thread factory failed).
 */
public enum RejectionPolicy {

    /**
     * Throw {@link RejectedExecutionException} from {@code execute} (or {@code submit}); the task is
     * not queued and the pool is unchanged. The default.
     */
    ABORT,

    /**
     * Run the task in the thread that called {@code execute}, before {@code execute} returns: the
     * submitter slows down to the pool's pace (back-pressure). An exception the task throws propagates
     * out of {@code execute} to the caller; through {@code submit} it goes into the {@link Future} as
     * usual. The caller's run is not counted as completed and has no queue wait.
     */
    CALLER_RUNS,

    /**
     * Drop the new task silently. If the task is a {@link Future} (as every task made by
     * {@code submit} is), it is {@linkplain Future#cancel(boolean) cancelled}, so a thread waiting on
     * it gets a {@link java.util.concurrent.CancellationException} instead of waiting for ever
     * (second difference: {@code ThreadPoolExecutor} leaves it pending).
     */
    DISCARD,

    /**
     * Drop the oldest queued task, the one that would run next, and queue the new one in the freed
     * place. The dropped task never runs; if it is a {@link Future} it is cancelled, as for
     * {@link #DISCARD}. Each call drops at most one older task, even under contention. If the pool is
     * shut down at that very moment, the new task is rejected with
     * {@link RejectedExecutionException} after the oldest was dropped: both count as rejections.
     */
    DISCARD_OLDEST
}

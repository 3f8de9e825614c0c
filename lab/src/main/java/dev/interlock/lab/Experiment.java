package dev.interlock.lab;

import dev.interlock.lab.trace.Tracer;

/**
 * One lab experiment: the broken way, the measured failure, the fix, the measured result.
 *
 * <p>An experiment runs each of its variants with the given {@link Settings}, within a bounded time,
 * and returns a {@link Report} with one verdict per variant. A broken variant showing
 * {@link Verdict#BROKEN} or {@link Verdict#DEADLOCKED} is the expected outcome, not an error: an
 * experiment throws only when it could not run at all.
 *
 * <p>Implementations are stateless; {@link #run} may be called more than once, never concurrently.
 */
public interface Experiment {

    /** The name users type: lower-case words joined by hyphens, e.g. {@code race-counter}. */
    String name();

    /** One line: what the experiment shows. */
    String summary();

    /** What {@code --threads}, {@code --ops} and {@code --size} mean here, with their defaults. */
    String optionsHelp();

    /**
     * Runs every variant and reports.
     *
     * @param settings the user's options, with this experiment's defaults for what is not given
     * @param tracer   where to record thread interactions; {@link Tracer#OFF} unless {@code --trace}.
     *                 Recording never changes a verdict.
     * @throws InterruptedException if the lab itself is interrupted
     */
    Report run(Settings settings, Tracer tracer) throws InterruptedException;
}

package dev.interlock.lab.trace;

/**
 * Where an experiment records thread interactions for {@code --trace}: who acquired, blocked, released,
 * put, took or signalled what, in the order it happened.
 *
 * <p>The actor of every event is the calling thread (its name). Experiments call the tracer around
 * the component they exercise, never inside it: core classes know nothing of tracing, and a run
 * without {@code --trace} uses {@link #OFF}, which records nothing.
 *
 * <p>Implementations are thread-safe.
 */
public interface Tracer {

    /** Records nothing. */
    Tracer OFF = new Tracer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void send(String target, String action) {
        }

        @Override
        public void reply(String source, String action) {
        }

        @Override
        public void note(String state) {
        }

        @Override
        public void phase(String title) {
        }
    };

    /** Whether events are recorded; lets callers skip building messages. */
    boolean enabled();

    /** The calling thread acts on {@code target}: {@code T1->>lock: acquire}. */
    void send(String target, String action);

    /** {@code source} answers the calling thread: {@code buffer-->>C1: took 3}. */
    void reply(String source, String action);

    /** A state of the calling thread: {@code Note over T1: blocked (full)}. */
    void note(String state);

    /** Starts a titled section of the run, e.g. one variant; drawn as a shaded box. */
    void phase(String title);
}

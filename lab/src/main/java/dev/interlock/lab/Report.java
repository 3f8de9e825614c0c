package dev.interlock.lab;

import java.util.List;
import java.util.Objects;

/**
 * An experiment's result: its variants, and a few lines that say what they show.
 *
 * <p>{@code notes} are for people (the text table); the JSON carries the experiment name and the
 * variants, plus the trace when one was recorded.
 */
public record Report(String experiment, String setup, List<Variant> variants, List<String> notes) {

    public Report {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(setup, "setup");
        variants = List.copyOf(variants);
        notes = List.copyOf(notes);
    }
}

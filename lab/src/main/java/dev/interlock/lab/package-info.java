/**
 * The lab: a picocli command line ({@link dev.interlock.lab.LabMain}) over a set of
 * {@link dev.interlock.lab.Experiment}s, with text and JSON reports and Mermaid traces.
 *
 * <p>JSON shape, a public promise: one object per experiment,
 * {@code {"experiment": NAME, "variants": [{"name": ..., "verdict": ..., "metrics": {...}}]}}, plus
 * {@code "trace"} (Mermaid text) when {@code --trace} was given.
 */
package dev.interlock.lab;

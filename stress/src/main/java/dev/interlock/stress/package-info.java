/**
 * jcstress proofs, one sub-package per core package. Each test names its outcomes: FORBIDDEN for what
 * must never happen, ACCEPTABLE_INTERESTING for what a broken variant from the lab shows.
 *
 * <p>Run one: {@code java --enable-native-access=ALL-UNNAMED -jar stress/target/jcstress.jar -t Counter -m quick}.
 * {@code ./interlock test} runs them all in quick mode with one JVM configuration.
 */
package dev.interlock.stress;

/**
 * Deliberately broken variants, each named for how it breaks. They exist to be measured failing in
 * the lab and caught by the proofs; nothing outside the lab and its tests may use them, and core never
 * holds one.
 */
package dev.interlock.lab.broken;

/**
 * The lab's experiments, one class each, in the guide's order. Each runs the broken way and the fixes
 * side by side, measures what happened, and gives every variant a verdict.
 */
package dev.interlock.lab.experiments;

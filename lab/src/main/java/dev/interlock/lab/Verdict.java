package dev.interlock.lab;

/** What a variant's run showed. Part of the lab's JSON: names are stable. */
public enum Verdict {
    /** Every invariant the experiment checks held. */
    CORRECT,
    /** An invariant was violated: lost updates, money created, an item lost or delivered twice. */
    BROKEN,
    /** Threads blocked each other for good; the lab detected it and broke the cycle to finish. */
    DEADLOCKED,
    /** Threads stayed busy without progress for the time box. */
    LIVELOCKED,
    /** Some thread waited past the experiment's bound while others progressed. */
    STARVED,
    /** The run could not decide (for example, too short to show the effect). */
    INCONCLUSIVE
}

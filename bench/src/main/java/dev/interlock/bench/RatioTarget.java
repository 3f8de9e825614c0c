package dev.interlock.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A performance target, as a throughput ratio ours/peer measured in one run. Reported as met or missed
 * by {@code ./interlock bench}; never asserted by a test (timings are not behaviour).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(RatioTarget.List.class)
public @interface RatioTarget {
    /** The benchmark method (or {@code @Group} name) the target applies to. */
    String benchmark();

    /** Our implementation, a value of {@code impl}. */
    String ours();

    /** The peer, a value of {@code impl}. */
    String peer();

    /** The least acceptable ratio ours/peer. */
    double atLeast();

    /**
     * The other parameters of the rows the target applies to, written as the ratio report writes them
     * ({@code k=v} joined by commas, keys in alphabetical order), e.g. {@code "readPercent=90"}. Empty,
     * the default: every row of the benchmark.
     */
    String params() default "";

    /** Holder for repeated targets. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        RatioTarget[] value();
    }
}

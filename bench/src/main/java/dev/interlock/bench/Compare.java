package dev.interlock.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a benchmark class: which values of its {@code impl} parameter are Interlock's and which are peers.
 * The ratio report divides each of ours by each peer, measured in the same run and the same mode
 * (throughput: higher is better, so a ratio above 1 means ours is faster).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Compare {
    /** Implementations of ours. */
    String[] ours();

    /** The JDK's and libraries' implementations they are compared with. */
    String[] peers();
}

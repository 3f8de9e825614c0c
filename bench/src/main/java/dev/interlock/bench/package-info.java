/**
 * JMH benchmarks: every Interlock component beside its JDK and library peers, in the same run.
 *
 * <p>Convention: a benchmark class takes the implementation as {@code @Param("impl")}, lists which
 * values are ours and which are peers with {@link dev.interlock.bench.Compare}, and states its targets
 * with {@link dev.interlock.bench.RatioTarget}. {@link dev.interlock.bench.BenchMain} runs them and
 * prints ours/peer throughput ratios; {@code ./interlock bench [FILTER]} is the entry point.
 */
package dev.interlock.bench;

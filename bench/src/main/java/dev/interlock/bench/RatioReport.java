package dev.interlock.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one JMH run into ratios ours/peer, using each benchmark class's {@link Compare} and
 * {@link RatioTarget} annotations. Results without an {@code impl} parameter are skipped.
 *
 * <p>Stateless and thread-safe.
 */
public final class RatioReport {

    /**
     * One comparison.
     *
     * @param benchmark class simple name and method (or group), e.g. {@code CounterBench.increment2}
     * @param params    the other parameters, {@code k=v} joined by commas
     * @param ratio     ours' score / peer's score (throughput: above 1 is faster)
     * @param error     the ratio's error, from the two scores' 99.9% errors
     * @param target    the least acceptable ratio, or NaN when there is no target
     */
    public record Row(String benchmark, String params, String ours, String peer, double ratio, double error,
                      double target) {
    }

    private RatioReport() {
    }

    public static List<Row> rows(Collection<RunResult> results) {
        // benchmark -> other params -> impl -> result
        Map<String, Map<String, Map<String, Result<?>>>> byBenchmark = new LinkedHashMap<>();
        Map<String, Class<?>> classes = new LinkedHashMap<>();
        for (RunResult run : results) {
            BenchmarkParams params = run.getParams();
            String impl = params.getParam("impl");
            if (impl == null) {
                continue;
            }
            String full = params.getBenchmark();
            int dot = full.lastIndexOf('.');
            String className = full.substring(0, dot);
            String name = className.substring(className.lastIndexOf('.') + 1) + "." + full.substring(dot + 1);
            Map<String, String> others = new TreeMap<>();
            for (String key : params.getParamsKeys()) {
                if (!key.equals("impl")) {
                    others.put(key, params.getParam(key));
                }
            }
            String otherKey = others.toString().replaceAll("[{}]", "").replace(", ", ",");
            byBenchmark.computeIfAbsent(name, k -> new LinkedHashMap<>())
                    .computeIfAbsent(otherKey, k -> new LinkedHashMap<>())
                    .put(impl, run.getPrimaryResult());
            classes.putIfAbsent(name, load(className));
        }

        List<Row> rows = new ArrayList<>();
        byBenchmark.forEach((name, byParams) -> {
            Class<?> type = classes.get(name);
            Compare compare = type == null ? null : type.getAnnotation(Compare.class);
            if (compare == null) {
                return;
            }
            String method = name.substring(name.indexOf('.') + 1);
            byParams.forEach((params, byImpl) -> {
                for (String ours : compare.ours()) {
                    for (String peer : compare.peers()) {
                        Result<?> a = byImpl.get(ours);
                        Result<?> b = byImpl.get(peer);
                        if (a == null || b == null || b.getScore() == 0) {
                            continue;
                        }
                        double ratio = a.getScore() / b.getScore();
                        double error = ratio * Math.hypot(relative(a), relative(b));
                        rows.add(new Row(name, params, ours, peer, ratio, error,
                                target(type, method, params, ours, peer)));
                    }
                }
            });
        });
        return rows;
    }

    private static double relative(Result<?> r) {
        double e = r.getScoreError();
        return Double.isNaN(e) || r.getScore() == 0 ? 0 : e / r.getScore();
    }

    private static double target(Class<?> type, String method, String params, String ours, String peer) {
        return Arrays.stream(type.getAnnotationsByType(RatioTarget.class))
                .filter(t -> t.benchmark().equals(method) && t.ours().equals(ours) && t.peer().equals(peer)
                        && (t.params().isEmpty() || t.params().equals(params)))
                .mapToDouble(RatioTarget::atLeast)
                .findFirst()
                .orElse(Double.NaN);
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}

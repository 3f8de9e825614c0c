package dev.interlock.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.results.format.ResultFormatType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs the JMH comparisons and prints, per benchmark, each of ours divided by each peer.
 *
 * <p>Usage: {@code BenchMain [--smoke] [--out DIR] [FILTER]}. Honest settings by default (2 forks,
 * 3 warm-up and 5 measured iterations of 1 s); {@code --smoke} runs every benchmark once, briefly, to
 * prove it runs (its numbers mean nothing, and it prints no ratios). The JMH JSON is written to
 * {@code DIR/jmh-TIMESTAMP.json} (default {@code bench/results}).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean smoke = false;
        Path outDir = Path.of("bench", "results");
        String filter = "dev\\.interlock\\.bench\\..*";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--out" -> outDir = Path.of(args[++i]);
                default -> filter = args[i];
            }
        }
        Files.createDirectories(outDir);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path json = outDir.resolve((smoke ? "smoke-" : "jmh-") + stamp + ".json");

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(filter)
                .shouldFailOnError(true)
                .jvmArgsAppend("--sun-misc-unsafe-memory-access=allow")
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (smoke) {
            options.forks(1).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(100)).timeout(TimeValue.seconds(30));
        } else {
            options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .timeout(TimeValue.seconds(60));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            System.err.println("No benchmark matches '" + filter + "'.");
            System.exit(2);
        }
        System.out.println();
        System.out.println("JMH JSON: " + json);
        if (!smoke) {
            System.out.println();
            Ratios.print(results, System.out);
        }
    }

    /** Computes and prints ours/peer ratios from one run's results. */
    static final class Ratios {

        private Ratios() {
        }

        static void print(Collection<RunResult> results, PrintStream out) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"benchmark", "params", "ours", "peer", "ours/peer", "target", ""});
            for (RatioReport.Row r : RatioReport.rows(results)) {
                rows.add(new String[] {r.benchmark(), r.params(), r.ours(), r.peer(),
                        String.format(Locale.ROOT, "%.2f ± %.2f", r.ratio(), r.error()),
                        Double.isNaN(r.target()) ? "" : String.format(Locale.ROOT, ">= %.2f", r.target()),
                        Double.isNaN(r.target()) ? "" : r.ratio() >= r.target() ? "met" : "MISSED"});
            }
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    width[c] = Math.max(Math.max(1, width[c]), row[c].length()); // %-0s is illegal
                }
            }
            for (String[] row : rows) {
                var line = new StringBuilder("| ");
                for (int c = 0; c < row.length; c++) {
                    line.append(String.format("%-" + width[c] + "s", row[c])).append(" | ");
                }
                out.println(line.toString().stripTrailing());
                if (row == rows.get(0)) {
                    var rule = new StringBuilder("|");
                    for (int w : width) {
                        rule.append("-".repeat(w + 2)).append('|');
                    }
                    out.println(rule);
                }
            }
        }
    }
}

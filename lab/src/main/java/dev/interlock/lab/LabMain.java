package dev.interlock.lab;

import dev.interlock.lab.trace.Mermaid;
import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The lab's command line: {@code list}, {@code run}, {@code demo}; {@code test} and {@code bench} are
 * described here and carried out by the {@code ./interlock} launcher.
 *
 * <p>Exit codes: 0 when every experiment ran (whatever its verdicts), 1 when one could not run,
 * 2 for a usage error (unknown command, experiment or option).
 */
@Command(name = "interlock", mixinStandardHelpOptions = true, version = "Interlock 0.1.0-SNAPSHOT",
        description = "Concurrency patterns, proven and measured; a lab that makes races, deadlocks "
                + "and starvation visible.",
        subcommands = {LabMain.ListCommand.class, LabMain.RunCommand.class, LabMain.DemoCommand.class,
                LabMain.TestCommand.class, LabMain.BenchCommand.class, CommandLine.HelpCommand.class})
public final class LabMain implements Callable<Integer> {

    /** Exit code when an experiment could not run. */
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests drive it directly). */
    public static CommandLine commandLine() {
        return new CommandLine(new LabMain()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Options shared by {@code run} and {@code demo}. */
    static final class RunOptions {
        @Option(names = {"-t", "--threads"}, paramLabel = "N",
                description = "Worker threads (or producers); see 'list' for each experiment's meaning.")
        Integer threads;

        @Option(names = {"-n", "--ops"}, paramLabel = "N", description = "Operations or items per thread.")
        Integer ops;

        @Option(names = {"-s", "--size"}, paramLabel = "N",
                description = "A capacity: buffer slots, pool objects, accounts.")
        Integer size;

        @Option(names = "--time-box", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Longest a variant may run, e.g. 2s or 500ms (defaults per experiment).")
        Duration timeBox;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
                description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "Print one JSON object per experiment, one per line.")
        boolean json;

        @Option(names = "--trace",
                description = "Record a small run's thread interactions and print them as a Mermaid "
                        + "sequenceDiagram.")
        boolean trace;

        Settings settings(CommandSpec spec) {
            try {
                return new Settings(threads, ops, size, timeBox, seed, false);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the experiments, what each shows and what its options mean.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Experiment e : Experiments.all()) {
                out.printf("%-24s %s%n", e.name(), e.summary());
                out.printf("%-24s   options: %s%n", "", e.optionsHelp());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the named experiments (see 'list').")
    static final class RunCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Experiment names, as 'list' shows them.")
        List<String> names;

        @Mixin
        RunOptions options = new RunOptions();

        @Override
        public Integer call() throws InterruptedException {
            List<Experiment> chosen = new ArrayList<>();
            for (String name : names) {
                chosen.add(Experiments.named(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "Unknown experiment: '" + name + "' (try 'interlock list')")));
            }
            return runAll(chosen, options, spec);
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Run every experiment with its defaults (well under a minute in all).")
    static final class DemoCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RunOptions options = new RunOptions();

        @Override
        public Integer call() throws InterruptedException {
            long start = System.nanoTime();
            int code = runAll(Experiments.all(), options, spec);
            if (!options.json) {
                spec.commandLine().getOut().printf(Locale.ROOT, "%d experiments in %.1f s%n",
                        Experiments.all().size(), (System.nanoTime() - start) / 1e9);
                spec.commandLine().getOut().flush();
            }
            return code;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"The whole verification: unit, contract, conformance and Lincheck tests; the jcstress "
                    + "suite in quick mode with trimmed JVM configurations; a smoke run of every JMH benchmark.",
                    "Run by the ./interlock launcher, which drives Maven, jcstress and JMH."})
    static final class TestCommand extends LauncherOnly {
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = {"The JMH comparisons with honest settings (2 forks), a table of ratios ours/peer per "
                    + "benchmark, and the JMH JSON saved under bench/results/.",
                    "Run by the ./interlock launcher: ./interlock bench [FILTER] where FILTER is a JMH regex."})
    static final class BenchCommand extends LauncherOnly {
        @Parameters(arity = "0..1", paramLabel = "FILTER", description = "A JMH benchmark regex, e.g. Counter.")
        String filter;
    }

    /** Commands the shell launcher carries out; reached here only when the jar is run by hand. */
    abstract static class LauncherOnly implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("'" + spec.name() + "' runs from the ./interlock launcher at the "
                    + "repository root, not from the lab jar.");
            return 2;
        }
    }

    static int runAll(List<Experiment> experiments, RunOptions options, CommandSpec spec)
            throws InterruptedException {
        Settings settings = options.settings(spec);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int code = 0;
        for (Experiment e : experiments) {
            try {
                out.print(render(e, settings, options.json, options.trace));
            } catch (RuntimeException ex) {
                err.println(e.name() + ": could not run: " + ex);
                code = FAILED;
            }
            out.flush();
        }
        return code;
    }

    /** Runs one experiment and renders its report as text or as a JSON line. */
    static String render(Experiment e, Settings settings, boolean json, boolean trace) throws InterruptedException {
        TraceRecorder recorder = trace ? new TraceRecorder(TRACE_LIMIT, TRACE_PER_PHASE) : null;
        Tracer tracer = trace ? recorder : Tracer.OFF;
        Report report = e.run(settings.withTracing(trace), tracer);
        String diagram = trace ? Mermaid.sequenceDiagram(recorder.events(), recorder.dropped()) : null;
        if (json) {
            return Json.report(report, diagram) + "\n";
        }
        String text = TextReport.render(report, e.summary());
        if (diagram != null) {
            text += "\n   Trace of this run (Mermaid sequenceDiagram):\n\n```mermaid\n" + diagram + "```\n";
        }
        return text + "\n";
    }

    /** Most events a trace keeps: enough for a small run, few enough for a readable diagram. */
    static final int TRACE_LIMIT = 400;

    /** Most events a trace keeps per phase (variant), so a chatty broken variant cannot crowd out the rest. */
    static final int TRACE_PER_PHASE = 60;

    /** Parses 2s, 500ms, 1m or an ISO-8601 duration (PT2S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt")) {
                    return Duration.parse(value);
                } else if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (try 2s or 500ms)");
            }
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (try 2s or 500ms)");
        }
    }
}

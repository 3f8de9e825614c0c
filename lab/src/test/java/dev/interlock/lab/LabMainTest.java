package dev.interlock.lab;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's promises: commands, exit codes, JSON shape, traces. */
class LabMainTest {

    /** Output, error output and exit code of one invocation. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = LabMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("list", "run", "demo", "test", "bench");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : List.of("list", "run", "demo", "test", "bench")) {
            Run r = run(sub, "--help");
            assertThat(r.code()).as(sub).isZero();
            assertThat(r.out()).as(sub).startsWith("Usage: interlock " + sub);
        }
    }

    @Test
    void listNamesEveryExperiment() {
        Run r = run("list");
        assertThat(r.code()).isZero();
        Experiments.all().forEach(e -> assertThat(r.out()).contains(e.name()));
    }

    @Test
    void unknownExperimentIsAUsageError() {
        Run r = run("run", "no-such-experiment");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown experiment", "Usage:");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--bogus").code()).isEqualTo(2);
        assertThat(run("run", "race-counter", "--bogus").code()).isEqualTo(2);
        assertThat(run("no-such-command").code()).isEqualTo(2);
    }

    @Test
    void nonPositiveSizesAreUsageErrors() {
        Run r = run("run", "race-counter", "--threads", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("threads must be at least 1");
        assertThat(run("run", "race-counter", "--time-box", "soon").code()).isEqualTo(2);
    }

    @Test
    void launcherOnlyCommandsRefuseToRunFromTheJar() {
        assertThat(run("test").code()).isEqualTo(2);
        assertThat(run("bench").code()).isEqualTo(2);
    }

    @Test
    void jsonIsOneObjectPerExperimentWithThePromisedShape() {
        Run r = run("run", "race-counter", "--json", "-t", "2", "-n", "1000");
        assertThat(r.code()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonParser.parse(lines[0]);
        assertThat(json).containsOnlyKeys("experiment", "variants");
        assertThat(json.get("experiment")).isEqualTo("race-counter");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> variants = (List<Map<String, Object>>) json.get("variants");
        assertThat(variants).isNotEmpty();
        for (Map<String, Object> v : variants) {
            assertThat(v).containsOnlyKeys("name", "verdict", "metrics");
            assertThat(Verdict.valueOf((String) v.get("verdict"))).isNotNull();
            assertThat(v.get("metrics")).isInstanceOf(Map.class);
        }
    }

    @Test
    void traceAddsAMermaidSequenceDiagram() {
        Run text = run("run", "race-counter", "--trace");
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("```mermaid\nsequenceDiagram\n", "->>");

        Run json = run("run", "race-counter", "--trace", "--json");
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) JsonParser.parse(json.out().strip());
        assertThat(parsed).containsOnlyKeys("experiment", "variants", "trace");
        assertThat((String) parsed.get("trace")).startsWith("sequenceDiagram\n");
    }

    @Test
    void severalExperimentsGiveSeveralJsonLines() {
        Run r = run("run", "race-counter", "race-counter", "--json", "-t", "2", "-n", "100");
        assertThat(r.out().strip().split("\n")).hasSize(2);
    }
}

package dev.interlock.lab;

import dev.interlock.lab.trace.TraceRecorder;
import dev.interlock.lab.trace.Tracer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What every experiment promises: a stable name, a report for each variant, a trace that changes no verdict. */
class ExperimentsTest {

    /** Small enough to be quick, large enough that correct variants do real concurrent work. */
    private static final Settings SMALL = new Settings(2, 200, 4, null, 7L, false);

    @Test
    void namesAreUniqueLowerCaseWordsJoinedByHyphens() {
        Set<String> seen = new HashSet<>();
        for (Experiment e : Experiments.all()) {
            assertThat(e.name()).matches("[a-z]+(-[a-z]+)*");
            assertThat(seen.add(e.name())).as("duplicate " + e.name()).isTrue();
            assertThat(e.summary()).isNotBlank();
            assertThat(e.optionsHelp()).isNotBlank();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExperimentReportsEveryVariantAndTracingChangesNoVerdict() {
        return Experiments.all().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            Report plain = e.run(SMALL, Tracer.OFF);
            assertThat(plain.experiment()).isEqualTo(e.name());
            assertThat(plain.variants()).isNotEmpty();

            TraceRecorder recorder = new TraceRecorder(LabMain.TRACE_LIMIT, LabMain.TRACE_PER_PHASE);
            Report traced = e.run(SMALL.withTracing(true), recorder);
            assertThat(recorder.events()).as("a traced run records events").isNotEmpty();

            List<String> names = plain.variants().stream().map(Variant::name).toList();
            assertThat(traced.variants().stream().map(Variant::name).toList()).isEqualTo(names);
            for (int i = 0; i < names.size(); i++) {
                Variant v = plain.variants().get(i);
                if (!v.name().contains("(broken)")) {
                    assertThat(traced.variants().get(i).verdict()).as(v.name()).isEqualTo(v.verdict());
                    assertThat(v.verdict()).as(v.name() + " is one of the fixes").isEqualTo(Verdict.CORRECT);
                }
            }
        }));
    }
}

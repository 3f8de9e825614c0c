package dev.interlock.readme;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's code is real: the sample compiles (it is this package's class), runs, and is shown verbatim. */
class ReadmeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("core")
            ? Path.of("..") : Path.of(".");

    @Test
    void quickStartSampleRunsAndProcessesEveryItem() throws Exception {
        assertThat(QuickStartSample.run()).isEqualTo(100);
    }

    @Test
    void readmeShowsTheSampleVerbatim() throws Exception {
        String sample = Files.readString(ROOT.resolve("core/src/test/java/dev/interlock/readme/QuickStartSample.java"));
        String body = sample.substring(sample.indexOf("import "));
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("```java\n" + body + "```\n");
    }
}

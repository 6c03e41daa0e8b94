package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthesisRunTest {

    @Test
    void aBenchmarkDirectoryKeepsItsSynthesisConfigAndRefusesAChangedOne(@TempDir Path tmp) throws Exception {
        Path bench = BenchmarkTest.tinyConfig(tmp);
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThat(SynthesisRun.config(BenchmarkConfig.load(bench), out).prototypeArch()).isEqualTo("resnet");
        String written = Files.readString(out.resolve("synthesis.yaml"));
        // the same config again, and the same tree formatted otherwise: accepted, the file untouched
        assertThat(SynthesisRun.config(BenchmarkConfig.load(bench), out).prototypeArch()).isEqualTo("resnet");
        Files.writeString(out.resolve("synthesis.yaml"), written.replace("---\n", "") + "\n\n");
        SynthesisRun.config(BenchmarkConfig.load(bench), out);

        Path run = tmp.resolve("run.yaml");
        Files.writeString(run, Files.readString(run).replace("arch: resnet", "arch: plain"));
        assertThatThrownBy(() -> SynthesisRun.config(BenchmarkConfig.load(bench), out)).isInstanceOf(UserError.class)
                .hasMessageContaining(out.toString()).hasMessageContaining("another synthesis config")
                .hasMessageContaining("--out");
    }
}

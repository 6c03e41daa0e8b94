package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void versionIsTheBuildsOwn() {
        StringWriter out = new StringWriter();
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--version"))
                .isZero();
        assertThat(out.toString()).startsWith("gensynth " + System.getProperty("gensynth.expectedVersion"))
                .contains("DJL 0.27.0", "libtorch 2.1.1", "ONNX Runtime ", "cores", "kernels");
    }
}

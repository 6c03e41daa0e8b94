package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.engine.EngineCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {
    @Test
    void namesVersionsTheKernelsInForceEveryCheckedOpAndTheDatasets() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true));
        int code;
        try {
            code = Main.run("doctor");
        } finally {
            System.setOut(saved);
        }
        String text = out.toString();
        // the tests run on the setting the build chose, which passed: doctor says so and exits 0
        assertThat(code).isZero();
        assertThat(text).contains("software   gensynth ", "DJL 0.27.0", "libtorch 2.1.1", "ONNX Runtime ")
                .contains("kernels    " + EngineCheck.setting() + " in force")
                .contains("self-check of " + EngineCheck.setting(), "PASSED")
                .contains("conv 3x3 24->24", "depthwise 3x3 s2 45", "batchnorm 13", "upsample x2", "linear 45->13")
                .contains("datasets", "fashion-mnist");
        assertThat(text).doesNotContain("not the chosen one");
    }
}

package dev.gensynth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.benchmark.BenchmarkConfig;
import dev.gensynth.synthesis.SynthesisConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every config the repository ships (configs/, bench/) loads: a typo in one fails here, not hours into a run. */
class ShippedConfigsTest {
    @Test
    void everyShippedConfigLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> a = Files.list(Path.of("configs")); Stream<Path> b = Files.list(Path.of("bench"))) {
            files = Stream.concat(a, b).filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString())
                .contains("demo.yaml", "demo-segmentation.yaml", "demo-detection.yaml", "segmentation.yaml", "fashion-mnist.yaml");
        for (Path f : files) {
            if (Files.readString(f).lines().anyMatch(l -> l.startsWith("synthesis:"))) {
                assertThat(BenchmarkConfig.load(f)).as(f.toString()).isNotNull();
            } else {
                assertThat(SynthesisConfig.load(f)).as(f.toString()).isNotNull();
            }
        }
    }
}

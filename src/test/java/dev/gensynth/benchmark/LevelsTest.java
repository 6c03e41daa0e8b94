package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.requirements.Observation;
import dev.gensynth.synthesis.SynthesisConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelsTest {

    @Test
    void aLevelSpeaksOfTheRunsMetric(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("run.yaml");
        Files.writeString(f, "data: {dataset: fashion-mnist-seg}\nprototype: {arch: resunet}\n"
                + "requirements: {maxQualityDrop: 2, maxMacs: 50000000}\nutility: netscore\n"
                + "budget: {cycles: 1, candidates: 1, finetuneEpochs: 0.1}\n");
        Levels levels = new Levels(SynthesisConfig.load(f), 63.4, 63.6, 2.0);
        var verdict = levels.at(0.5, false).check(new Observation(62.7, 200_000, 80_000_000, Double.NaN, "validation"),
                63.4);
        assertThat(verdict.met()).isFalse();
        assertThat(String.join("; ", verdict.reasons())).contains("mIoU 62.70%").doesNotContain("top-1");
        assertThat(levels.at(0.5, false).maxMacs()).isEqualTo(50_000_000L);
    }
}

package dev.gensynth.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import dev.gensynth.data.Canvases;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.DetectionCanvases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthesisConfigTest {
    @TempDir
    Path tmp;

    private SynthesisConfig load(String data) throws Exception {
        Path f = tmp.resolve("run.yaml");
        Files.writeString(f, "data: " + data + "\nprototype: {arch: unet}\nrequirements: {maxQualityDrop: 1}\n"
                + "utility: netscore\nbudget: {cycles: 1, candidates: 1, finetuneEpochs: 0.1}\n");
        return SynthesisConfig.load(f);
    }

    @Test
    void groupBlameIsOffUnlessAsked() throws Exception {
        assertThat(load("{dataset: fashion-mnist-seg}").search().groupBlame()).isFalse();
        Path f = tmp.resolve("blame.yaml");
        Files.writeString(f, "data: {dataset: fashion-mnist-seg}\nprototype: {arch: unet}\n"
                + "requirements: {maxQualityDrop: 1}\nutility: netscore\n"
                + "budget: {cycles: 1, candidates: 1, finetuneEpochs: 0.1}\nsearch: {groupBlame: true}\n");
        assertThat(SynthesisConfig.load(f).search().groupBlame()).isTrue();
        Files.writeString(f, Files.readString(f).replace("groupBlame: true", "groupBlame: often"));
        assertThatThrownBy(() -> SynthesisConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("search.groupBlame");
    }

    @Test
    void groupImportanceIsReadAndBoundedToZeroToOne() throws Exception {
        assertThat(load("{dataset: fashion-mnist-seg}").search().groupImportance())
                .isEqualTo(SynthesisConfig.Search.DEFAULT_GROUP_IMPORTANCE);
        Path f = tmp.resolve("gi.yaml");
        String base = "data: {dataset: fashion-mnist-seg}\nprototype: {arch: unet}\n"
                + "requirements: {maxQualityDrop: 1}\nutility: netscore\n"
                + "budget: {cycles: 1, candidates: 1, finetuneEpochs: 0.1}\n";
        Files.writeString(f, base + "search: {groupImportance: 0}\n");
        assertThat(SynthesisConfig.load(f).search().units().groupImportance()).isZero();
        Files.writeString(f, base + "search: {groupImportance: 1.5}\n");
        assertThatThrownBy(() -> SynthesisConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("search.groupImportance").hasMessageContaining("1.5");
        Files.writeString(f, base + "search: {groupImportance: some}\n");
        assertThatThrownBy(() -> SynthesisConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("groupImportance").hasMessageContaining("must be a number");
    }

    @Test
    void levelRatiosDefaultToTheFinalGeneratorsAimAndMustFallWithPromiseSamplesToJudgeThem() throws Exception {
        assertThat(load("{dataset: fashion-mnist-seg}").search().levelRatios()).containsExactly(0.9);
        Path f = tmp.resolve("ratios.yaml");
        String base = "data: {dataset: fashion-mnist-seg}\nprototype: {arch: unet}\n"
                + "requirements: {maxQualityDrop: 1}\nutility: netscore\n"
                + "budget: {cycles: 1, candidates: 1, finetuneEpochs: 0.1}\n";
        Files.writeString(f, base + "search: {levelRatios: [0.9, 0.7, 0.5]}\n");
        assertThat(SynthesisConfig.load(f).search().levelRatios()).containsExactly(0.9, 0.7, 0.5);
        for (String bad : java.util.List.of("[0.9, 0.9]", "[0.7, 0.8]", "[1.2]", "[]", "[0.9, -0.5]", "0.9",
                "[0.9, half]", "{a: 0.9}")) {
            Files.writeString(f, base + "search: {levelRatios: " + bad + "}\n");
            assertThatThrownBy(() -> SynthesisConfig.load(f)).as(bad).isInstanceOf(UserError.class)
                    .hasMessageContaining("search.levelRatios must be shares of a parent's cost in (0, 1]");
        }
        Files.writeString(f, base + "search: {levelRatios: ~}\n");
        assertThat(SynthesisConfig.load(f).search().levelRatios()).containsExactly(0.9);
        Files.writeString(f, base + "search: {levelRatios: [0.9, 0.6], promiseSamples: 0}\n");
        assertThatThrownBy(() -> SynthesisConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("search.promiseSamples to 2 or more");
        // the generators handed over may hold their networks near their aim
        assertThat(load("{dataset: fashion-mnist-seg}").search().costWindow()).isZero();
        Files.writeString(f, base + "search: {costWindow: 0.1}\n");
        assertThat(SynthesisConfig.load(f).search().units().costWindow()).isEqualTo(0.1);
        for (String bad : java.util.List.of("1.0", "-0.1")) {
            Files.writeString(f, base + "search: {costWindow: " + bad + "}\n");
            assertThatThrownBy(() -> SynthesisConfig.load(f)).as(bad).isInstanceOf(UserError.class)
                    .hasMessageContaining("search.costWindow must be in [0, 1)");
        }
        Files.writeString(f, base + "search: {costWindow: tight}\n");
        assertThatThrownBy(() -> SynthesisConfig.load(f)).isInstanceOf(UserError.class)
                .hasMessageContaining("costWindow").hasMessageContaining("must be a number");
    }

    @Test
    void composedCanvasesTakeTheGivenFieldsAndTheDefaultRecipeForTheRest() throws Exception {
        assertThat(load("{dataset: fashion-mnist-seg}").data().canvases()).isNull();
        Canvases.Recipe r = load("{dataset: fashion-mnist-seg, canvases: {size: 32, maxItems: 2, train: 600, "
                + "test: 100}}").data().canvases();
        Canvases.Recipe d = Canvases.Recipe.DEFAULT;
        assertThat(r).isEqualTo(new Canvases.Recipe(32, d.minItems(), 2, d.maxOverlap(), d.threshold(), 600, 100));
    }

    @Test
    void aComposedDetectionSetTakesItsOwnRecipeWithTheItemScales() throws Exception {
        assertThat(load("{dataset: fashion-mnist-det}").data().detectionCanvases()).isNull();
        for (String[] c : new String[][] {{"fashion-mnist-det", "centernet_resnet"}, {"fashion-mnist-seg", "unet"},
                {"fashion-mnist", "resnet"}}) {
            java.nio.file.Path f = tmp.resolve(c[0] + ".yaml");
            Files.writeString(f, "data: {dataset: " + c[0] + "}\nrequirements: {maxQualityDrop: 1}\n");
            assertThat(SynthesisConfig.load(f).prototypeArch()).as("no prototype given: the task's").isEqualTo(c[1]);
        }
        DataSource s = load("{dataset: fashion-mnist-det, canvases: {size: 56, maxScale: 1.5, train: 300, test: 50}}")
                .data();
        DetectionCanvases.Recipe d = DetectionCanvases.Recipe.DEFAULT;
        assertThat(s.canvases()).isNull();
        assertThat(s.task()).isEqualTo("detection");
        assertThat(s.detectionCanvases()).isEqualTo(new DetectionCanvases.Recipe(56, d.minItems(), d.maxItems(),
                d.minScale(), 1.5, d.maxOverlap(), d.threshold(), 300, 50));
        assertThatThrownBy(() -> load("{dataset: mnist-seg, canvases: {maxScale: 1.5}}")).isInstanceOf(UserError.class)
                .hasMessageContaining("data.canvases.maxScale");
        java.nio.file.Path cfg = tmp.resolve("det-distill.yaml");
        Files.writeString(cfg, "name: d\ndata: {dataset: fashion-mnist-det}\nrequirements: {maxQualityDrop: 1}\n"
                + "distill: {weight: 0.5}\n");
        assertThat(SynthesisConfig.load(cfg).distill()).isNotNull(); // the prototype teaches detectors too
    }

    @Test
    void canvasesOutsideTheirRulesOrOnDataThatIsNotComposedAreRefusedByName() {
        assertThatThrownBy(() -> load("{dataset: fashion-mnist, canvases: {size: 32}}")).isInstanceOf(UserError.class)
                .hasMessageContaining("data.canvases").hasMessageContaining("'fashion-mnist' is not composed");
        assertThatThrownBy(() -> load("{dataset: mnist-seg, canvases: {side: 32}}")).isInstanceOf(UserError.class)
                .hasMessageContaining("data.canvases.side");
        assertThatThrownBy(() -> load("{dataset: mnist-seg, canvases: {train: 10.5}}")).isInstanceOf(UserError.class)
                .hasMessageContaining("'train' must be a whole number");
        assertThatThrownBy(() -> load("{dataset: mnist-seg, canvases: {size: 20}}")).isInstanceOf(UserError.class)
                .hasMessageContaining("data.canvases: size must be at least 28");
    }
}

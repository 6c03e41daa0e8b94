package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A segmenter through the real command line, on the real VOC sample of Debian's labelme-examples. */
class SegmentationCliTest {
    static final Path LABELME = Path.of("/usr/share/doc/labelme-examples/examples/semantic_segmentation/"
            + "data_dataset_voc");

    @TempDir
    Path tmp;

    /** The sample's three photos, four times each under other names: enough to split off validation and test. */
    Path voc() throws Exception {
        return voc(4);
    }

    /** The sample's three photos, {@code copies} times each under other names. */
    Path voc(int copies) throws Exception {
        assertThat(LABELME).as("labelme-examples is installed (bin/setup installs it)").isDirectory();
        Path root = tmp.resolve("voc");
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("SegmentationClassPNG"));
        for (String n : List.of("2011_000003", "2011_000006", "2011_000025")) {
            for (int copy = 0; copy < copies; copy++) {
                Files.copy(LABELME.resolve("JPEGImages").resolve(n + ".jpg"),
                        root.resolve("JPEGImages").resolve(copy + "_" + n + ".jpg"));
                Files.copy(LABELME.resolve("SegmentationClassPNG").resolve(n + ".png"),
                        root.resolve("SegmentationClassPNG").resolve(copy + "_" + n + ".png"));
            }
        }
        Files.copy(LABELME.resolve("class_names.txt"), root.resolve("class_names.txt"));
        return root;
    }

    @Test
    void aSegmenterTrainsOnVocAndItsOnnxExportAgreesOnEveryPixel() throws Exception {
        Path model = tmp.resolve("model");
        CliErrorsTest.Result r = CliErrorsTest.run("train", "--dataset", "voc", "--data", voc().toString(),
                "--image-size", "3x32x32", "--epochs", "2", "--batch-size", "4", "--validation-fraction", "0.25",
                "--latency-runs", "5", "--out", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = new ObjectMapper().readTree(model.resolve("metrics.json").toFile());
        assertThat(m.path("network").asText()).isEqualTo("unet");
        assertThat(m.path("meanIoU").isNumber()).isTrue();
        assertThat(m.path("pixelAccuracy").asDouble()).isBetween(0.0, 100.0);
        assertThat(m.has("top1")).isFalse();
        CliErrorsTest.Result e = CliErrorsTest.run("export", "--model", model.toString(), "--out",
                tmp.resolve("unet.onnx").toString(), "--samples", "3");
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(tmp.resolve("unet.onnx")).isRegularFile();
    }

    /**
     * Synthesis on a segmentation run, through the command line: a U-Net prototype (whose encoder now narrows
     * through its skips), candidates judged in mIoU, and networks generated from the run.
     */
    @Test
    void aSegmentationRunSynthesisesAndGenerates() throws Exception {
        Path cfg = tmp.resolve("seg.yaml");
        Files.writeString(cfg, """
                name: seg
                seed: 4
                data: {dataset: voc, dir: %s, validationFraction: 0.25, imageSize: 3x32x32}
                prototype: {arch: unet, width: 0.5}
                prototypeTraining: {epochs: 2, batchSize: 4, learningRate: 0.05}
                requirements: {maxQualityDrop: 60}
                budget: {cycles: 1, candidates: 2, finetuneEpochs: 1, patience: 2}
                finetune: {batchSize: 4}
                search: {stimuli: 4, initialPush: 0.6}
                generate: {epochs: 1, batchSize: 4}
                """.formatted(voc(30)));
        Path run = tmp.resolve("run");
        CliRuns.synthesizeGenerateEvaluate(cfg, run, tmp.resolve("gen"), "meanIoU");
        JsonNode proto = new ObjectMapper().readTree(run.resolve("prototype/prototype.json").toFile());
        assertThat(proto.path("validationQuality").asDouble()).isBetween(0.0, 100.0);
        CliErrorsTest.Result rep = CliErrorsTest.run("report", "--run", run.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(Files.readString(run.resolve("report.html"))).contains("mIoU")
                .contains("Segmentations of the first test images", "alt=\"the first test images, their true masks");
    }
}

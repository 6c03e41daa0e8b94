package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detection run through the real command line, on small canvases composed from the installed Fashion-MNIST:
 * a CenterNet prototype, candidates judged in mAP50, networks generated, evaluated, inspected and exported.
 */
class DetectionCliTest {
    static final Path LABELME_VOC = Path.of("/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc");

    @TempDir
    Path tmp;

    /** The real VOC detection sample of labelme-examples (3 photos, 9 boxes), four times under other names. */
    Path voc() throws Exception {
        assertThat(LABELME_VOC).as("labelme-examples is installed (bin/setup installs it)").isDirectory();
        Path root = tmp.resolve("voc");
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("Annotations"));
        for (String n : List.of("2011_000003", "2011_000006", "2011_000025")) {
            for (int copy = 0; copy < 4; copy++) {
                String other = copy + "_" + n;
                Files.copy(LABELME_VOC.resolve("JPEGImages").resolve(n + ".jpg"),
                        root.resolve("JPEGImages").resolve(other + ".jpg"));
                Files.writeString(root.resolve("Annotations").resolve(other + ".xml"),
                        Files.readString(LABELME_VOC.resolve("Annotations").resolve(n + ".xml")).replace(n, other));
            }
        }
        Files.copy(LABELME_VOC.resolve("class_names.txt"), root.resolve("class_names.txt"));
        return root;
    }

    @Test
    void aDetectorTrainsAFewStepsOnVocAndItsOnnxExportFindsTheSameBoxes() throws Exception {
        Path model = tmp.resolve("model");
        CliErrorsTest.Result r = CliErrorsTest.run("train", "--dataset", "voc-det", "--data", voc().toString(),
                "--image-size", "3x64x64", "--epochs", "2", "--batch-size", "4", "--lr", "0.01", "--validation-fraction", "0.25",
                "--latency-runs", "5", "--out", model.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = new ObjectMapper().readTree(model.resolve("metrics.json").toFile());
        assertThat(m.path("network").asText()).isEqualTo("centernet_resnet");
        assertThat(m.path("map50").asDouble(-1)).isBetween(0.0, 100.0);
        CliErrorsTest.Result e = CliErrorsTest.run("export", "--model", model.toString(), "--out",
                tmp.resolve("voc.onnx").toString(), "--samples", "3");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode card = new ObjectMapper().readTree(tmp.resolve("voc.card.json").toFile());
        assertThat(card.path("verification").path("detectionAgreement").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aDetectionRunSynthesisesGeneratesAndExports() throws Exception {
        Path cfg = tmp.resolve("det.yaml");
        Files.writeString(cfg, """
                name: det
                seed: 4
                data:
                  dataset: fashion-mnist-det
                  canvases: {size: 48, minItems: 1, maxItems: 2, maxScale: 1.5, train: 240, test: 24}
                prototype: {arch: centernet_resnet, width: 0.25}
                prototypeTraining: {epochs: 1, batchSize: 16, optimizer: adam, learningRate: 0.003, weightDecay: 0}
                requirements: {maxQualityDrop: 60}
                budget: {cycles: 1, candidates: 2, finetuneEpochs: 0.5, patience: 2}
                finetune: {batchSize: 16, optimizer: adam, learningRate: 0.001, weightDecay: 0}
                search: {stimuli: 4, initialPush: 0.6}
                generate: {epochs: 0.5, batchSize: 16, optimizer: adam, learningRate: 0.001, weightDecay: 0}
                """);
        Path run = tmp.resolve("run");
        Path first = CliRuns.synthesizeGenerateEvaluate(cfg, run, tmp.resolve("gen"), "map50");
        ObjectMapper json = new ObjectMapper();
        JsonNode protoMetrics = json.readTree(run.resolve("prototype/metrics.json").toFile());
        assertThat(protoMetrics.path("map50").asDouble(-1)).isBetween(0.0, 100.0);
        assertThat(protoMetrics.path("cocoAp").asDouble(-1)).isBetween(0.0, 100.0);
        assertThat(protoMetrics.has("top1")).isFalse();
        assertThat(Files.readAllLines(run.resolve("candidates.csv")).get(0)).contains(",map50_validation,");
        CliErrorsTest.Result ex = CliErrorsTest.run("export", "--model", first.toString(), "--out",
                tmp.resolve("det.onnx").toString(), "--samples", "4");
        assertThat(ex.code()).as(ex.err()).isZero();
        JsonNode card = json.readTree(tmp.resolve("det.card.json").toFile());
        assertThat(card.path("outputs").findValuesAsText("name")).containsExactly("heatmap", "size", "offset");
        // what a user of the file needs to read boxes from the maps, and what they scored
        assertThat(card.path("decoding").path("stride").asInt()).isEqualTo(4);
        assertThat(card.path("decoding").path("topK").asInt()).isEqualTo(100);
        assertThat(card.path("map50").asDouble(-1)).isBetween(0.0, 100.0);
        assertThat(card.path("cocoAp").asDouble(-1)).isBetween(0.0, 100.0);
        assertThat(card.path("verification").path("passed").asBoolean()).isTrue();
        assertThat(card.path("verification").path("detectionAgreement").asDouble()).isEqualTo(1.0);
        CliErrorsTest.Result rep = CliErrorsTest.run("report", "--run", run.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(Files.readString(run.resolve("report.html"))).contains("mAP50")
                .contains("Detections in the first test images", "alt=\"the first test images with their true boxes");
    }
}

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
        assertThat(LABELME).as("labelme-examples is installed (bin/setup installs it)").isDirectory();
        Path root = tmp.resolve("voc");
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("SegmentationClassPNG"));
        for (String n : List.of("2011_000003", "2011_000006", "2011_000025")) {
            for (int copy = 0; copy < 4; copy++) {
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
}

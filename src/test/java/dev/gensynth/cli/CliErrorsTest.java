package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real command line: each gets exit code 2 and one clear paragraph that
 * names the culprit, and never a stack trace.
 */
class CliErrorsTest {
    @TempDir
    Path tmp;

    record Result(int code, String err) {
    }

    static Result run(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
        return new Result(code, err.toString());
    }

    static void assertUserError(Result r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").doesNotContain("\tat ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    Path spec(String name, String yaml) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    static final String HEAD = "name: t\ninput: {channels: 1, height: 8, width: 8}\nlayers:\n";

    @Test
    void detectionDataThatIsMissingIsNamed() throws Exception {
        assertUserError(run("train", "--dataset", "voc-det"), "'voc-det' needs a directory", "Annotations/");
        assertUserError(run("train", "--dataset", "voc-det", "--data", tmp.toString()), tmp.toString(),
                "has no Annotations/ folder");
        assertUserError(run("train", "--dataset", "coco", "--data", tmp.resolve("absent.json").toString()),
                "absent.json");
        assertUserError(run("train", "--dataset", "coco"), "'coco' needs its annotations");
    }

    @Test
    void anUnknownDatasetToDownloadIsNamedWithTheOnesThatAre() {
        assertUserError(run("download", "imagenet", "--dir", tmp.toString()), "unknown dataset 'imagenet'",
                "mnist, fashion-mnist, cifar10");
    }

    @Test
    void malformedYamlAndJson() throws Exception {
        assertUserError(run("inspect", spec("bad.yaml", HEAD + "  - {name: c, kind: conv\n").toString()),
                "bad.yaml", "not valid YAML", "line");
        assertUserError(run("inspect", spec("bad.json", "{\"name\": \"x\", \"layers\": [}").toString()),
                "bad.json", "not valid JSON");
    }

    @Test
    void unknownLayerKind() throws Exception {
        assertUserError(run("inspect", spec("k.yaml", HEAD + "  - {name: c, kind: convolution, out: 4}\n").toString()),
                "layer 'c'", "unknown layer kind 'convolution'", "known kinds are");
    }

    @Test
    void unknownInputReference() throws Exception {
        assertUserError(run("inspect", spec("r.yaml", HEAD + "  - {name: c, kind: conv, out: 4, kernel: 3}\n"
                + "  - {name: a, kind: add, inputs: [c, cc]}\n").toString()), "layer 'a'", "unknown input reference 'cc'");
    }

    @Test
    void shapeMismatchAtAdd() throws Exception {
        assertUserError(run("inspect", spec("m.yaml", HEAD + "  - {name: c, kind: conv, out: 4, kernel: 3, padding: 1}\n"
                + "  - {name: d, kind: conv, out: 6, kernel: 3, padding: 1}\n"
                + "  - {name: a, kind: add, inputs: [c, d]}\n").toString()), "layer 'a' (add)", "shape mismatch",
                "4x8x8", "6x8x8");
    }

    @Test
    void channelsNotDivisibleByGroups() throws Exception {
        assertUserError(run("inspect", spec("g.yaml", HEAD + "  - {name: c, kind: conv, out: 6, kernel: 3}\n"
                + "  - {name: g, kind: conv, out: 8, kernel: 1, groups: 4}\n").toString()), "layer 'g' (conv)",
                "not divisible by groups (4)");
    }

    @Test
    void missingDataDirectory() {
        assertUserError(run("train", "--dataset", "mnist", "--data", tmp.resolve("nope").toString(), "--out",
                tmp.resolve("m").toString()), tmp.resolve("nope").toString());
    }

    @Test
    void truncatedIdxFile() throws Exception {
        Path data = TinyData.write(tmp.resolve("d"), 20, 10, 1);
        Path f = data.resolve("train-images-idx3-ubyte.gz");
        byte[] raw = new java.util.zip.GZIPInputStream(Files.newInputStream(f)).readAllBytes();
        Files.delete(f);
        Files.write(data.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(raw, raw.length - 500));
        assertUserError(run("train", "--dataset", "mnist", "--data", data.toString(), "--out",
                tmp.resolve("m").toString()), "train-images-idx3-ubyte", "truncated");
    }

    @Test
    void imageAndLabelCountsDisagree() throws Exception {
        Path a = TinyData.write(tmp.resolve("a"), 20, 10, 1);
        Path b = TinyData.write(tmp.resolve("b"), 30, 10, 1);
        Files.copy(b.resolve("train-labels-idx1-ubyte.gz"), a.resolve("train-labels-idx1-ubyte.gz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertUserError(run("train", "--dataset", "mnist", "--data", a.toString(), "--out",
                tmp.resolve("m").toString()), "20", "30");
    }

    @Test
    void imageFolderWithNoImages() throws Exception {
        Files.createDirectories(tmp.resolve("imgs/cat"));
        Files.createDirectories(tmp.resolve("imgs/dog"));
        Files.writeString(tmp.resolve("imgs/cat/readme.txt"), "not an image");
        assertUserError(run("train", "--dataset", "folder", "--data", tmp.resolve("imgs").toString(), "--out",
                tmp.resolve("m").toString()), "imgs", "no PNG or JPEG");
    }

    @Test
    void weightsThatDoNotFitTheSpec() throws Exception {
        var a = SpecIO.parse(HEAD + "  - {name: c, kind: conv, out: 4, kernel: 3}\n", true, "a");
        var b = SpecIO.parse(HEAD + "  - {name: c, kind: conv, out: 5, kernel: 3}\n", true, "b");
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        SpecIO.write(a, dir.resolve("spec.json"));
        Weights.initial(b, 1).save(dir.resolve("weights.npz"));
        assertUserError(run("evaluate", "--model", dir.toString()), "weights.npz", "'c.weight'", "[5, 1, 3, 3]",
                "[4, 1, 3, 3]");
    }

    @Test
    void exportWithoutWeightsOrOverAnExistingFile() throws Exception {
        var a = SpecIO.parse(HEAD + "  - {name: c, kind: conv, out: 4, kernel: 3}\n", true, "a");
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        SpecIO.write(a, dir.resolve("spec.json"));
        assertUserError(run("export", "--model", dir.toString(), "--out", tmp.resolve("x.onnx").toString()),
                "no weights.npz");
        Weights.initial(a, 1).save(dir.resolve("weights.npz"));
        Files.writeString(tmp.resolve("x.onnx"), "keep me");
        assertUserError(run("export", "--model", dir.toString(), "--out", tmp.resolve("x.onnx").toString()),
                "x.onnx", "--force");
        assertThat(Files.readString(tmp.resolve("x.onnx"))).isEqualTo("keep me");
    }

    @Test
    void outputDirectoryIsNeverSilentlyOverwritten() throws Exception {
        Files.createDirectories(tmp.resolve("m"));
        Files.writeString(tmp.resolve("m/keep.txt"), "x");
        assertUserError(run("train", "--arch", "plain", "--out", tmp.resolve("m").toString()), "not empty",
                "--force");
        assertThat(tmp.resolve("m/keep.txt")).exists();
    }

    /** A small network for 28x28 tiny data, which a learning rate of 1e6 makes diverge in its first epoch. */
    static final String SMALL = """
            name: small
            input: {channels: 1, height: 28, width: 28}
            layers:
              - {name: c1, kind: conv, out: 4, kernel: 3, stride: 2, padding: 1}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu}
              - {name: gap, kind: global_avgpool}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 10}
            """;

    @Test
    void aDivergingTrainingStopsInItsFirstEpochWithWhatToTry() throws Exception {
        Path data = TinyData.write(tmp.resolve("d"), 160, 20, 1);
        Result r = run("train", "--dataset", "mnist", "--data", data.toString(), "--spec",
                spec("small.yaml", SMALL).toString(), "--epochs", "3", "--batch-size", "16", "--lr", "1e6", "--out",
                tmp.resolve("m").toString());
        assertUserError(r, "training of 'small' diverged at epoch 1 batch ", "Lower the learning rate (--lr, now 1000000.0)",
                "gensynth doctor");
        assertThat(tmp.resolve("m/weights.npz")).doesNotExist();
    }

    @Test
    void aDivergingPrototypeStopsTheSynthesisWithWhatToTry() throws Exception {
        TinyData.write(tmp.resolve("d"), 160, 20, 1);
        spec("small.yaml", SMALL);
        Path out = tmp.resolve("run");
        Result r = run("synthesize", "--config", runConfig("data: {dataset: mnist, dir: d}\n"
                + "prototype: {spec: small.yaml}\nprototypeTraining: {epochs: 3, batchSize: 16, learningRate: 1e6}\n"
                + "requirements: {maxTop1Drop: 1}\n").toString(), "--out", out.toString());
        assertUserError(r, "the prototype 'small' diverged at epoch 1 batch ",
                "prototypeTraining.learningRate, now 1000000.0", "gensynth doctor");
        assertThat(out.resolve("prototype/weights.npz")).doesNotExist();
    }

    Path runConfig(String body) throws Exception {
        return spec("run.yaml", body);
    }

    @Test
    void badSynthesisConfigsAreReportedBeforeAnyTraining() throws Exception {
        Path out = tmp.resolve("run");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1}\nutility: speed\n")
                .toString(), "--out", out.toString()), "unknown utility 'speed'");
        assertUserError(run("synthesize", "--config", runConfig("prototype: {arch: resnet9000}\n"
                + "requirements: {maxTop1Drop: 1}\n").toString(), "--out", out.toString()),
                "unknown prototype 'resnet9000'", "resnet");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1}\n"
                + "budget: {finetuneEpochs: -1}\n").toString(), "--out", out.toString()), "must not be negative");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1}\n"
                + "budget: {cycles: -3}\n").toString(), "--out", out.toString()), "budget.cycles");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1}\n"
                + "distill: {weight: 1.5}\n").toString(), "--out", out.toString()), "distill: weight", "1.5");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1}\n"
                + "distill: {teacher: big}\n").toString(), "--out", out.toString()), "distill.", "teacher");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxTop1Drop: 1, maxQualityDrop: 1}\n")
                .toString(), "--out", out.toString()), "maxQualityDrop or its older name maxTop1Drop, not both");
        assertUserError(run("synthesize", "--config", runConfig("data: {dataset: fashion-mnist-seg}\n"
                + "requirements: {maxQualityDrop: 1, metric: top-1}\n").toString(), "--out", out.toString()),
                "requirements.metric", "judged in mIoU");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxMacs: 1000}\n").toString(),
                "--out", out.toString()), "minQuality or maxQualityDrop, in top-1");
        // a misspelt field is named with its section and the fields allowed there
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxQualityDrop: 1}\n"
                + "budget: {cycle: 3}\n").toString(), "--out", out.toString()), "unknown field 'budget.cycle'",
                "allowed: ", "cycles");
        assertUserError(run("synthesize", "--config", runConfig("requirements: {maxQualityDrop: 1}\nbudget: 3\n")
                .toString(), "--out", out.toString()), "budget must be a mapping");
        assertUserError(run("benchmark", "--config", spec("bench.yaml", "synthesis: run.yaml\nlevels: [1.0]\n"
                + "noiseSeed: 3\n").toString(), "--out", out.toString()), "unknown field 'noiseSeed'", "noiseSeeds");
        assertThat(out).doesNotExist();
    }

    @Test
    void requirementsNoNetworkCouldMeetAreReportedBeforeTraining() throws Exception {
        Path data = TinyData.write(tmp.resolve("d"), 40, 10, 1);
        Path out = tmp.resolve("run");
        Result r = run("synthesize", "--config", runConfig("data: {dataset: mnist, dir: " + data + "}\n"
                + "requirements: {maxTop1Drop: 1, maxMacs: 1000}\n").toString(), "--out", out.toString());
        assertUserError(r, "maxMacs 1,000", "smallest network", "no network could meet");
        assertThat(out.resolve("prototype/weights.npz")).doesNotExist();
    }
}

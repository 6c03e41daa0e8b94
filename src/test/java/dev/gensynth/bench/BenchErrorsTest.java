package dev.gensynth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.testing.TinyData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench mains' own errors: exit code 2 and one line on stderr naming the tool, what is wrong and
 * what would fix it; never a stack trace. None of these cases gets as far as building a network.
 */
class BenchErrorsTest {
    @TempDir
    Path tmp;

    interface Main {
        int run(PrintStream err, String... args);
    }

    static String assertOneLineError(Main main, String tool, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = main.run(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        String err = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err).isEqualTo(2);
        assertThat(err.strip()).as("one line").doesNotContain("\n").startsWith(tool + ": ");
        assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
        return err;
    }

    @Test
    void kernelTimingBadArguments() {
        String out = tmp.resolve("k.json").toString();
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming", "--batches", "x", "--out", out))
                .contains("--batches needs a whole number >= 1, got 'x'", "usage: KernelTiming");
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming", "--warmup-batches")).contains(
                "--warmup-batches needs a value");
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming")).contains("--out FILE.json is missing");
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming", "--rounds", "3", "--out", out)).contains(
                "unknown option '--rounds'");
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming", "--arch", "resnett", "--out", out))
                .contains("unknown --arch 'resnett'", "resnet");
    }

    @Test
    void kernelTimingUnwritableOut() throws Exception {
        Files.writeString(tmp.resolve("file"), "not a directory");
        assertThat(assertOneLineError(KernelTiming::run, "KernelTiming", "--out",
                tmp.resolve("file/k.json").toString())).contains(tmp.resolve("file").toString());
    }

    @Test
    void latencyComparisonBadArgumentsAndMissingModel() {
        String out = tmp.resolve("l.md").toString();
        assertThat(assertOneLineError(LatencyComparison::run, "LatencyComparison", "--runs", "0", "--out", out))
                .contains("--runs needs a whole number >= 1, got '0'");
        assertThat(assertOneLineError(LatencyComparison::run, "LatencyComparison", "--arch", "vgg", "--out", out))
                .contains("unknown --arch 'vgg'");
        assertThat(assertOneLineError(LatencyComparison::run, "LatencyComparison", "--out", out,
                tmp.resolve("no-model").toString())).contains("model directory", "no-model");
        assertThat(tmp.resolve("l.md")).doesNotExist();
    }

    @Test
    void trainThroughputBadArgumentsAndNetworks() {
        String out = tmp.resolve("t.json").toString();
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnett", "--out", out))
                .contains("unknown network 'resnett'", "resnet", "generated");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--check-networks", "resnet",
                "mobilenet_v3")).contains("unknown network 'mobilenet_v3'");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--check-networks"))
                .contains("needs at least one network name");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--out", out))
                .contains("--network NAME is missing", "usage: TrainThroughput");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnet"))
                .contains("--out FILE.json is missing");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnet", "--eval-batches",
                "0", "--out", out)).contains("--eval-batches needs a whole number >= 1, got '0'");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnet", "--lr", "fast",
                "--out", out)).contains("--lr needs a number > 0, got 'fast'");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnet", "--rounds", "3",
                "--out", out)).contains("unknown option '--rounds'");
        assertThat(assertOneLineError(TrainThroughput::run, "TrainThroughput", "--network", "resnet", "--data",
                tmp.resolve("none").toString(), "--out", out)).contains("does not exist", "dataset-fashion-mnist");
        assertThat(tmp.resolve("t.json")).doesNotExist();
    }

    @Test
    void trainThroughputChecksNetworkNames() {
        assertThat(TrainThroughput.run(System.err, "--check-networks", "resnet generated", "plain")).isZero();
    }

    @Test
    void killDrillBadArgumentsAndMissingFiles() throws Exception {
        assertThat(assertOneLineError(KillDrill::run, "KillDrill")).contains("no command given", "usage: KillDrill");
        assertThat(assertOneLineError(KillDrill::run, "KillDrill", "subset", "--from", tmp.toString(), "--train",
                "10")).contains("subset needs --");
        assertThat(assertOneLineError(KillDrill::run, "KillDrill", "subset", "--from", tmp.resolve("none").toString(),
                "--train", "10", "--test", "5", "--out", tmp.resolve("o").toString())).contains("does not exist",
                        "dataset-fashion-mnist");
        Path data = TinyData.write(tmp.resolve("d"), 20, 10, 1);
        assertThat(assertOneLineError(KillDrill::run, "KillDrill", "subset", "--from", data.toString(), "--train",
                "30", "--test", "5", "--out", tmp.resolve("o").toString())).contains("has 20 records", "at most 20");
        assertThat(assertOneLineError(KillDrill::run, "KillDrill", "check", "--run", tmp.toString())).contains(
                "no progress.json");
    }

    @Test
    void killDrillSubset() throws Exception {
        Path data = TinyData.write(tmp.resolve("d"), 20, 10, 1);
        assertThat(KillDrill.run(System.err, "subset", "--from", data.toString(), "--train", "8", "--test", "4",
                "--out", tmp.resolve("o").toString())).isZero();
        assertThat(tmp.resolve("o/train-images-idx3-ubyte")).hasSize(16 + 8 * 784L);
        assertThat(tmp.resolve("o/t10k-labels-idx1-ubyte")).hasSize(8 + 4L);
    }
}

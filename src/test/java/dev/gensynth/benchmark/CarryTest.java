package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarryTest {

    private static Row row(String name) {
        return new Row(name, "width", "A", "x", 90, 91, null, null, 1000, 5000, 1, 1, null, 0.1, null, true, List.of(), 2, 3,
                "width/A/model", null);
    }

    @Test
    void carriesRowsAndSmallModelFilesButNeverWeightsAndRestoresOnlyWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path bench = tmp.resolve("bench");
        Path step = bench.resolve("width/A");
        Files.createDirectories(step.resolve("model"));
        Files.writeString(step.resolve("model/spec.json"), "{}");
        Files.writeString(step.resolve("model/metrics.json"), "{\"top1\": 90}");
        Files.writeString(step.resolve("model/weights.npz"), "big");
        Rows.write(step, row("Width-A"));
        Carry carry = new Carry(tmp.resolve("store"));
        carry.keep(bench, step);
        assertThat(tmp.resolve("store/width/A/row.json")).isRegularFile();
        assertThat(tmp.resolve("store/width/A/model/spec.json")).hasContent("{}");
        assertThat(tmp.resolve("store/width/A/model/weights.npz")).doesNotExist();

        Path fresh = tmp.resolve("fresh");
        assertThat(carry.restore(fresh)).isEqualTo(1);
        assertThat(Rows.read(fresh.resolve("width/A"))).isEqualTo(row("Width-A"));
        assertThat(fresh.resolve("width/A/model/metrics.json")).hasContent("{\"top1\": 90}");
        // a step the directory already has is its own, not overwritten
        Rows.write(fresh.resolve("width/A"), row("mine"));
        assertThat(carry.restore(fresh)).isZero();
        assertThat(Rows.read(fresh.resolve("width/A")).network()).isEqualTo("mine");
        assertThat(new Carry(tmp.resolve("nothing")).restore(fresh)).isZero();
    }

    @Test
    void aRunThatDoesNotReproduceTheCarriedOneStopsWithTheDifference(@TempDir Path tmp) {
        Carry carry = new Carry(tmp.resolve("store"));
        Carry.RunPrint made = new Carry.RunPrint("ab12", 91.5, 90.25, 12.5, Map.of("A", "cycle-002, 600 MACs, 5.0 epochs"),
                null);
        carry.checkRun(made); // the first time: recorded
        assertThat(tmp.resolve("store/run.json")).isRegularFile();
        carry.checkRun(made); // the same run again: fine
        Carry.RunPrint other = new Carry.RunPrint("cd34", 91.5, 90.2, 12.5, made.levels(), null);
        assertThatThrownBy(() -> carry.checkRun(other)).isInstanceOf(UserError.class)
                .hasMessageContaining("differs from the one the carried benchmark steps")
                .hasMessageContaining("cd34").hasMessageContaining("ab12").hasMessageContaining("move");
    }

    @Test
    void rowsCarriedFromBeforeTheTasksMetricWasNamedStillLoad(@TempDir Path tmp) throws Exception {
        Path step = tmp.resolve("references/mobilenet_v1");
        Files.createDirectories(step);
        Files.writeString(step.resolve("row.json"), "{\"network\":\"mobilenet_v1\",\"method\":\"reference\",\"level\":\"-\","
                + "\"source\":\"zoo\",\"top1\":93.24,\"top1Validation\":93.7,\"params\":205066,\"macs\":15530000,"
                + "\"informationDensity\":454.7,\"netScore\":80.1,\"met\":true,\"reasons\":[],\"trainEpochs\":10,"
                + "\"seconds\":1320}");
        Row r = Rows.read(step);
        assertThat(r.quality()).isEqualTo(93.24);
        assertThat(r.validationQuality()).isEqualTo(93.7);
        assertThat(r.pixelAccuracy()).isNull();
        assertThat(r.measured()).isTrue();
    }

    @Test
    void aPromiseKeptBesideTheRowsIsCarriedAndRestored(@TempDir Path tmp) throws Exception {
        Path bench = tmp.resolve("bench");
        Path promise = bench.resolve("fresh/promise.json");
        Files.createDirectories(promise.getParent());
        Files.writeString(promise, "{\"probability\": 0.97}");
        Carry carry = new Carry(tmp.resolve("store"));
        carry.keepFile(bench, promise);
        Path again = tmp.resolve("again");
        carry.restore(again);
        assertThat(again.resolve("fresh/promise.json")).hasContent("{\"probability\": 0.97}");
        assertThatThrownBy(() -> carry.keepFile(bench, bench.resolve("fresh/other.json")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPrototypeTrainedAgainMustBeTheCarriedRunsOne(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve("prototype"));
        Files.writeString(run.resolve("prototype/weights.npz"), "the weights");
        String digest = Carry.sha256(run.resolve("prototype/weights.npz"));
        Carry carry = new Carry(tmp.resolve("store"));
        Files.writeString(run.resolve("run.yaml"), "seed: 1\n");
        carry.checkRun(new Carry.RunPrint(digest, 91.5, 90.25, 12.5, Map.of(), null));
        // a print recorded before the config hash was gets it from the first run that reproduces it
        carry.checkRun(new Carry.RunPrint(digest, 91.5, 90.25, 12.5, Map.of(), Carry.configHash(run)));
        assertThat(carry.carriedRun().runConfigHash()).isEqualTo(Carry.configHash(run));
        carry.checkPrototype(run, new dev.gensynth.prototype.Prototype(null, null, 91.5, 90.25, 10, 60));
        assertThatThrownBy(() -> carry.checkPrototype(run, new dev.gensynth.prototype.Prototype(null, null, 91.5, 90.3,
                10, 60))).isInstanceOf(UserError.class).hasMessageContaining("90.3").hasMessageContaining("90.25")
                .hasMessageContaining("machine kind");
        Files.writeString(run.resolve("run.yaml"), "seed: 2\n");
        assertThatThrownBy(() -> carry.checkPrototype(run, new dev.gensynth.prototype.Prototype(null, null, 91.5, 90.25,
                10, 60))).isInstanceOf(UserError.class).hasMessageContaining("synthesis config");
        Files.writeString(run.resolve("run.yaml"), "seed: 1\n");
        Files.writeString(run.resolve("prototype/weights.npz"), "other weights");
        assertThatThrownBy(() -> carry.checkPrototype(run, new dev.gensynth.prototype.Prototype(null, null, 91.5, 90.25,
                10, 60))).isInstanceOf(UserError.class).hasMessageContaining(digest);
    }
}

package dev.gensynth.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.generator.Generator;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole loop on tiny data: runs, checkpoints, resumes after a crash, generates. */
class SynthesisTest {
    static final String PROTOTYPE = """
            name: tiny-res
            input: {channels: 1, height: 28, width: 28}
            layers:
              - {name: stem, kind: conv, out: 12, kernel: 3, stride: 2, padding: 1}
              - {name: stem_bn, kind: batchnorm}
              - {name: stem_relu, kind: relu}
              - {name: c1, kind: conv, out: 12, kernel: 3, padding: 1}
              - {name: c1_bn, kind: batchnorm}
              - {name: c1_relu, kind: relu}
              - {name: c2, kind: conv, out: 12, kernel: 3, padding: 1}
              - {name: c2_bn, kind: batchnorm}
              - {name: add, kind: add, inputs: [c2_bn, stem_relu]}
              - {name: relu, kind: relu}
              - {name: down, kind: conv, out: 16, kernel: 3, stride: 2, padding: 1}
              - {name: down_bn, kind: batchnorm}
              - {name: down_relu, kind: relu}
              - {name: gap, kind: global_avgpool}
              - {name: flat, kind: flatten}
              - {name: fc, kind: linear, out: 10}
            """;

    static Path config(Path tmp, int cycles, String extra) throws Exception {
        TinyData.write(tmp.resolve("data"), 400, 100, 3);
        Files.writeString(tmp.resolve("proto.yaml"), PROTOTYPE);
        Path cfg = tmp.resolve("run.yaml");
        Files.writeString(cfg, """
                name: tiny
                seed: 5
                data: {dataset: mnist, dir: data, validationFraction: 0.25}
                prototype: {spec: proto.yaml}
                prototypeTraining: {epochs: 3, batchSize: 32, learningRate: 0.05}
                requirements: {maxTop1Drop: 5.0}
                budget: {cycles: %d, candidates: 2, finetuneEpochs: 0.5, patience: 5}
                finetune: {batchSize: 32}
                search: {stimuli: 64, initialPush: 0.7}
                generate: {epochs: 1, batchSize: 32}
                %s
                """.formatted(cycles, extra));
        return cfg;
    }

    /** Simulates a crash right after the checkpoint of the given cycle. */
    static final class Crash extends RuntimeException {
    }

    @Test
    void runsResumesAfterACrashAndGenerates(@TempDir Path tmp) throws Exception {
        // the prototype teaches the candidates and the generated networks
        Path cfg = config(tmp, 2, "distill: {weight: 0.5, temperature: 3}");
        Path run = tmp.resolve("run");
        SynthesisListener crashAfterCycle1 = new SynthesisListener() {
            @Override
            public void onCycleEnd(RunDir.CycleSummary s) {
                if (s.cycle() == 1) {
                    throw new Crash();
                }
            }
        };
        assertThatThrownBy(() -> Synthesis.start(cfg, SynthesisConfig.load(cfg), run, false, crashAfterCycle1))
                .isInstanceOf(Crash.class);
        RunDir dir = new RunDir(run);
        assertThat(dir.progress().orElseThrow().cycles()).isEqualTo(1);
        assertThat(dir.progress().orElseThrow().done()).isFalse();
        String prototypeWeights = Files.readString(run.resolve("prototype/metrics.json"));
        // and, as if killed in the middle of cycle 2's checkpoint: best/ between its two renames, cycle 2's
        // state and cycle file written but not committed
        Files.move(run.resolve("best"), run.resolve("best.old"));
        Files.createDirectories(run.resolve("best.tmp"));
        try (var files = Files.list(run.resolve("best.old"))) {
            for (Path f : files.toList()) {
                Files.copy(f, run.resolve("best.tmp").resolve(f.getFileName()));
            }
        }
        Files.createDirectories(run.resolve("state-0099"));
        Files.copy(run.resolve("cycles/cycle-001.json"), run.resolve("cycles/cycle-002.json"));

        // a longer budget in the saved config: the resumed run goes on to cycle 3
        Files.writeString(run.resolve("run.yaml"), Files.readString(run.resolve("run.yaml")).replace("cycles: 2",
                "cycles: 3"));
        RunDir.Progress done = Synthesis.resume(run, SynthesisListener.SILENT);
        assertThat(done.done()).isTrue();
        assertThat(done.cycles()).isEqualTo(3);
        assertThat(dir.cycles()).extracting(RunDir.CycleSummary::cycle).containsExactly(1, 2, 3);
        assertThat(Files.readString(run.resolve("prototype/metrics.json"))).isEqualTo(prototypeWeights);
        List<String> csv = Files.readAllLines(run.resolve("candidates.csv"));
        assertThat(csv).hasSize(1 + 3 * 2);
        assertThat(run.resolve("best/weights.npz")).exists();
        try (var files = Files.list(run)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".old") || n.equals("state-0099"));
        }

        // the learned generator: deterministic, valid, saved and loaded from the run directory
        Generator g = new Generator(RunDir.loadGenerator(run.resolve("generator")), 2);
        assertThat(SpecIO.toJson(g.generate(new Seed(100)).spec()))
                .isEqualTo(SpecIO.toJson(new Generator(RunDir.loadGenerator(run.resolve("generator")), 2)
                        .generate(new Seed(100)).spec()));

        List<Generation.Generated> gen = Generation.run(run, Seed.parseList("100..101"), null, null, false, false,
                n -> dev.gensynth.train.TrainListener.SILENT);
        assertThat(gen).hasSize(2);
        for (Generation.Generated x : gen) {
            assertThat(x.metrics().top1()).isGreaterThan(40); // four classes: chance is 25 %
            assertThat(x.met() || !x.reasons().isEmpty()).isTrue();
            assertThat(x.modelDir().resolve("weights.npz")).exists();
        }
        assertThatThrownBy(() -> Synthesis.resume(run, SynthesisListener.SILENT))
                .hasMessageContaining("already finished");
    }
}

package dev.gensynth.synthesis;

import static dev.gensynth.report.RunReportTest.assertNoNotANumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Widths;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.model.ModelDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
    private static CandidateRecord drawn(int cycle, List<Integer> widths, List<String> changed) {
        return new CandidateRecord(cycle, 0, 1, "n", widths, 1, 1, 90, Double.NaN, true, List.of(), 1, 0.5, 1, false,
                changed, Double.NaN);
    }

    private static RunDir.CycleSummary cycle(int n, boolean improved, CandidateRecord... records) {
        return new RunDir.CycleSummary(n, 1, 1, 90, 0, records.length, 0.7, improved, 1, 1, List.of(records));
    }

    @Test
    void aResumedRunAvoidsTheDrawsJudgedSinceItsParentWasAdopted() {
        var before = drawn(1, List.of(8, 8), List.of());
        var adoptedWith = drawn(2, List.of(16, 8), List.of());
        var later = drawn(3, List.of(8, 8), List.of("b1_add"));
        var last = drawn(4, List.of(16, 8), List.of());
        var judged = Synthesis.judgedSinceParent(List.of(cycle(1, false, before), cycle(2, true, adoptedWith),
                cycle(3, false, later), cycle(4, false, last)));
        // cycle 2's candidates came from the parent before; the widths alone do not make a draw
        assertThat(judged).containsExactlyInAnyOrder(new dev.gensynth.inquisitor.Prober.Draw(List.of(8, 8),
                List.of("b1_add")), new dev.gensynth.inquisitor.Prober.Draw(List.of(16, 8), List.of()));
        assertThat(Synthesis.judgedSinceParent(List.of(cycle(1, false, before), cycle(2, true, adoptedWith))))
                .isEmpty();
    }

    private static long protoMacs(Path run) {
        return dev.gensynth.metrics.Cost.of(new dev.gensynth.model.ModelDir(run.resolve("prototype")).spec()).macs();
    }

    static final class Crash extends RuntimeException {
    }

    @Test
    void aRunKilledWhileHandingOverItsGeneratorsKeepsTheOnesAlreadyMade(@TempDir Path tmp) throws Exception {
        Path cfg = config(tmp, 1, "levels: [1.0, 50.0]");
        // each level's generator reaches below its parent while its networks keep the promise; B's floor, 50 points
        // below the prototype, every sample meets
        Files.writeString(cfg, Files.readString(cfg).replace("search: {stimuli: 64, initialPush: 0.7}",
                "search: {stimuli: 64, initialPush: 0.7, levelRatios: [0.9, 0.6], costWindow: 0.1}"));
        // killed once level A's generator is made, after the final one: both are kept, B is not made yet
        Path run = tmp.resolve("run");
        SynthesisListener killedAtLevelA = new SynthesisListener() {
            @Override
            public void onMessage(String message) {
                if (message.startsWith("level A (")) {
                    throw new Crash();
                }
            }
        };
        assertThatThrownBy(() -> Synthesis.start(cfg, SynthesisConfig.load(cfg), run, false, killedAtLevelA))
                .isInstanceOf(Crash.class);
        assertThat(run.resolve("handover/final/promise.json")).exists();
        assertThat(run.resolve("handover/levels/A/level.json")).exists();
        assertThat(run.resolve("handover/levels/B")).doesNotExist();
        List<String> said = new java.util.ArrayList<>();
        RunDir.Progress done = Synthesis.resume(run, new SynthesisListener() {
            @Override
            public void onMessage(String message) {
                said.add(message);
            }
        });
        assertThat(said).anyMatch(m -> m.startsWith("final generator, as made before the run was interrupted"))
                .anyMatch(m -> m.startsWith("level A: as made before the run was interrupted"))
                .anyMatch(m -> m.startsWith("level B (")).noneMatch(m -> m.startsWith("final generator: "));
        assertThat(run.resolve(Handover.DIR)).doesNotExist();

        // what an uninterrupted run of the same config hands over, to the byte, with the same sampling counted
        Path whole = tmp.resolve("whole");
        RunDir.Progress uninterrupted = Synthesis.start(cfg, SynthesisConfig.load(cfg), whole, false,
                SynthesisListener.SILENT);
        assertThat(done.sampledEpochs()).isPositive().isEqualTo(uninterrupted.sampledEpochs());
        for (String f : List.of("promise.json", "generator.json", "levels/A/promise.json", "levels/A/level.json",
                "levels/B/promise.json", "levels/B/generator.json")) {
            assertThat(run.resolve("generator").resolve(f)).as(f).hasSameTextualContentAs(
                    whole.resolve("generator").resolve(f));
        }
        LevelGenerators.Level a = LevelGenerators.read(whole, "A");
        assertThat(Generation.promise(whole, "A").ratio()).isEqualTo(a.ratio()).isIn(0.9, 0.6);
        LevelGenerators.Level b = LevelGenerators.read(whole, "B");
        var pb = Generation.promise(whole, "B");
        assertThat(b.ratio()).isEqualTo(pb.ratio()).isEqualTo(0.6);
        assertThat(b.triedRatios()).isEqualTo(2);
        assertThat(pb.probability()).isGreaterThanOrEqualTo(dev.gensynth.inquisitor.Promise.TARGET);
        // the generators handed over keep their cost window, so generate makes what the promise sampled
        dev.gensynth.generator.GeneratorState gb = RunDir.loadGenerator(LevelGenerators.folder(whole, "B"));
        assertThat(gb.costWindow()).isEqualTo(0.1);
        assertThat(gb.windowCentre()).isCloseTo(0.6 * b.macs(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(RunDir.loadGenerator(whole.resolve("generator")).costWindow()).isEqualTo(0.1);
        // fine-tuned more than at 0.9 (the generate recipe's 1 epoch): 0.6 is log2(1.5) halvings further
        assertThat(b.finetuneEpochs()).isCloseTo(Math.max(1, Math.log((double) protoMacs(whole) / b.macs())
                / Math.log(2)) + Math.log(1.5) / Math.log(2), org.assertj.core.data.Offset.offset(1e-9))
                .isGreaterThan(LevelGenerators.finetuneEpochs(SynthesisConfig.load(cfg), protoMacs(whole), b.macs(),
                        0.9));
        // the run's own generator states its final fine-tuning as a level's is stated: more for smaller networks
        SynthesisConfig sc = SynthesisConfig.load(cfg);
        long parentMacs = dev.gensynth.metrics.Cost.of(RunDir.loadGenerator(whole.resolve("generator")).parent()).macs();
        assertThat(Generation.finetuneEpochs(whole, sc)).isEqualTo(LevelGenerators.finetuneEpochs(sc, protoMacs(whole),
                parentMacs, 0.9)).isGreaterThanOrEqualTo(sc.generateFinetune().epochs());
        // a run resumed to search further makes its generators afresh: kept ones were for the search that ended
        Handover stale = new Handover(whole, 1, "abc");
        stale.keepFinal(new dev.gensynth.inquisitor.Inquisitor.Final(RunDir.loadGenerator(whole.resolve("generator")),
                null, 1.0));
        assertThat(new Handover(whole, 1, "abc").finalGenerator()).isNotNull();
        assertThat(new Handover(whole, 2, "abc").finalGenerator()).isNull();
    }

    @Test
    void runsResumesAfterACrashAndGenerates(@TempDir Path tmp) throws Exception {
        // the prototype teaches the candidates and the generated networks
        Path cfg = config(tmp, 2, "distill: {weight: 0.5, temperature: 3}\nlevels: [1.0, 5.0]");
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
        Provenance crashed = dir.progress().orElseThrow().provenance();
        assertNamesVersionsAndDate(crashed);
        assertThat(crashed.seed()).isEqualTo(5);
        assertThat(crashed.configHash()).isEqualTo(configHash(run));
        String prototypeWeights = Files.readString(run.resolve("prototype/metrics.json"));
        // the trained prototype says how it was made, in metrics.json and training.json alike
        ModelDir proto = new ModelDir(run.resolve("prototype"));
        assertNamesVersionsAndDate(proto.metrics().orElseThrow().provenance());
        assertNamesVersionsAndDate(TrainingRecord.load(proto.dir()).orElseThrow().provenance());
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
        assertThat(dir.progress().orElseThrow().provenance().configHash()).isEqualTo(configHash(run))
                .isNotEqualTo(crashed.configHash()); // the resumed run's config says cycles: 3
        assertThat(dir.cycles()).extracting(RunDir.CycleSummary::cycle).containsExactly(1, 2, 3);
        assertThat(Files.readString(run.resolve("prototype/metrics.json"))).isEqualTo(prototypeWeights);
        List<String> csv = Files.readAllLines(run.resolve("candidates.csv"));
        assertThat(csv).hasSize(1 + dir.cycles().stream().mapToInt(RunDir.CycleSummary::probed).sum());
        // no cut was judged twice from one parent, across the crash too (the parent itself may be trained further:
        // a candidate that keeps every channel of a parent its cycle's chosen candidate made)
        java.util.Set<dev.gensynth.inquisitor.Prober.Draw> sinceParent = new java.util.HashSet<>();
        List<Integer> parentWidths = List.of(12, 12, 16);
        for (RunDir.CycleSummary c : dir.cycles()) {
            for (CandidateRecord r : c.candidates()) {
                if (!(r.widths().equals(parentWidths) && r.changed().isEmpty())) {
                    assertThat(sinceParent.add(dev.gensynth.inquisitor.Prober.Draw.of(r))).as(r.toString()).isTrue();
                }
            }
            if (c.improved()) {
                sinceParent.clear();
                parentWidths = c.candidates().stream().filter(CandidateRecord::chosen).findFirst().orElseThrow()
                        .widths();
            }
        }
        assertThat(run.resolve("best/weights.npz")).exists();
        try (var files = Files.list(run)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".old") || n.equals("state-0099"));
        }

        // the learned generator: deterministic, valid, saved and loaded from the run directory
        Generator g = new Generator(RunDir.loadGenerator(run.resolve("generator")), new Widths(2, 8));
        assertThat(SpecIO.toJson(g.generate(new Seed(100)).spec()))
                .isEqualTo(SpecIO.toJson(new Generator(RunDir.loadGenerator(run.resolve("generator")), new Widths(2, 8))
                        .generate(new Seed(100)).spec()));

        // beside it, what it promises: from 3 networks of its own, fine-tuned as generate does, on validation
        dev.gensynth.inquisitor.Promise promise = Generation.promise(run);
        assertThat(promise).isNotNull();
        assertThat(promise.samples()).isEqualTo(3);
        // on validation images the search never selected on: 20 % of this run's 100 (a small split), per class
        assertThat(promise.images()).isBetween(18, 22);
        assertThat(promise.probability()).isBetween(0.0, 1.0);
        assertThat(promise.ratio()).isIn(0.9, 1.0, 0.8);

        List<Generation.Generated> gen = Generation.run(run, Seed.parseList("100..101"), null, null, false, false,
                n -> dev.gensynth.train.TrainListener.SILENT);
        assertThat(gen).hasSize(2);

        // a generator per requirement level, each from the best parent meeting it, with its own promise and final
        // fine-tuning budget (more epochs for a parent with fewer MACs, never fewer than the generate recipe's)
        for (String level : List.of("A", "B")) {
            LevelGenerators.Level lv = LevelGenerators.read(run, level);
            assertThat(lv.drop()).isEqualTo(level.equals("A") ? 1.0 : 5.0);
            assertThat(lv.finetuneEpochs()).isGreaterThanOrEqualTo(1.0);
            assertThat(Generation.promise(run, level)).isNotNull();
        }
        assertThat(LevelGenerators.read(run, "B").macs()).isLessThanOrEqualTo(LevelGenerators.read(run, "A").macs());
        if (LevelGenerators.read(run, "B").parent().equals(LevelGenerators.read(run, "A").parent())) {
            // levels from the same parent share its generator and samples, judged by each level's floor
            var pa = Generation.promise(run, "A");
            var pb = Generation.promise(run, "B");
            assertThat(pb.meanTop1()).isEqualTo(pa.meanTop1());
            assertThat(pb.samples()).isEqualTo(pa.samples());
            assertThat(pb.floor()).isLessThan(pa.floor());
            assertThat(pb.met()).isGreaterThanOrEqualTo(pa.met());
        }
        List<Generation.Generated> genB = Generation.run(run, "B", Seed.parseList("100"), 0.5, null, false, false,
                n -> dev.gensynth.train.TrainListener.SILENT);
        assertThat(genB).singleElement().satisfies(x -> assertThat(x.modelDir()).startsWith(run.resolve("generated-B")));
        assertThatThrownBy(() -> LevelGenerators.read(run, "C")).isInstanceOf(dev.gensynth.UserError.class)
                .hasMessageContaining("no generator for level 'C'");
        // judged on the test split against the prototype's test top-1 (maxTop1Drop 5), not its validation top-1
        double floor = Generation.prototypeMetrics(run).top1() - 5.0;
        for (Generation.Generated x : gen) {
            assertThat(x.metrics().top1()).isGreaterThan(40); // four classes: chance is 25 %
            assertThat(x.met()).isEqualTo(x.metrics().top1() >= floor);
            assertThat(x.reasons()).isEqualTo(x.met() ? List.of() : List.of(String.format(
                    "top-1 %.2f%% < %.2f%% required (prototype %.2f%% - 5.0)", x.metrics().top1(), floor,
                    Generation.prototypeMetrics(run).top1())));
            assertThat(x.modelDir().resolve("weights.npz")).exists();
            assertNamesVersionsAndDate(x.metrics().provenance());
            assertNamesVersionsAndDate(TrainingRecord.load(x.modelDir()).orElseThrow().provenance());
        }
        assertThatThrownBy(() -> Synthesis.resume(run, SynthesisListener.SILENT))
                .hasMessageContaining("already finished (cycle budget of 3 reached); to search further, raise the "
                        + "budget that ended it (budget.cycles,").hasMessageContaining(run.resolve("run.yaml").toString());
        assertThat(dir.cycles()).hasSize(3);
        double handedOver = dir.progress().orElseThrow().sampledEpochs();

        // a finished run whose budget is raised searches on from its last parent, judging nothing twice
        Files.writeString(run.resolve("run.yaml"), Files.readString(run.resolve("run.yaml")).replace("cycles: 3",
                "cycles: 4"));
        RunDir.Progress further = Synthesis.resume(run, SynthesisListener.SILENT);
        assertThat(further.done()).isTrue();
        assertThat(further.cycles()).isEqualTo(4);
        assertThat(further.finetuneEpochs()).isGreaterThanOrEqualTo(done.finetuneEpochs());
        assertThat(dir.cycles()).extracting(RunDir.CycleSummary::cycle).containsExactly(1, 2, 3, 4);
        // the first search's generators and networks are kept aside, and what its hand-over cost still counts
        assertThat(run.resolve("before-cycle-004/generator/generator.json")).isRegularFile();
        assertThat(run.resolve("before-cycle-004/generated/generated.json")).isRegularFile();
        assertThat(run.resolve("before-cycle-004/generated-B")).isDirectory();
        assertThat(run.resolve("generated")).doesNotExist();
        assertThat(run.resolve("generated-B")).doesNotExist();
        assertThat(run.resolve("generator/generator.json")).isRegularFile();
        assertThat(further.sampledEpochs()).isGreaterThanOrEqualTo(handedOver);
        // a budget raised that did not end it: refused after loading, naming the budget that ends it now
        Files.writeString(run.resolve("run.yaml"), Files.readString(run.resolve("run.yaml")).replace("patience: 5",
                "patience: 6"));
        assertThatThrownBy(() -> Synthesis.resume(run, SynthesisListener.SILENT))
                .hasMessageContaining("already finished (cycle budget of 4 reached)");
        assertThat(dir.cycles()).hasSize(4);
        assertThat(run.resolve("generator/generator.json")).isRegularFile();
    }

    static String configHash(Path run) throws Exception {
        return Provenance.current().forRun(5, Files.readString(run.resolve("run.yaml"))).configHash();
    }

    static void assertNamesVersionsAndDate(Provenance p) {
        assertThat(p).isNotNull();
        assertThat(p.gensynthVersion()).isEqualTo(System.getProperty("gensynth.expectedVersion"));
        assertThat(List.of(p.djlVersion(), p.libtorchVersion(), p.onnxRuntimeVersion(), p.jvm(), p.cpu(), p.kernels()))
                .allSatisfy(v -> assertThat(v).isNotBlank().isNotEqualTo("unknown"));
        assertThat(Instant.parse(p.date())).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    void candidatesWhoseFineTuningDivergesAreRejectedWithTheirReasonAndTheRunGoesOn(@TempDir Path tmp)
            throws Exception {
        Path cfg = config(tmp, 2, "");
        // a learning rate no network survives: every fine-tuning overflows to NaN or infinity
        Files.writeString(cfg, Files.readString(cfg).replace("finetune: {batchSize: 32}",
                "finetune: {batchSize: 32, learningRate: 1e6}").replace("generate: {epochs: 1, batchSize: 32}",
                "generate: {epochs: 1, batchSize: 32, learningRate: 1e6}"));
        Path run = tmp.resolve("run");
        RunDir.Progress done = Synthesis.start(cfg, SynthesisConfig.load(cfg), run, false, SynthesisListener.SILENT);

        assertThat(done.done()).isTrue();
        assertThat(done.cycles()).isEqualTo(2);
        RunDir dir = new RunDir(run);
        List<CandidateRecord> cands = dir.cycles().stream()
                .flatMap(c -> c.candidates().stream()).toList();
        // a cycle's second candidate is left out where every seed draws the first one's architecture again
        assertThat(dir.cycles()).allSatisfy(c -> assertThat(c.candidates()).isNotEmpty().hasSizeLessThanOrEqualTo(2));
        assertThat(cands).allSatisfy(c -> {
            assertThat(c.met()).isFalse();
            assertThat(c.measured()).isFalse();
            assertThat(c.reasons()).singleElement().asString()
                    .matches("diverged at epoch 1 batch \\d+: (loss|weight .* has) (NaN|-?Infinity)");
            assertThat(c.finetuneEpochs()).isPositive();
        });
        assertThat(dir.cycles()).noneMatch(RunDir.CycleSummary::improved);
        String csv = Files.readString(run.resolve("candidates.csv"));
        assertThat(csv).contains("diverged at epoch 1 batch ");
        assertNoNotANumber(csv);

        // the generate command: each diverged network is rejected with its reason, the others go on
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(stdout, true));
        try {
            assertThat(dev.gensynth.cli.Main.run("generate", "--run", run.toString(), "--seeds", "100..101"))
                    .isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(stdout.toString()).contains("0 of 2 generated networks meet").doesNotContain("null");
        assertNoNotANumber(stdout.toString());
        assertThat(stdout.toString().split("diverged at epoch 1 batch ", -1)).hasSize(1 + 2 * 2); // top-1 and r
        List<Generation.Generated> gen = RunDir.JSON.readValue(run.resolve("generated/generated.json").toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<List<Generation.Generated>>() { });
        assertThat(gen).hasSize(2).allSatisfy(g -> {
            assertThat(g.met()).isFalse();
            assertThat(g.reasons()).singleElement().asString().startsWith("diverged at epoch 1 batch ");
            assertThat(g.metrics().top1()).isNull();
            assertThat(g.modelDir()).isNull();
        });
        String html = Files.readString(run.resolve("report.html"));
        assertThat(html).contains("diverged at epoch 1 batch ");
        assertNoNotANumber(html);
    }

    @Test
    void aLatencyRequirementIsJudgedInOnnxRuntimeThroughSynthesisAndGenerate(@TempDir Path tmp) throws Exception {
        Path cfg = config(tmp, 1, "");
        Files.writeString(cfg, Files.readString(cfg).replace("requirements: {maxTop1Drop: 5.0}",
                "requirements: {maxTop1Drop: 5.0, maxLatencyMs: 1000}"));
        Path run = tmp.resolve("run");
        Synthesis.start(cfg, SynthesisConfig.load(cfg), run, false, SynthesisListener.SILENT);
        List<CandidateRecord> cands = new RunDir(run).cycles().stream().flatMap(c -> c.candidates().stream()).toList();
        assertThat(cands).isNotEmpty().allSatisfy(c -> {
            assertThat(c.latencyMs()).isPositive().isLessThan(1000);
            // a latency bound makes G aim at latency: the run's model predicted each candidate before it was timed
            assertThat(c.predictedLatencyMs()).isPositive().isFinite();
        });
        assertThat(run.resolve(Synthesis.LATENCY_MODEL)).isRegularFile();
        assertThat(Files.readAllLines(run.resolve("candidates.csv")).get(0)).contains("predicted_latency_ms");
        List<Generation.Generated> gen = Generation.run(run, Seed.parseList("100"), null, null, false, false,
                n -> dev.gensynth.train.TrainListener.SILENT);
        assertThat(gen).singleElement().satisfies(g -> {
            assertThat(g.metrics().onnxLatencyMs()).isPositive();
            assertThat(g.predictedLatencyMs()).isPositive();
            assertThat(g.reasons()).noneMatch(r -> r.contains("latency"));
        });
        assertThat(Generation.prototypeMetrics(run).onnxLatencyMs()).isPositive();

        // a budget no network can meet rejects every candidate, with the latency as the reason
        Files.writeString(cfg, Files.readString(cfg).replace("maxLatencyMs: 1000", "maxLatencyMs: 0.000001"));
        Path strict = tmp.resolve("strict");
        Synthesis.start(cfg, SynthesisConfig.load(cfg), strict, false, SynthesisListener.SILENT);
        assertThat(new RunDir(strict).cycles().stream().flatMap(c -> c.candidates().stream()).toList()).isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.met()).isFalse();
                    assertThat(c.reasons()).anyMatch(r -> r.contains("latency"));
                });
    }

    @Test
    void candidatesAccurateEnoughButTooCostlyPushHarderAndLeadTheWay(@TempDir Path tmp) throws Exception {
        long protoMacs = dev.gensynth.metrics.Cost.of(SpecIO.parse(PROTOTYPE, true, "prototype")).macs();
        long bound = protoMacs * 6 / 10;
        Path cfg = config(tmp, 3, "");
        Files.writeString(cfg, Files.readString(cfg).replace("requirements: {maxTop1Drop: 5.0}",
                "requirements: {maxTop1Drop: 5.0, maxMacs: " + bound + "}")
                .replace("initialPush: 0.7", "initialPush: 0.9, widthMultiple: 1"));
        Path run = tmp.resolve("run");
        Synthesis.start(cfg, SynthesisConfig.load(cfg), run, false, SynthesisListener.SILENT);
        List<RunDir.CycleSummary> cycles = new RunDir(run).cycles();
        RunDir.CycleSummary first = cycles.get(0);
        // every candidate of the gentle first push has too many MACs; the accurate ones make the push harder
        assertThat(first.candidates()).allSatisfy(c -> assertThat(c.macs()).isGreaterThan(bound));
        assertThat(first.candidates()).anySatisfy(c -> assertThat(c.reasons()).singleElement().asString()
                .contains("MACs"));
        assertThat(first.push()).isLessThan(0.9);
        // and the best accurate one becomes the parent to narrow from, though it fails r as the prototype does
        assertThat(first.improved()).as(first.toString()).isTrue();
        assertThat(first.bestMacs()).isLessThan(protoMacs);
        // best/ only ever holds a network that meets r (here: still the prototype, or one under the bound)
        long bestMacs = new ModelDir(run.resolve("best")).metrics().orElseThrow().macs();
        assertThat(bestMacs == protoMacs || bestMacs <= bound).as("best/ MACs " + bestMacs).isTrue();
    }
}

package dev.gensynth.benchmark;

import static dev.gensynth.report.RunReportTest.assertNoNotANumber;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.cli.Main;
import dev.gensynth.report.RunReportTest;
import dev.gensynth.testing.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole benchmark on tiny data, then again: the second run redoes nothing. */
class BenchmarkTest {

    static Path tinyConfig(Path tmp) throws Exception {
        TinyData.write(tmp.resolve("data"), 160, 60, 11);
        Files.writeString(tmp.resolve("run.yaml"), """
                name: tiny
                seed: 3
                data: {dataset: mnist, dir: data, validationFraction: 0.25}
                prototype: {arch: resnet, width: 0.25}
                prototypeTraining: {epochs: 1.5, batchSize: 32, learningRate: 0.05}
                requirements: {maxTop1Drop: 1.0}
                budget: {cycles: 1, candidates: 2, finetuneEpochs: 0.25, patience: 2}
                finetune: {batchSize: 32}
                search: {stimuli: 32, initialPush: 0.7}
                generate: {epochs: 0.25, batchSize: 32}
                distill: {weight: 0.5, temperature: 3}
                utility: {weighted: {accuracy: 40, params: 10, macs: 10, latency: 5}}
                """);
        Path bench = tmp.resolve("bench.yaml");
        Files.writeString(bench, """
                name: tiny-bench
                synthesis: run.yaml
                recipe: {epochs: 1}
                references: [plain]
                levels: [1.0, 5.0]
                randomSamples: 2
                latencyRuns: 1
                freshSeeds: 2
                """);
        return bench;
    }

    @Test
    void runsEveryStepWritesTheTablesAndTheReportAndResumes(@TempDir Path tmp) throws Exception {
        Path cfg = tinyConfig(tmp);
        Path out = tmp.resolve("out");
        Path store = tmp.resolve("carried");
        Results r = new Benchmark(BenchmarkConfig.load(cfg), out, m -> System.out.println(java.time.LocalTime.now() + " " + m),
                n -> dev.gensynth.train.TrainListener.SILENT, dev.gensynth.synthesis.SynthesisListener.SILENT)
                .carriedIn(store).run();

        // a U that weighs latency: the prototype's is measured too, so candidates can beat it (its U was NaN, no
        // parent was ever adopted, and no FermiNet could be picked)
        assertThat(new dev.gensynth.synthesis.RunDir(out.resolve("run")).cycles()).singleElement()
                .satisfies(c -> assertThat(c.bestUtility()).isFinite());
        assertThat(r.rows()).extracting(Row::method).contains("reference", "gensynth", "width", "l1-prune", "random");
        assertThat(r.ferminets()).extracting(Row::network).containsExactly("FermiNet-A", "FermiNet-B");
        // each made by its level's generator, as users get it
        assertThat(r.ferminets()).allSatisfy(f -> assertThat(f.source()).startsWith("level " + f.level() + " generator"));
        assertThat(r.ratios()).hasSize(2);
        // r for every seed: fresh networks of the run's own generator, judged at the run's (loosest) level, beside
        // its promise; no method's networks
        assertThat(r.fresh()).extracting(Row::network).containsExactly("Fresh-201", "Fresh-202");
        assertThat(r.fresh()).allSatisfy(x -> {
            assertThat(x.source()).startsWith("the run's generator, seed ");
            assertThat(x.met()).isEqualTo(x.quality() >= r.prototypeTestQuality() - 5.0);
        });
        assertThat(r.freshOutcome()).contains("of 2, " + r.fresh().stream().filter(Row::met).count() + " met");
        assertThat(r.rows()).noneMatch(x -> x.network().startsWith("Fresh-"));
        assertThat(r.hypervolume()).containsKeys("gensynth", "reference", "width", "l1-prune", "random");
        assertThat(r.budget().totalB()).isGreaterThan(0);
        // the alternatives spend at most the budget they are given, pruning B in total (up to one whole batch per
        // schedule: 32 of 120 training images); with 40 validation images each schedule's length is chosen on
        // validation among 1, 2, 4 and 8 fifteenths of its share, every one tried counted
        double batch = 32.0 / 120;
        assertThat(r.budget().methodEpochs().get("l1-prune")).isPositive()
                .isLessThanOrEqualTo(r.budget().totalB() + 4 * 2 * batch);
        for (String alt : List.of("width", "prune")) {
            Row a = Rows.read(out.resolve(alt).resolve("A"));
            List<Row> tried = new ArrayList<>();
            for (int k : TrainAndMeasure.LENGTHS) {
                Row t = Rows.read(out.resolve(alt).resolve("A").resolve("length-" + k));
                if (t != null) {
                    tried.add(t);
                }
            }
            assertThat(tried).as(alt).isNotEmpty();
            assertThat(a.trainEpochs()).as(alt).isCloseTo(tried.stream().mapToDouble(Row::trainEpochs).sum(),
                    org.assertj.core.api.Assertions.within(1e-9));
            assertThat(a.validationQuality()).as(alt)
                    .isEqualTo(tried.stream().mapToDouble(Row::validationQuality).max().orElseThrow());
            assertThat(a.source()).as(alt).contains("-epoch schedule (best on validation of ");
            // doubling stops at the first schedule that does not improve validation
            for (int j = 1; j < tried.size() - 1; j++) {
                assertThat(tried.get(j).validationQuality()).isGreaterThan(tried.get(j - 1).validationQuality());
            }
        }
        BenchmarkConfig bc = BenchmarkConfig.load(cfg);
        assertThat(r.rows()).allSatisfy(x -> {
            assertThat(x.quality()).isBetween(0.0, 100.0);
            assertThat(x.latencyMs()).isNotNull();
            // judged on the test split at its own level (the loosest when it has none), like the tables say
            double drop = x.level().equals("-") ? bc.loosestLevel() : bc.levels().get(x.level().charAt(0) - 'A');
            boolean meets = x.quality() >= r.prototypeTestQuality() - drop;
            assertThat(x.met()).as(x.network()).isEqualTo(meets);
            assertThat(x.reasons()).as(x.network()).hasSize(meets ? 0 : 1);
        });
        assertThat(r.rows()).anySatisfy(x -> assertThat(x.onnxLatencyMs()).isNotNull());
        for (String f : List.of("results.json", "results.csv", "results.md", "report.html", "run/report.html",
                "synthesis.yaml")) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        assertThat(Files.readString(out.resolve("synthesis.yaml"))).contains("maxQualityDrop: 5.0").doesNotContain("maxTop1Drop");
        JsonNode provenance = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("provenance");
        assertThat(provenance.get("djlVersion").asText()).isEqualTo(r.provenance().djlVersion()).isNotBlank();
        assertThat(provenance.get("configHash").asText()).hasSize(12);
        assertThat(provenance.get("seed").asLong()).isEqualTo(r.provenance().seed());
        // every parent the run adopted is kept for the level picks
        for (var c : new dev.gensynth.synthesis.RunDir(out.resolve("run")).cycles()) {
            Path p = out.resolve(String.format("parents/cycle-%03d/parent.json", c.cycle()));
            if (c.improved()) {
                assertThat(p).isRegularFile();
            } else {
                assertThat(p).doesNotExist();
            }
        }
        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("FermiNet-A").contains("| plain |").contains("hypervolume")
                .contains("r for every seed").contains("| Fresh-202 |");
        // the noise that decides ties: the prototype and the first width-scaled network over 3 seeds
        assertThat(r.noise()).hasSize(2).allSatisfy(n -> assertThat(n.quality()).hasSize(3));
        assertThat(r.noise().get(0).network()).isEqualTo("prototype");
        assertThat(out.resolve("noise")).isDirectory();
        // every alternative network beside the FermiNet nearest in MACs and the one nearest in latency; levels that
        // share a network (Width-B trained as Width-A) are that one network
        long alternatives = r.rows().stream().filter(x -> !x.method().equals("gensynth")
                && !x.method().equals("reference") && !x.method().equals("noise") && !x.network().contains(" = "))
                .map(x -> x.modelDir() != null ? x.modelDir() : x.network()).distinct().count();
        assertThat(r.sameTarget()).hasSize((int) alternatives).allSatisfy(t -> {
            assertThat(t.byMacs()).startsWith("FermiNet-");
            assertThat(t.byLatency()).startsWith("FermiNet-");
            assertThat(t.byMacsVerdict()).isIn("tie", "FermiNet ahead", "alternative ahead");
        });
        assertThat(r.latencyHypervolume()).containsKeys("gensynth", "width");
        // each FermiNet's speed-up beside its MACs reduction, against the runtime's floor
        assertThat(r.latencyFloorMs()).isPositive();
        // and beside the least network the generator can make from the prototype, which none goes below
        assertThat(r.smallestGeneratedMs()).isPositive();
        assertThat(r.speed()).allSatisfy(x -> assertThat(x.overSmallest()).isPositive());
        assertThat(r.speed()).extracting(Results.Speed::ferminet).containsExactly("FermiNet-A", "FermiNet-B");
        // each alternative judged as the acceptance does, at the loosest level's floor on test, a network once
        assertThat(r.dominance()).extracting(Results.Dominance::method).containsExactly("width", "l1-prune", "random");
        assertThat(r.dominance()).allSatisfy(d -> {
            assertThat(d.floor()).isCloseTo(r.prototypeTestQuality()
                    - r.levels().stream().mapToDouble(Double::doubleValue).max().orElseThrow(), within(1e-9));
            assertThat(d.judged()).isLessThanOrEqualTo(Results.distinctPoints(r.rows(), d.method()).size());
        });
        assertThat(md).contains("Does the FermiNet front dominate each alternative?");
        assertThat(md).contains("Same target").contains("Quality-vs-latency fronts").contains("Latency against MACs").contains("Noise");
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + r.rows().size());
        String html = Files.readString(out.resolve("report.html"));
        RunReportTest.parse(html);
        RunReportTest.assertSelfContained(html);
        assertThat(html).contains(dev.gensynth.report.Html.esc(r.provenance().software()))
                .contains("r for every seed").contains("Fresh-201");
        for (Row x : r.rows()) {
            assertThat(html).contains(dev.gensynth.report.Html.esc(x.network()));
        }

        // resumable: a second run (through the CLI) reuses every finished step
        Path marker = out.resolve("references/plain/row.json");
        ObjectMapper json = new ObjectMapper();
        JsonNode row = json.readTree(marker.toFile());
        ((ObjectNode) row).put("source", "kept from the first run").put("onnxLatencyMs", 999.0);
        json.writeValue(marker.toFile(), row);
        assertThat(Main.run("benchmark", "--config", cfg.toString(), "--out", out.toString())).isZero();
        assertThat(Files.readString(out.resolve("results.md"))).contains("FermiNet-B");
        assertThat(Files.readString(out.resolve("results.csv"))).contains("kept from the first run");
        // the tables time every network again side by side, whenever its row was made
        Results second = json.readValue(out.resolve("results.json").toFile(), Results.class);
        assertThat(second.rows()).filteredOn(x -> x.network().equals("plain")).singleElement()
                .satisfies(x -> assertThat(x.onnxLatencyMs()).isPositive().isLessThan(100));
        assertThat(Rows.read(out.resolve("references/plain")).onnxLatencyMs()).isEqualTo(999.0);
        assertThat(second.latencyRoundSpread()).isNotNull().isLessThanOrEqualTo(second.latencyRoundSpreadMax());

        // carried to a fresh directory, as in another session: every step made from the run's generators is in the
        // store but one fresh network, which the run's generator kept in the store makes again; so only the
        // prototype is trained again (same seed, checked against the carried run); no search, and every other step
        // comes from the store
        assertThat(store.resolve("fresh/generator/parent.npz")).isRegularFile();
        dev.gensynth.io.AtomicFiles.deleteTree(store.resolve("fresh/seed-202"));
        Path out2 = tmp.resolve("out2");
        Results again = new Benchmark(BenchmarkConfig.load(cfg), out2, m -> { }, n -> dev.gensynth.train.TrainListener.SILENT,
                dev.gensynth.synthesis.SynthesisListener.SILENT).carriedIn(store).run();
        assertThat(again.rows()).extracting(Row::network, Row::quality, Row::macs)
                .containsExactlyElementsOf(r.rows().stream().map(x -> org.assertj.core.groups.Tuple.tuple(x.network(),
                        x.quality(), x.macs())).toList());
        assertThat(again.prototypeTestQuality()).isEqualTo(r.prototypeTestQuality());
        assertThat(again.budget()).isEqualTo(r.budget());
        // the same fresh networks (timed again, so latency aside)
        assertThat(again.fresh()).extracting(Row::network, Row::quality, Row::macs, Row::met)
                .containsExactlyElementsOf(r.fresh().stream().map(x -> org.assertj.core.groups.Tuple.tuple(x.network(),
                        x.quality(), x.macs(), x.met())).toList());
        assertThat(again.freshOutcome()).isEqualTo(r.freshOutcome());
        assertThat(store.resolve("fresh/seed-202/row.json")).isRegularFile();
        assertThat(out2.resolve("run/generator")).doesNotExist();
        try (var files = Files.walk(out2)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("weights.npz"))
                    .map(f -> out2.relativize(f).toString()))
                    .containsOnly("run/prototype/weights.npz", "fresh/seed-202/model/weights.npz");
        }
        assertThat(store.resolve("run.json")).isRegularFile();
        try (var files = Files.walk(store)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("weights.npz"))).isEmpty();
        }

        // networks whose training diverges are rejected with their reason and the benchmark goes on: the random
        // networks redone with a fine-tuning recipe (the run's generate recipe) no network survives, in batches
        // small enough for several steps
        dev.gensynth.io.AtomicFiles.deleteTree(out.resolve("random"));
        Path runYaml = out.resolve("run/run.yaml");
        ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        ObjectNode run = (ObjectNode) yaml.readTree(runYaml.toFile());
        ((ObjectNode) run.get("generate")).put("learningRate", 1e6).put("batchSize", 4);
        yaml.writeValue(runYaml.toFile(), run);
        assertThat(Main.run("benchmark", "--config", cfg.toString(), "--out", out.toString())).isZero();
        Results d = json.readValue(out.resolve("results.json").toFile(), Results.class);
        assertThat(d.rows()).filteredOn(x -> x.method().equals("random")).hasSize(2).allSatisfy(x -> {
            assertThat(x.met()).isFalse();
            assertThat(x.reasons()).singleElement().asString().startsWith("diverged at epoch 1 batch ");
        });
        assertThat(d.rows()).filteredOn(x -> !x.method().equals("random")).allMatch(Row::measured);
        assertThat(d.hypervolume()).containsKeys("gensynth", "reference").doesNotContainKey("random");
        for (String f : List.of("results.csv", "results.md", "report.html")) {
            assertThat(Files.readString(out.resolve(f))).as(f).contains("diverged at epoch 1 batch ");
            assertNoNotANumber(Files.readString(out.resolve(f)));
        }
    }
}

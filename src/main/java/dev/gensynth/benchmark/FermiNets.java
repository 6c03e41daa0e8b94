package dev.gensynth.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Slicer;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.requirements.Observation;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.LevelGenerators;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * FermiNet-A..D in {@code fermi/X/}: for each level, one network of the run's level generator as users get it,
 * fine-tuned and tested; for a run without level generators (an existing run), the best of its kept networks
 * that meets the level on validation, fine-tuned.
 */
final class FermiNets {
    /** A trained network the synthesis produced, with its validation quality (and latency, when U weighs it). */
    record Kept(String source, Path modelDir, double validationQuality, long params, long macs, double latencyMs) {
    }

    private final BenchmarkConfig cfg;
    private final Path benchDir;
    private final SynthesisRun run;
    private final SynthesisConfig sc;
    private final DataSource.Data data;
    private final TrainAndMeasure step;
    private final Levels levels;
    private final Consumer<String> log;
    private Distillation teacher;

    FermiNets(BenchmarkConfig cfg, Path benchDir, SynthesisRun run, DataSource.Data data, TrainAndMeasure step,
            Levels levels, Consumer<String> log) {
        this.cfg = cfg;
        this.benchDir = benchDir;
        this.run = run;
        this.sc = run.config();
        this.data = data;
        this.step = step;
        this.levels = levels;
        this.log = log;
    }

    /** The final fine-tuning of a FermiNet picked among kept networks, and of the alternatives fine-tuned alike. */
    TrainConfig finetuneRecipe() {
        return cfg.finetuneEpochs() != null ? sc.generateFinetune().withEpochs(cfg.finetuneEpochs())
                : sc.generateFinetune();
    }

    /** FermiNet-A, B, ... in the order of the config's levels. */
    List<Row> rows() {
        List<Kept> kept = kept();
        List<Row> out = new ArrayList<>();
        Map<String, Row> bySource = new LinkedHashMap<>();
        Path runDir = run.dir();
        for (int i = 0; i < cfg.levels().size(); i++) {
            String level = SynthesisConfig.levelName(i);
            double drop = cfg.levels().get(i);
            String name = "FermiNet-" + level;
            Path d = benchDir.resolve("fermi").resolve(level);
            Row done = Rows.read(d);
            // a run's level generator stands in only for the same level (an existing run may have other levels)
            if (done == null && LevelGenerators.has(runDir, level)
                    && Math.abs(LevelGenerators.read(runDir, level).drop() - drop) < 1e-9) {
                done = fromLevelGenerator(level, i, name, drop, d);
            }
            if (done == null) {
                Kept k = levels.pick(kept, x -> new Observation(x.validationQuality(), x.params(), x.macs(), x.latencyMs(),
                        "validation"), drop);
                if (k == null) {
                    throw new UserError("no network of the synthesis meets level " + level + " (quality >= prototype - "
                            + drop + ") on validation, not even the prototype; check the run's other requirements");
                }
                Row same = bySource.get(k.source());
                if (same != null) {
                    log.accept(name + ": same network as " + same.network() + " (" + k.source() + ")");
                    done = levels.verdict(same.renamed(name, level, 0), drop);
                    step.record(d, done);
                } else {
                    log.accept(name + ": " + k.source() + " (" + k.macs() + " MACs, " + String.format(Locale.ROOT,
                            "%.2f", k.validationQuality()) + "% validation), fine-tuning " + finetuneRecipe().epochs()
                            + " epochs");
                    ModelDir m = new ModelDir(k.modelDir());
                    NetworkSpec spec = m.spec().withName(name);
                    done = step.train(spec, m.weights(m.spec()), finetuneRecipe().withSeed(sc.seed() + 1000 + i),
                            teacher(), d, new TrainAndMeasure.Label(name, "gensynth", level, k.source(), drop));
                }
            }
            bySource.putIfAbsent(done.source(), done);
            out.add(done);
        }
        return out;
    }

    /**
     * FermiNet-X as users get it: one network of level X's generator (seed: the benchmark's, per level),
     * fine-tuned with that level's final budget (or the benchmark's finetuneEpochs), the prototype teaching
     * when the run distils.
     */
    private Row fromLevelGenerator(String level, int i, String name, double drop, Path d) {
        LevelGenerators.Level lv = LevelGenerators.read(run.dir(), level);
        Generator g = new Generator(RunDir.loadGenerator(LevelGenerators.folder(run.dir(), level)), sc.search().widths());
        Seed seed = new Seed(cfg.seed() + 100 + i);
        Slicer.Cut cut = g.generate(seed);
        // as 'generate --level X' fine-tunes it
        TrainConfig recipe = dev.gensynth.synthesis.Generation.recipe(run.dir(), sc, lv, cfg.finetuneEpochs(),
                data.train().size());
        log.accept(String.format(Locale.ROOT, "%s: level %s's generator (from %s), seed %d, %,d MACs, fine-tuning %.2f"
                + " epochs", name, level, lv.parent(), seed.value(), Cost.of(cut.spec()).macs(), recipe.epochs()));
        return step.train(cut.spec().withName(name), cut.weights(), dev.gensynth.synthesis.Generation.seeded(recipe, seed),
                teacher(), d, new TrainAndMeasure.Label(name, "gensynth", level, "level " + level + " generator (from "
                        + lv.parent() + "), seed " + seed.value(), drop));
    }

    /**
     * The run's generate step fine-tunes with the prototype as teacher when the run config has
     * {@code distill}; FermiNets get the same final fine-tuning. The alternatives are fine-tuned
     * (or trained) on the labels alone, as they usually are.
     */
    Distillation teacher() {
        if (teacher == null && sc.distill() != null) {
            ModelDir m = run.prototypeModel();
            teacher = sc.teacher(m.spec(), m.weights(m.spec()), data.train());
        }
        return teacher;
    }

    /** Every parent the run adopted (kept in {@code parents/}), its best network and its prototype. */
    private List<Kept> kept() {
        List<Kept> k = new ArrayList<>();
        Path parents = benchDir.resolve("parents");
        if (Files.isDirectory(parents)) {
            try (Stream<Path> s = Files.list(parents)) {
                for (Path p : s.filter(x -> Files.isRegularFile(x.resolve("parent.json"))).sorted().toList()) {
                    JsonNode j = Rows.JSON.readTree(p.resolve("parent.json").toFile());
                    Metrics m = new ModelDir(p).metrics().orElseThrow();
                    // named validationTop1 in parents kept before the task's metric was named
                    double q = j.path(j.has("validationQuality") ? "validationQuality" : "validationTop1").asDouble();
                    k.add(new Kept("parent of " + p.getFileName(), p, q, m.params(), m.macs(), keptLatency(p)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path best = run.dir().resolve("best");
        Metrics bm = new ModelDir(best).metrics().orElse(null);
        if (bm != null && bm.quality() != null) {
            k.add(new Kept("best of the run", best, bm.quality(), bm.params(), bm.macs(), keptLatency(best)));
        }
        Metrics pm = run.prototypeMetrics();
        k.add(new Kept("prototype", run.dir().resolve("prototype"), run.prototype().validationQuality(), pm.params(),
                pm.macs(), keptLatency(run.dir().resolve("prototype"))));
        return k;
    }

    /**
     * A kept network's batch-1 latency in ONNX Runtime, measured alike for all of them, when U weighs latency
     * (without it such a U is NaN and nothing can be picked); NaN when U does not read it.
     */
    private double keptLatency(Path modelDir) {
        if (!sc.utility().needsLatency()) {
            return Double.NaN;
        }
        ModelDir m = new ModelDir(modelDir);
        var ms = step.onnxLatency(m.spec(), m.weights(m.spec()));
        return ms == null ? Double.NaN : ms.ms();
    }
}

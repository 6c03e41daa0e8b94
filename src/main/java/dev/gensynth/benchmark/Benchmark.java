package dev.gensynth.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.AtomicFiles;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.synthesis.LevelGenerators;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Slicer;
import dev.gensynth.seed.Seed;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.report.RunReport;
import dev.gensynth.requirements.Observation;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.Synthesis;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.synthesis.SynthesisListener;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
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
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The benchmark: FermiNets against reference networks and the usual alternatives, on one dataset
 * and one training recipe. Every expensive step writes its result to the benchmark directory
 * and is skipped when that result exists, so an interrupted benchmark continues where it stopped; with
 * {@link #carriedIn} the finished steps also outlive the machine (see {@link Carry}). The references trained
 * from scratch come first (they need no run), then the synthesis, then everything made from it:
 * <pre>
 *   synthesis.yaml        the run config actually used (accuracy requirement = loosest level)
 *   run/                  the synthesis run (resumed if interrupted); run/report.html
 *   parents/cycle-NNN/    every parent the synthesis adopted (a model directory + parent.json)
 *   references/NAME/      each reference trained from scratch with the recipe (row.json when done)
 *   fermi/A..D/           FermiNet-A..D: made by each level's generator, fine-tuned, tested
 *   noise/                the prototype and one width-scaled network again with other seeds (the spread)
 *   width/A..D/           the prototype uniformly narrowed to FermiNet-A..D's MACs, trained from scratch
 *   prune/A..D/           the trained prototype L1-pruned to FermiNet-A..D's MACs, fine-tuned
 *   random/NN/            random networks of the same space cut from the trained prototype, fine-tuned
 *   results.json|csv|md   the table, ratios, hypervolumes, budget
 *   report.html           the visual report
 * </pre>
 *
 * <p><b>FermiNets</b>: one synthesis runs at the loosest level (its parents get smaller while they meet
 * it) and hands over a generator per level (the run config's {@code levels}, which the benchmark sets):
 * from the best parent meeting the level on validation, with its promise and a final fine-tuning budget
 * that grows as networks shrink ({@code dev.gensynth.synthesis.LevelGenerators}). FermiNet-X is one
 * network of level X's generator (the benchmark's seed), fine-tuned with that budget, with the prototype as
 * teacher when the run config has {@code distill}, and tested; the alternatives learn from the labels alone.
 * A finished run without level generators (an existing run) falls back to picking among its kept parents.
 *
 * <p><b>Budget</b>: B = all synthesis fine-tuning (every candidate of every cycle) plus the final
 * fine-tuning of the FermiNets, in full passes over the training split; the prototype's own
 * training P is shared by every method that starts from it. Each alternative gets the same B:
 * L1 pruning fine-tunes each of its networks B/L epochs (L levels); random sampling fine-tunes
 * each of its N networks B/N epochs; width scaling has no trained starting point, so it gets P + B
 * in all: each of its L networks is trained from scratch for (P + B)/L epochs.
 */
public final class Benchmark {
    /** The source of the reference row that is the run's own prototype, not a network trained again. */
    static final String PROTOTYPE_SOURCE = "prototype of the synthesis run";

    private final BenchmarkConfig cfg;
    private final Path dir;
    private final Consumer<String> log;
    private final Function<String, TrainListener> trainListeners;
    private final SynthesisListener synthesisListener;

    private SynthesisConfig sc;
    private Distillation teacher;
    private DataSource.Data data;
    private Path runDir;
    private Prototype proto;
    private Metrics protoMetrics;
    private Levels levels;
    private TrainAndMeasure step;
    private Carry carry;
    /** The search and the sampling that chose the generators: what synthesis spent before the FermiNets, in epochs. */
    private double synthEpochs;

    public Benchmark(BenchmarkConfig cfg, Path dir, Consumer<String> log, Function<String, TrainListener> trainListeners,
            SynthesisListener synthesisListener) {
        this.cfg = cfg;
        this.dir = dir;
        this.log = log;
        this.trainListeners = trainListeners;
        this.synthesisListener = synthesisListener;
    }

    /**
     * Carries finished steps to {@code store} and back (see {@link Carry}): for a benchmark longer than the
     * sessions or machines it runs on.
     */
    public Benchmark carriedIn(Path store) {
        this.carry = store == null ? null : new Carry(store);
        return this;
    }

    /**
     * Runs (or continues) every step and writes the results; returns them. The references trained from scratch
     * come first, since they need neither the synthesis run nor the prototype.
     */
    public Results run() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (carry != null) {
            int n = carry.restore(dir);
            log.accept("carrying steps to and from " + carry.store() + (n > 0 ? " (" + n + " carried steps restored)" : ""));
        }
        SynthesisConfig before = runConfig();
        data = before.data().load(before.folderShape());
        step = new TrainAndMeasure(dir, data, cfg.latencyRuns(), null, log, trainListeners, carry);
        Map<String, Row> fromScratch = new LinkedHashMap<>();
        for (String name : cfg.references()) {
            if (!isPrototype(name, before)) {
                fromScratch.put(name, reference(name, before));
            }
        }
        synthesis();
        levels = new Levels(sc, proto.validationQuality(), proto.testQuality(),
                cfg.loosestLevel());
        step = step.judgingAt(levels);
        List<Row> rows = new ArrayList<>();
        List<Row> refs = new ArrayList<>();
        for (String name : cfg.references()) {
            Row r = fromScratch.get(name);
            refs.add(r != null ? levels.verdict(r, null) : prototypeReference(name));
        }
        rows.addAll(refs);
        List<Row> fermi = ferminets();
        rows.addAll(fermi);
        double fermiEpochs = fermi.stream().mapToDouble(Row::trainEpochs).sum();
        double b = synthEpochs + fermiEpochs;
        double p = proto.trainingEpochs() > 0 ? proto.trainingEpochs()
                : sc.prototypeTraining().epochs();
        Map<String, Double> methodEpochs = new LinkedHashMap<>();
        methodEpochs.put("gensynth", b);
        Alternative.Context ctx = new Alternative.Context(dir, sc, cfg, data, step, levels, log,
                new ModelDir(runDir.resolve("prototype")), protoMetrics, finetuneRecipe());
        for (Alternative alt : Alternative.ALL) {
            if (cfg.alternatives().contains(alt.key())) {
                List<Row> w = alt.rows(ctx, fermi, p, b);
                rows.addAll(w);
                methodEpochs.put(alt.method(), w.stream().mapToDouble(Row::trainEpochs).sum());
            }
        }
        List<Results.Noise> noise = noise(rows);
        Results.Budget budget = new Results.Budget(p, synthEpochs, fermiEpochs, b, methodEpochs);
        ModelDir pm = new ModelDir(runDir.resolve("prototype"));
        // the reference point of the latency fronts: the prototype, timed as every row is
        OnnxLatency.Timed protoMs = step.onnxLatency(pm.spec(), pm.weights(pm.spec()));
        NetworkSpec least = dev.gensynth.zoo.Zoo.trivial(data.sampleShape(), data.classes(), sc.data().task());
        OnnxLatency.Timed floorMs = step.onnxLatency(least, Weights.initial(least, sc.seed()));
        Results r = Results.of(cfg, sc, dev.gensynth.task.Task.of(data.test()).metric(), protoMetrics,
                proto.validationQuality(),
                proto.testQuality(), runDir, rows, budget, noise, protoMs == null ? null : protoMs.ms(),
                floorMs == null ? null : floorMs.ms());
        r.write(dir);
        BenchmarkReport.write(r, dir.resolve("report.html"));
        log.accept("benchmark results in " + dir + " (results.md, results.csv, results.json, report.html)");
        return r;
    }

    // ---------------------------------------------------------------- synthesis

    private void synthesis() {
        if (cfg.existingRun() != null) {
            runDir = cfg.existingRun();
            RunDir run = new RunDir(runDir);
            if (!run.progress().map(RunDir.Progress::done).orElse(false)) {
                throw new UserError("run " + runDir + " has not finished; finish it with 'gensynth synthesize --resume "
                        + runDir + "' first");
            }
            log.accept("using the finished synthesis run " + runDir + " (only its best network and prototype can "
                    + "be picked for the levels: its earlier parents were not kept)");
        } else {
            runDir = dir.resolve("run");
            Path yaml = dir.resolve("synthesis.yaml");
            SynthesisConfig c = runConfig();
            RunDir run = new RunDir(runDir);
            if (run.progress().map(RunDir.Progress::done).orElse(false)) {
                log.accept("synthesis: done (" + runDir + ")");
            } else if (Files.isRegularFile(run.config()) && run.progress().isPresent()) {
                log.accept("synthesis: resuming " + runDir);
                Synthesis.resume(runDir, synthesisListener);
            } else {
                log.accept("synthesis: starting " + runDir + " at the loosest level (quality >= prototype - "
                        + cfg.loosestLevel() + ")");
                Synthesis.start(yaml, c, runDir, true, synthesisListener);
            }
            keepParents(run);
            try {
                RunReport.write(runDir);
            } catch (RuntimeException e) {
                log.accept("run report not written: " + e.getMessage());
            }
        }
        sc = SynthesisConfig.load(runDir.resolve("run.yaml"));
        try {
            proto = Prototype.read(runDir.resolve("prototype/prototype.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        protoMetrics = new ModelDir(runDir.resolve("prototype")).metrics().orElseThrow();
        synthEpochs = new RunDir(runDir).progress().map(RunDir.Progress::allEpochs).orElse(0.0);
        if (carry != null) {
            Map<String, String> lv = new java.util.TreeMap<>();
            for (int i = 0; i < cfg.levels().size(); i++) {
                String level = BenchmarkConfig.levelName(i);
                if (LevelGenerators.has(runDir, level)) {
                    LevelGenerators.Level l = LevelGenerators.read(runDir, level);
                    lv.put(level, l.parent() + ", " + l.macs() + " MACs, " + l.finetuneEpochs() + " epochs");
                }
            }
            carry.checkRun(Carry.RunPrint.of(runDir, proto, synthEpochs, lv));
        }
    }

    /**
     * The synthesis run's config, known before the run is made: the existing run's, or the one derived from the
     * benchmark config (written once to synthesis.yaml, which the run is started from).
     */
    private SynthesisConfig runConfig() {
        if (cfg.existingRun() != null) {
            return SynthesisConfig.load(cfg.existingRun().resolve("run.yaml"));
        }
        Path yaml = dir.resolve("synthesis.yaml");
        try {
            if (!Files.isRegularFile(yaml)) {
                AtomicFiles.writeString(yaml, cfg.derivedRunConfig());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SynthesisConfig.load(yaml);
    }

    /**
     * Copies every parent the finished run adopted (RUN/parents/cycle-NNN) to parents/, with its
     * cycle's numbers in parent.json. Done once the run has finished rather than as each cycle
     * ends, so that a crash between a cycle's checkpoint and its copy loses no parent.
     */
    private void keepParents(RunDir run) {
        Path parents = dir.resolve("parents");
        try {
            AtomicFiles.recover(parents);
            for (RunDir.CycleSummary s : run.cycles()) {
                Path source = run.parentDir(s.cycle());
                Path target = parents.resolve(source.getFileName());
                if (!s.improved() || !Files.isDirectory(source) || Files.isRegularFile(target.resolve("parent.json"))) {
                    continue;
                }
                AtomicFiles.replaceDirectory(target, tmp -> {
                    for (String f : List.of(ModelDir.SPEC, ModelDir.WEIGHTS, ModelDir.METRICS)) {
                        Files.copy(source.resolve(f), tmp.resolve(f));
                    }
                    Rows.JSON.writeValue(tmp.resolve("parent.json").toFile(), Map.of("cycle", s.cycle(), "validationQuality",
                            s.bestQuality(), "macs", s.bestMacs(), "utility", s.bestUtility()));
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the parents of " + run.dir(), e);
        }
    }

    // ---------------------------------------------------------------- references

    private boolean isPrototype(String name, SynthesisConfig c) {
        return name.equals(c.prototypeArch()) && c.prototypeWidth() == 1.0;
    }

    /** A reference network trained from scratch with the recipe (its row judged later, with the prototype known). */
    private Row reference(String name, SynthesisConfig c) {
        Path d = dir.resolve("references").resolve(name);
        Row done = Rows.read(d);
        if (done != null) {
            return done;
        }
        log.accept("reference " + name + ": training from scratch (" + c.prototypeTraining().epochs() + " epochs)");
        NetworkSpec spec = dev.gensynth.zoo.Zoo.get(name, data.sampleShape(), data.classes());
        return step.train(spec, Weights.initial(spec, c.seed()), c.prototypeTraining(), null, d,
                new TrainAndMeasure.Label(name, "reference", "-", "zoo " + name + ", from scratch", null));
    }

    /** The run's prototype as the reference of its architecture: same architecture and recipe, not retrained. */
    private Row prototypeReference(String name) {
        Path d = dir.resolve("references").resolve(name);
        Row done = Rows.read(d);
        if (done != null) {
            return done;
        }
        log.accept("reference " + name + ": the run's prototype (same architecture and recipe), not retrained");
        ModelDir m = new ModelDir(runDir.resolve("prototype"));
        NetworkSpec spec = m.spec();
        return step.measure(spec, m.weights(spec), d, new TrainAndMeasure.Label(name, "reference", "-",
                PROTOTYPE_SOURCE, null), proto.trainingEpochs(),
                proto.trainingSeconds());
    }

    // ---------------------------------------------------------------- noise

    /**
     * The spread of test quality over seeds of the same recipe: the prototype trained again from scratch, and
     * the first width-scaled network, each with {@code noiseSeeds - 1} further seeds (initial weights and batch
     * order); the first seed is the network already in the table.
     */
    private List<Results.Noise> noise(List<Row> rows) {
        List<Results.Noise> out = new ArrayList<>();
        if (cfg.noiseSeeds() < 2) {
            return out;
        }
        ModelDir pm = new ModelDir(runDir.resolve("prototype"));
        out.add(seeds("prototype", proto.testQuality(), pm.spec(), sc.prototypeTraining()));
        rows.stream().filter(r -> r.method().equals("width") && r.measured() && r.modelDir() != null).findFirst()
                .ifPresent(w -> {
                    ModelDir m = new ModelDir(dir.resolve(w.modelDir()));
                    out.add(seeds(w.network(), w.quality(), m.spec(), sc.prototypeTraining().withEpochs(w.trainEpochs())));
                });
        return out;
    }

    private Results.Noise seeds(String name, double first, NetworkSpec spec, dev.gensynth.train.TrainConfig recipe) {
        List<Double> top1 = new ArrayList<>(List.of(first));
        for (int k = 1; k < cfg.noiseSeeds(); k++) {
            String label = name + " seed +" + k;
            Path d = dir.resolve("noise").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-seed-" + k);
            Row done = Rows.read(d);
            if (done == null) {
                log.accept("noise: " + label + ", from scratch for " + recipe.epochs() + " epochs");
                long s = sc.seed() + 7919L * k;
                done = step.train(spec, Weights.initial(spec, s), recipe.withSeed(s), null, d,
                        new TrainAndMeasure.Label(label, "noise", "-", "seed spread of " + name, null));
            }
            if (done.measured()) {
                top1.add(done.quality());
            }
        }
        return Results.Noise.of(name, top1);
    }

    // ---------------------------------------------------------------- FermiNets

    /** A trained network the synthesis produced, with its validation quality (and latency, when U weighs it). */
    record Kept(String source, Path modelDir, double validationQuality, long params, long macs, double latencyMs) {
    }

    private List<Kept> kept() {
        List<Kept> k = new ArrayList<>();
        Path parents = dir.resolve("parents");
        if (Files.isDirectory(parents)) {
            try (Stream<Path> s = Files.list(parents)) {
                for (Path p : s.filter(x -> Files.isRegularFile(x.resolve("parent.json"))).sorted().toList()) {
                    JsonNode j = Rows.JSON.readTree(p.resolve("parent.json").toFile());
                    Metrics m = new ModelDir(p).metrics().orElseThrow();
                    // named validationTop1 in parents kept before the task's metric was named
                    double q = j.path(j.has("validationQuality") ? "validationQuality" : "validationTop1").asDouble();
                    k.add(new Kept("parent of " + p.getFileName(), p, q, m.params(),
                            m.macs(), keptLatency(p)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Metrics best = new ModelDir(runDir.resolve("best")).metrics().orElse(null);
        if (best != null && best.quality() != null) {
            k.add(new Kept("best of the run", runDir.resolve("best"), best.quality(), best.params(), best.macs(),
                    keptLatency(runDir.resolve("best"))));
        }
        k.add(new Kept("prototype", runDir.resolve("prototype"), proto.validationQuality(),
                protoMetrics.params(), protoMetrics.macs(), keptLatency(runDir.resolve("prototype"))));
        return k;
    }

    /**
     * A kept network's batch-1 latency in ONNX Runtime, measured alike for all of them, when U weighs latency (without it
     * such a U is NaN and nothing can be picked); NaN when U does not read it.
     */
    private double keptLatency(Path modelDir) {
        if (!sc.utility().needsLatency()) {
            return Double.NaN;
        }
        ModelDir m = new ModelDir(modelDir);
        var ms = step.onnxLatency(m.spec(), m.weights(m.spec()));
        return ms == null ? Double.NaN : ms.ms();
    }

    /**
     * The run's generate step fine-tunes with the prototype as teacher when the run config has
     * {@code distill}; FermiNets get the same final fine-tuning. The alternatives are fine-tuned
     * (or trained) on the labels alone, as they usually are.
     */
    private Distillation teacher() {
        if (teacher == null && sc.distill() != null) {
            ModelDir m = new ModelDir(runDir.resolve("prototype"));
            teacher = sc.teacher(m.spec(), m.weights(m.spec()), data.train());
        }
        return teacher;
    }

    /**
     * FermiNet-X as users get it: one network of level X's generator (seed: the benchmark's, per level),
     * fine-tuned with that level's final budget (or the benchmark's finetuneEpochs), the prototype teaching
     * when the run distils.
     */
    private Row fromLevelGenerator(String level, int i, String name, double drop, Path d) {
        LevelGenerators.Level lv = LevelGenerators.read(runDir, level);
        Generator g = new Generator(RunDir.loadGenerator(LevelGenerators.folder(runDir, level)), sc.search().widths());
        Seed seed = new Seed(cfg.seed() + 100 + i);
        Slicer.Cut cut = g.generate(seed);
        TrainConfig recipe = cfg.finetuneEpochs() != null ? sc.generateFinetune().withEpochs(cfg.finetuneEpochs())
                : sc.generateFinetune().withEpochs(lv.finetuneEpochs());
        log.accept(String.format(Locale.ROOT, "%s: level %s's generator (from %s), seed %d, %,d MACs, fine-tuning %.2f"
                + " epochs", name, level, lv.parent(), seed.value(), Cost.of(cut.spec()).macs(), recipe.epochs()));
        return step.train(cut.spec().withName(name), cut.weights(), recipe.withSeed(seed.derive("generate", 0).value()),
                teacher(), d, new TrainAndMeasure.Label(name, "gensynth", level, "level " + level + " generator (from "
                        + lv.parent() + "), seed " + seed.value(), drop));
    }

    private TrainConfig finetuneRecipe() {
        return cfg.finetuneEpochs() != null ? sc.generateFinetune().withEpochs(cfg.finetuneEpochs())
                : sc.generateFinetune();
    }

    private List<Row> ferminets() {
        List<Kept> kept = kept();
        List<Row> out = new ArrayList<>();
        Map<String, Row> bySource = new LinkedHashMap<>();
        for (int i = 0; i < cfg.levels().size(); i++) {
            String level = BenchmarkConfig.levelName(i);
            double drop = cfg.levels().get(i);
            String name = "FermiNet-" + level;
            Path d = dir.resolve("fermi").resolve(level);
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
}

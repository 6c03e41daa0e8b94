package dev.gensynth.benchmark;

import dev.gensynth.data.DataSource;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.synthesis.SynthesisListener;
import dev.gensynth.train.TrainListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

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
 *   fresh/seed-S/         networks of the run's own generator from fresh seeds, as 'generate' makes them
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
    private final BenchmarkConfig cfg;
    private final Path dir;
    private final Consumer<String> log;
    private final Function<String, TrainListener> trainListeners;
    private final SynthesisListener synthesisListener;
    private Carry carry;

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

    /** The drop of the level a row was made or picked for; null (the loosest) for rows of no level. */
    private Double dropOf(Row r) {
        String l = r.level();
        return l.length() == 1 && l.charAt(0) >= 'A' && l.charAt(0) - 'A' < cfg.levels().size()
                ? cfg.levels().get(l.charAt(0) - 'A') : null;
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
        SynthesisConfig before = SynthesisRun.config(cfg, dir);
        DataSource.Data data = before.data().load(before.folderShape());
        TrainAndMeasure step = new TrainAndMeasure(dir, data, cfg.latencyRuns(), null, log, trainListeners, carry);
        References references = new References(dir, data, step, log);
        Map<String, Row> fromScratch = new LinkedHashMap<>();
        for (String name : cfg.references()) {
            if (!References.isPrototype(name, before)) {
                fromScratch.put(name, references.fromScratch(name, before));
            }
        }
        // the run's generators make the FermiNets and the fresh networks; once those are all made (or the fresh ones
        // can be made from the run's own generator, kept), only its prototype is needed again
        boolean generatorsNeeded = !FreshSeeds.done(cfg, dir) && !FreshSeeds.canFinish(dir);
        for (int i = 0; i < cfg.levels().size(); i++) {
            generatorsNeeded |= Rows.read(dir.resolve("fermi").resolve(SynthesisConfig.levelName(i))) == null;
        }
        SynthesisRun run = SynthesisRun.make(cfg, dir, log, synthesisListener, carry, generatorsNeeded);
        SynthesisConfig sc = run.config();
        Prototype proto = run.prototype();
        Levels levels = new Levels(sc, proto.validationQuality(), proto.testQuality(), cfg.loosestLevel());
        step = step.judgingAt(levels);
        List<Row> rows = new ArrayList<>();
        for (String name : cfg.references()) {
            Row r = fromScratch.get(name);
            // the prototype's row too: it is measured by the step that ran before the levels were known
            rows.add(levels.verdict(r != null ? r : references.prototype(name, run), null));
        }
        FermiNets ferminets = new FermiNets(cfg, dir, run, data, step, levels, log);
        List<Row> fermi = ferminets.rows();
        rows.addAll(fermi);
        FreshSeeds.Outcome fresh = FreshSeeds.of(cfg, dir, run, ferminets, data, step, log, carry);
        double fermiEpochs = fermi.stream().mapToDouble(Row::trainEpochs).sum();
        double b = run.epochs() + fermiEpochs;
        double p = proto.trainingEpochs() > 0 ? proto.trainingEpochs() : sc.prototypeTraining().epochs();
        Map<String, Double> methodEpochs = new LinkedHashMap<>();
        methodEpochs.put("gensynth", b);
        Alternative.Context ctx = new Alternative.Context(dir, sc, cfg, data, step, levels, log, run.prototypeModel(),
                run.prototypeMetrics(), ferminets.finetuneRecipe());
        for (Alternative alt : Alternative.ALL) {
            if (cfg.alternatives().contains(alt.key())) {
                List<Row> w = alt.rows(ctx, fermi, p, b);
                rows.addAll(w);
                methodEpochs.put(alt.method(), w.stream().mapToDouble(Row::trainEpochs).sum());
            }
        }
        List<Results.Noise> noise = new SeedSpread(dir, cfg.noiseSeeds(), step, log).of(run, rows);
        Results.Budget budget = new Results.Budget(p, run.epochs(), fermiEpochs, b, methodEpochs);
        ModelDir pm = run.prototypeModel();
        // the prototype is the latency fronts' reference point; the floor is the least network of this shape
        NetworkSpec least = dev.gensynth.zoo.Zoo.trivial(data.sampleShape(), data.classes(), sc.data().task());
        // the smallest networks G can make, with the prototype's operators (fewer to run) and, where G may change
        // them, with every operator choice taken (fewer MACs): the faster of the two is what the depth allows
        List<NetworkSpec> smallest = new ArrayList<>(List.of(dev.gensynth.generator.Generator.smallest(pm.spec(),
                sc.search().widths(), sc.search().skipBlocks(), false)));
        if (sc.search().operators()) {
            smallest.add(dev.gensynth.generator.Generator.smallest(pm.spec(), sc.search().widths(),
                    sc.search().skipBlocks(), true));
        }
        SideBySide.Timed timed = SideBySide.of(dir, rows, fresh.rows(), pm.spec(), pm.weights(pm.spec()), least,
                smallest, step, sc.seed(), log);
        // judged again with the latency timed now, where r bounds it
        List<Row> judged = timed.rows().stream().map(x -> levels.verdict(x, dropOf(x))).toList();
        List<Row> freshJudged = timed.fresh().stream().map(x -> levels.verdict(x, null)).toList();
        Results r = Results.of(cfg, sc, dev.gensynth.task.Task.of(data.test()).metric(), run.prototypeMetrics(),
                proto.validationQuality(), proto.testQuality(), run.dir(), judged, budget, noise,
                timed.prototypeMs(), timed.floorMs(), timed.smallestMs(), new FreshSeeds.Outcome(freshJudged, fresh.promise()),
                timed.spreadMedian(), timed.spreadMax());
        r.write(dir);
        BenchmarkReport.write(r, dir.resolve("report.html"));
        log.accept("benchmark results in " + dir + " (results.md, results.csv, results.json, report.html)");
        return r;
    }
}

package dev.gensynth.synthesis;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.djl.Network;
import dev.gensynth.export.Export;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.generator.Slicer;
import dev.gensynth.inquisitor.Promise;
import dev.gensynth.latency.LatencyModel;
import dev.gensynth.latency.LatencyTable;
import dev.gensynth.metrics.Cost;
import dev.gensynth.task.Measure;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.OutputDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.requirements.Verdict;
import dev.gensynth.seed.Seed;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.Recipes;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import dev.gensynth.utility.Utility;
import dev.gensynth.spec.NetworkSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The payoff: the learned generator makes a network per fresh seed; each is fine-tuned, judged
 * on the test split against r (with the prototype's test top-1 as the yardstick) and U, and
 * saved as a model directory.
 */
public final class Generation {
    private Generation() {
    }

    /**
     * One generated network and its verdict on the test split. One whose fine-tuning diverged has no
     * model directory, metrics without accuracy, NaN utility, and the divergence as its reason.
     *
     * @param predictedLatencyMs what the run's latency model predicted, when G aimed at latency (else null)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Generated(long seed, String network, Path modelDir, Metrics metrics, boolean met,
            List<String> reasons, double utility, double finetuneEpochs, double seconds, Path onnx,
            Double predictedLatencyMs) {
    }

    /** What the run's final generator promised ({@link Promise}), or null for a run that did not sample it. */
    public static Promise promise(Path runDir) {
        return promise(runDir, null);
    }

    /** What level {@code level}'s generator (null: the run's own) promised, or null. */
    public static Promise promise(Path runDir, String level) {
        Path g = runDir.resolve("generator");
        Path f = (level == null ? g : g.resolve(LevelGenerators.DIR).resolve(level)).resolve(Synthesis.PROMISE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return RunDir.JSON.readValue(f.toFile(), Promise.class);
        } catch (IOException e) {
            throw new UserError(f + " cannot be read (" + e.getMessage() + "); the generator itself is fine, and"
                    + " 'gensynth generate' works without it once it is removed");
        }
    }

    /** The run's latency model, when G aimed at latency; else null. */
    static LatencyModel latencyModel(Path runDir) {
        Path f = runDir.resolve(Synthesis.LATENCY_MODEL);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return LatencyModel.load(f, LatencyTable.forMachine());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param epochs fine-tuning per network; null takes the run config's {@code generate} recipe
     * @param out where the model directories go (default: RUN/generated)
     */
    public static List<Generated> run(Path runDir, List<Seed> seeds, Double epochs, Path out, boolean force,
            boolean exportOnnx, Function<String, TrainListener> listeners) {
        return run(runDir, null, seeds, epochs, out, force, exportOnnx, listeners);
    }

    /**
     * As {@link #run(Path, List, Double, Path, boolean, boolean, Function)}, from the generator of requirement
     * level {@code level} (A, B, ...; null: the run's own): its final fine-tuning budget unless {@code epochs}
     * says otherwise, judged at that level, into {@code RUN/generated-X} by default.
     */
    public static List<Generated> run(Path runDir, String level, List<Seed> seeds, Double epochs, Path out,
            boolean force, boolean exportOnnx, Function<String, TrainListener> listeners) {
        RunDir run = new RunDir(runDir);
        if (!Files.isRegularFile(run.config())) {
            throw new UserError(runDir + " is not a synthesis run directory (no run.yaml); pass the directory "
                    + "'gensynth synthesize' wrote");
        }
        LevelGenerators.Level lv = level == null ? null : LevelGenerators.read(runDir, level);
        Path genFolder = level == null ? runDir.resolve("generator")
                : runDir.resolve("generator").resolve(LevelGenerators.DIR).resolve(level);
        if (!Files.isRegularFile(genFolder.resolve("generator.json"))) {
            throw new UserError("run " + runDir + " has no learned generator yet (the synthesis has not finished); "
                    + "finish it with 'gensynth synthesize --resume " + runDir + "'");
        }
        SynthesisConfig cfg = SynthesisConfig.load(run.config());
        GeneratorState state = RunDir.loadGenerator(genFolder);
        Path target = OutputDir.prepare(out != null ? out : level == null ? run.generatedDir()
                : runDir.resolve("generated-" + level), force, "--force");
        DataSource.Data data = cfg.data().load(cfg.folderShape());
        Prototype proto = PrototypeStage.prepare(cfg, run, data,
                PrototypeStage.spec(cfg, data.sampleShape(), data.classes()), TrainListener.SILENT);
        TrainConfig recipe = recipe(runDir, cfg, lv, epochs, data.train().size());
        Requirements req = cfg.requirements();
        Requirements judge = lv == null ? req
                : new Requirements(null, lv.drop(), req.maxMacs(), req.maxParams(), req.maxLatencyMs(), req.metric());
        Utility u = cfg.utility();
        Generator g = new Generator(state, cfg.search().widths());
        Distillation teacher = cfg.teacher(proto.spec(), proto.weights(), data.train());
        LatencyModel latencyModel = latencyModel(runDir);
        List<Generated> result = new ArrayList<>();
        for (Seed s : seeds) {
            long t0 = System.nanoTime();
            Slicer.Cut cut = g.generate(s);
            Double predicted = latencyModel == null ? null : latencyModel.predict(cut.spec());
            Path dir = target.resolve("seed-" + s.value());
            try (Network net = Network.create(cut.spec(), cut.weights())) {
                TrainConfig c = seeded(recipe, s);
                TrainResult r;
                try {
                    r = Trainer.train(net, data.train(), data.validation(), c, teacher,
                            listeners.apply(cut.spec().name()));
                } catch (DivergedException e) {
                    // weights that are not numbers are not worth saving; the other seeds go on
                    result.add(new Generated(s.value(), cut.spec().name(), null, Metrics.fromCost(cut.spec().name(),
                            Cost.of(cut.spec())), false, List.of(e.reason()), Double.NaN, e.epochsRun(),
                            (System.nanoTime() - t0) / 1e9, null, predicted));
                    continue;
                }
                Metrics m = Measure.of(net, data.test(), "test", 50);
                // r's latency is the deployment runtime's, as the inquisitor judged candidates by
                OnnxLatency.Timed ort = OnnxLatency.fastest(cut.spec(), r.weights(), Measure.WARMUP, 50);
                m = m.withOnnxLatency(ort.ms(), ort.threads());
                Observation o = new Observation(m.quality(), m.params(), m.macs(), m.onnxLatencyMs(), "test");
                Verdict v = judge.check(o, proto.testQuality());
                m = new ModelDir(dir).save(cut.spec(), r.weights(), m);
                new TrainingRecord(cfg.data(), data.normalization(), c, r.epochs(), r.seconds(), r.imagesPerSecond())
                        .save(dir);
                Path onnx = null;
                if (exportOnnx) {
                    onnx = dir.resolve("model.onnx");
                    var test = data.test().head(32);
                    Export.run(cut.spec(), r.weights(), m, onnx, Export.Options.defaults().withInputs(test.x(),
                            test.size()).withLatency(ort.threads(), Measure.WARMUP, 50));
                }
                result.add(new Generated(s.value(), cut.spec().name(), dir, m, v.met(), v.reasons(), u.score(o),
                        r.epochsRun(), (System.nanoTime() - t0) / 1e9, onnx, predicted));
            }
        }
        if (latencyModel != null) {
            latencyModel.keepTable();
        }
        try {
            RunDir.JSON.writeValue(target.resolve("generated.json").toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Beside the run's own generator: its final fine-tuning, in passes over the training split. */
    static final String FINETUNE = "finetune.json";

    static void keepFinetuneEpochs(Path generatorDir, double epochs) throws IOException {
        RunDir.JSON.writeValue(generatorDir.resolve(FINETUNE).toFile(), java.util.Map.of("epochs", epochs));
    }

    /**
     * The final fine-tuning the run's own generator states (the generate recipe's epochs times log2 of its parent's
     * MACs reduction, as a level's); a run handed over before it was stated has the generate recipe's epochs.
     */
    public static double finetuneEpochs(Path runDir, SynthesisConfig cfg) {
        Path f = runDir.resolve("generator").resolve(FINETUNE);
        if (!Files.isRegularFile(f)) {
            return cfg.generateFinetune().epochs();
        }
        try {
            return RunDir.JSON.readTree(f.toFile()).path("epochs").asDouble(cfg.generateFinetune().epochs());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * The fine-tuning a generated network of run {@code runDir} gets: the run's generate recipe for {@code epochs}
     * (null: level {@code lv}'s final budget, or without a level the run's own generator's), with at least its least
     * number of updates on a training split of {@code trainSize} images.
     */
    public static TrainConfig recipe(Path runDir, SynthesisConfig cfg, LevelGenerators.Level lv, Double epochs,
            int trainSize) {
        return Recipes.finetuneOn(cfg.generateFinetune().withEpochs(epochs != null ? epochs
                : lv != null ? lv.finetuneEpochs() : finetuneEpochs(runDir, cfg)), trainSize);
    }

    /** {@code recipe} seeded for the network of {@code seed}: its batch order and the like follow from the seed. */
    public static TrainConfig seeded(TrainConfig recipe, Seed seed) {
        return recipe.withSeed(seed.derive("generate", 0).value());
    }

    /** The prototype's test metrics (from its model directory), for side-by-side tables. */
    public static Metrics prototypeMetrics(Path runDir) {
        ModelDir d = new ModelDir(new RunDir(runDir).prototypeDir());
        Metrics m = d.metrics().orElseThrow();
        if (m.onnxLatencyMs() != null && m.onnxLatencyThreads() != null || m.latencyThreads() == null) {
            return m;
        }
        // the generated networks' latency in ONNX Runtime needs the prototype's beside it, on this machine, timed
        // the same way
        NetworkSpec spec = d.spec();
        OnnxLatency.Timed ort = OnnxLatency.fastest(spec, d.weights(spec), Measure.WARMUP, 50);
        return m.withOnnxLatency(ort.ms(), ort.threads());
    }
}

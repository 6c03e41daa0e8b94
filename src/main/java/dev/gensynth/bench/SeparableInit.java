package dev.gensynth.bench;

import dev.gensynth.data.DataSource;
import dev.gensynth.djl.Network;
import dev.gensynth.generator.Operators;
import dev.gensynth.generator.StructuralUnit;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.task.Task;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a convolution made depthwise-separable should inherit its weights: the factorisation G uses (the best
 * rank-1 approximation per input channel, {@link Operators.Separable}) against fresh initialisation of the
 * depthwise and pointwise parts with every other weight inherited, both fine-tuned with the run's candidate
 * recipe and its distillation from the trained prototype, on the run's own splits. The convolutions changed
 * are those of the run's trained prototype whose names match {@code --layers}. Writes a Markdown table of
 * validation quality before and after fine-tuning, per seed.
 */
public final class SeparableInit {
    private static final String USAGE = "SeparableInit --run RUN --out FILE.md [--layers REGEX] [--epochs 1]"
            + " [--seeds 1,2]";

    private SeparableInit() {
    }

    public static void main(String[] args) {
        BenchCli.exit(BenchCli.run("SeparableInit", System.err, () -> measure(args)));
    }

    private static int measure(String[] args) throws IOException {
        Path runDir = null;
        Path out = null;
        String layers = "s\\d+b\\d+_conv\\d+";
        double epochs = 1;
        long[] seeds = {1, 2};
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--run" -> runDir = Path.of(a.value(opt));
                case "--out" -> out = Path.of(a.value(opt));
                case "--layers" -> layers = a.value(opt);
                case "--epochs" -> epochs = Double.parseDouble(a.value(opt));
                case "--seeds" -> seeds = java.util.Arrays.stream(a.value(opt).split(",")).map(String::trim)
                        .mapToLong(Long::parseLong).toArray();
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (runDir == null || out == null) {
            throw a.error("--run RUN and --out FILE.md are both needed");
        }
        BenchCli.offline();
        RunDir run = new RunDir(runDir);
        Path protoDir = run.prototypeDir();
        if (!Files.isRegularFile(protoDir.resolve("weights.npz"))) {
            throw a.error(runDir + " has no trained prototype (" + protoDir.resolve("weights.npz") + ")");
        }
        SynthesisConfig cfg = SynthesisConfig.load(run.config());
        DataSource.Data data = cfg.data().load(cfg.folderShape());
        NetworkSpec proto = SpecIO.read(protoDir.resolve("spec.json"));
        Weights protoWeights = Weights.load(protoDir.resolve("weights.npz"));
        String pattern = layers;
        List<Operators.Separable> units = Operators.of(proto).stream()
                .filter(u -> u instanceof Operators.Separable s && s.layer().matches(pattern))
                .map(u -> (Operators.Separable) u).toList();
        List<String> keys = units.stream().map(StructuralUnit::key).toList();
        if (keys.isEmpty()) {
            throw a.error("no convolution of " + proto.name() + " that could be made separable matches --layers '"
                    + layers + "'");
        }
        StructuralUnit.Changed factored = StructuralUnit.apply(proto, protoWeights, keys);
        NetworkSpec spec = factored.spec();
        Distillation teacher = cfg.teacher(proto, protoWeights, data.train());
        List<String> md = new ArrayList<>();
        md.add("# Depthwise-separable convolutions: factorised or freshly initialised");
        md.add("");
        md.add(String.format(Locale.ROOT, "Run `%s`, prototype %s (%,d MACs), %d convolutions made separable "
                + "(`--layers %s`): %,d MACs. Fine-tuning: the run's candidate recipe for %.2f epochs%s; quality "
                + "(%s) on the run's validation split (%,d images).", runDir.getFileName(), proto.name(),
                Cost.of(proto).macs(), keys.size(), layers, Cost.of(spec).macs(), epochs,
                teacher == null ? ", labels only" : ", distilled from the prototype",
                Task.of(data.validation()).metric(), data.validation().size()));
        md.add("");
        md.add("| inheritance | seed | before fine-tuning | after |");
        md.add("|---|---:|---:|---:|");
        Map<String, List<Double>> after = new LinkedHashMap<>();
        for (long seed : seeds) {
            for (String arm : List.of("factorised", "fresh")) {
                Weights w = arm.equals("factorised") ? factored.weights() : fresh(factored.weights(), spec, units,
                        seed);
                double before;
                double tuned;
                try (Network net = Network.create(spec, w)) {
                    before = Task.qualityOf(net, data.validation());
                    TrainConfig recipe = cfg.finetune().withEpochs(epochs).withSeed(seed);
                    Weights t = Trainer.train(net, data.train(), null, recipe, teacher, TrainListener.SILENT)
                            .weights();
                    try (Network trained = Network.create(spec, t)) {
                        tuned = Task.qualityOf(trained, data.validation());
                    }
                }
                after.computeIfAbsent(arm, k -> new ArrayList<>()).add(tuned);
                md.add(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |", arm, seed, before, tuned));
                System.err.printf(Locale.ROOT, "%s seed %d: %.2f -> %.2f%n", arm, seed, before, tuned);
            }
        }
        try (Network net = Network.create(proto, protoWeights)) {
            md.add("");
            md.add(String.format(Locale.ROOT, "The prototype: %.2f on the same images. Mean after fine-tuning: "
                    + "factorised %.2f, fresh %.2f.", Task.qualityOf(net, data.validation()),
                    mean(after.get("factorised")), mean(after.get("fresh"))));
        }
        md.add("");
        BenchCli.writeReport(out, md, "`SeparableInit " + String.join(" ", args) + "`");
        return 0;
    }

    /** {@code inherited} with the depthwise and pointwise parts of each changed convolution drawn afresh. */
    private static Weights fresh(Weights inherited, NetworkSpec spec, List<Operators.Separable> units, long seed) {
        Weights init = Weights.initial(spec, seed);
        Map<String, Tensor> t = new LinkedHashMap<>(inherited.tensors());
        for (Operators.Separable u : units) {
            for (String name : List.of(u.layer() + Operators.DEPTHWISE_SUFFIX + ".weight", u.layer() + ".weight")) {
                t.put(name, init.get(name));
            }
        }
        return new Weights(t);
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}

package dev.gensynth.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.data.Normalization;
import dev.gensynth.djl.Network;
import dev.gensynth.engine.EngineCheck;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.train.Trainer;
import dev.gensynth.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How fast a kernel setting trains, whether or not it computes right: training steps of a zoo
 * network on Fashion-MNIST (forward, cross-entropy, backward, SGD with momentum, gradient zeroing),
 * timed after warm-up. Unlike {@link TrainThroughput} it does not go through our {@code Trainer},
 * whose divergence guard stops a setting with wrong kernels within a few batches; with
 * {@code --unchecked} it also skips the engine self-check, so a failing setting can be timed. Only
 * the times of such a run mean anything.
 *
 * <p>Usage: {@code KernelTiming [--arch resnet] [--batch-size 128] [--warmup-batches 5]
 * [--batches 40] [--unchecked] --out FILE.json}.
 */
public final class KernelTiming {
    private KernelTiming() {
    }

    static final String USAGE = "KernelTiming [--arch NAME] [--batch-size N] [--warmup-batches N] [--batches N]"
            + " [--unchecked] --out FILE.json";

    public static void main(String[] args) {
        BenchCli.exit(run(System.err, args));
    }

    /** The whole main, with its user errors as one line on {@code err}; returns the exit code. */
    static int run(java.io.PrintStream err, String... args) {
        return BenchCli.run("KernelTiming", err, () -> time(args));
    }

    private static int time(String[] args) throws IOException {
        String arch = "resnet";
        int batch = 128;
        int warmup = 5;
        int batches = 40;
        boolean unchecked = false;
        Path out = null;
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--arch" -> arch = a.value(opt);
                case "--batch-size" -> batch = a.intValue(opt, 1);
                case "--warmup-batches" -> warmup = a.intValue(opt, 0);
                case "--batches" -> batches = a.intValue(opt, 1);
                case "--unchecked" -> unchecked = true;
                case "--out" -> out = Path.of(a.value(opt));
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (out == null) {
            throw a.error("--out FILE.json is missing");
        }
        if (!Zoo.names().contains(arch)) {
            throw a.error("unknown --arch '" + arch + "' (built-in architectures: " + String.join(", ", Zoo.names())
                    + ")");
        }
        Files.createDirectories(out.toAbsolutePath().getParent()); // before the timing, not after it
        if (unchecked) {
            EngineCheck.skipForTimingOnly();
        }
        Dataset raw = MnistLike.load(MnistLike.FASHION_MNIST_DIR, true, MnistLike.Flavor.FASHION_MNIST);
        Dataset train = Normalization.fit(raw).apply(raw);
        NetworkSpec spec = Zoo.get(arch, Shape.of(1, 28, 28), train.classes());
        if (train.size() <= batch) {
            throw new dev.gensynth.UserError("--batch-size " + batch + " needs more than " + batch
                    + " training images, " + MnistLike.FASHION_MNIST_DIR + " has " + train.size()
                    + " — pass a smaller --batch-size");
        }
        int per = train.sampleElements();
        double[] ms = new double[batches];
        try (Network net = Network.create(spec, Weights.initial(spec, 42));
                ai.djl.training.Trainer trainer = net.model().newTrainer(
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build()))) {
            for (int b = 0; b < warmup + batches; b++) {
                long t0 = System.nanoTime();
                int start = (b * batch) % (train.size() - batch);
                try (NDManager m = net.model().getNDManager().newSubManager()) {
                    NDArray x = m.create(Arrays.copyOfRange(train.x(), start * per, (start + batch) * per),
                            new ai.djl.ndarray.types.Shape(spec.input().withBatch(batch)));
                    NDArray y = m.create(Arrays.copyOfRange(train.y(), start, start + batch));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(x)).get(0);
                        gc.backward(dev.gensynth.task.Classification.crossEntropy(logits, y, train.classes(), 0));
                    }
                    trainer.step();
                }
                Trainer.zeroGradients(net);
                if (b >= warmup) {
                    ms[b - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double total = Arrays.stream(ms).sum();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("network", spec.name());
        o.put("params", Cost.of(spec).params());
        o.put("macs", Cost.of(spec).macs());
        o.put("kernels", EngineCheck.setting());
        o.put("unchecked", unchecked);
        o.put("batch_size", batch);
        o.put("warmup_batches", warmup);
        o.put("batches", batches);
        o.put("images_per_second", batches * batch / (total / 1e3));
        o.put("median_batch_ms", sorted[sorted.length / 2]);
        o.set("provenance", json.valueToTree(Provenance.current()));
        Files.writeString(out, json.writeValueAsString(o) + "\n");
        System.out.printf("%s with kernels %s: %.0f img/s (median batch %.1f ms)%n", spec.name(), EngineCheck.setting(),
                batches * batch / (total / 1e3), sorted[sorted.length / 2]);
        return 0;
    }
}

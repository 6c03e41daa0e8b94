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

    public static void main(String[] args) throws IOException {
        String arch = "resnet";
        int batch = 128;
        int warmup = 5;
        int batches = 40;
        boolean unchecked = false;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--arch" -> arch = args[++i];
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                case "--warmup-batches" -> warmup = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Integer.parseInt(args[++i]);
                case "--unchecked" -> unchecked = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("KernelTiming: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (out == null || batches < 1 || warmup < 0 || batch < 1) {
            System.err.println("usage: KernelTiming [--arch NAME] [--batch-size N] [--warmup-batches N] [--batches N]"
                    + " [--unchecked] --out FILE.json");
            System.exit(2);
        }
        if (unchecked) {
            EngineCheck.skipForTimingOnly();
        }
        Dataset raw = MnistLike.load(MnistLike.FASHION_MNIST_DIR, true, MnistLike.Flavor.FASHION_MNIST);
        Dataset train = Normalization.fit(raw).apply(raw);
        NetworkSpec spec = Zoo.get(arch, Shape.of(1, 28, 28), train.classes());
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
                        gc.backward(Trainer.crossEntropy(logits, y, train.classes(), 0));
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
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writeValueAsString(o) + "\n");
        System.out.printf("%s with kernels %s: %.0f img/s (median batch %.1f ms)%n", spec.name(), EngineCheck.setting(),
                batches * batch / (total / 1e3), sorted[sorted.length / 2]);
    }
}

package dev.gensynth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.data.Normalization;
import dev.gensynth.djl.Network;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import dev.gensynth.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * Training throughput of our {@link Trainer} on Fashion-MNIST, for comparison with PyTorch in
 * Python ({@code bench/torch_train.py}) on the identical network: the spec is written next to the
 * results so the Python side builds the same graph.
 *
 * <p>One training run of {@code warmup + batches} updates is made (SGD, Nesterov momentum 0.9,
 * lr 0.05, weight decay 5e-4, no augmentation, batch 128 by default). Throughput counts only the
 * measured batches: the clock starts when the last warm-up batch has finished (its
 * {@link TrainListener#onBatch} call) and stops after the last measured one, so engine start-up,
 * JIT compilation and first-iteration allocations are excluded.
 *
 * <p>Usage: {@code TrainThroughput [--arch resnet | --spec FILE] [--threads N] [--batch-size 128]
 * [--warmup-batches 5] [--batches 30] [--out FILE.json]}. Threads are the PyTorch intra-op
 * threads (the property {@code ai.djl.pytorch.num_threads}); pass it before the engine starts.
 *
 * <p>With {@code --check-dir DIR} it also writes the initial weights ({@code weights.npz}), a few
 * normalised training images and our inference-mode logits for them ({@code check.json}), so the
 * Python side can prove that its model computes the same function, not just has as many
 * parameters.
 */
public final class TrainThroughput {
    private TrainThroughput() {
    }

    public static void main(String[] args) throws IOException {
        String arch = "resnet";
        Path specFile = null;
        Integer threads = null;
        int batch = 128;
        int warmup = 5;
        int batches = 30;
        double lr = 0.05;
        Path out = Path.of("bench/results/train_throughput_gensynth.json");
        Path checkDir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: TrainThroughput [--arch NAME | --spec FILE] [--threads N] [--batch-size N]"
                        + " [--warmup-batches N] [--batches N] [--lr X] [--out FILE.json] [--check-dir DIR]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--arch" -> arch = v;
                case "--spec" -> specFile = Path.of(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--batch-size" -> batch = Integer.parseInt(v);
                case "--warmup-batches" -> warmup = Integer.parseInt(v);
                case "--batches" -> batches = Integer.parseInt(v);
                case "--lr" -> lr = Double.parseDouble(v);
                case "--out" -> out = Path.of(v);
                case "--check-dir" -> checkDir = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (batches < 1 || warmup < 0 || batch < 1) {
            throw new IllegalArgumentException("need --batches >= 1, --warmup-batches >= 0, --batch-size >= 1");
        }
        // DJL reads the thread count when the engine starts, i.e. at the first Network below.
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        String threadProp = System.getProperty("ai.djl.pytorch.num_threads");

        Dataset raw = MnistLike.load(MnistLike.FASHION_MNIST_DIR, true, MnistLike.Flavor.FASHION_MNIST);
        Normalization norm = Normalization.fit(raw);
        Dataset train = norm.apply(raw);

        NetworkSpec spec = specFile != null ? SpecIO.read(specFile)
                : Zoo.get(arch, Shape.of(1, 28, 28), train.classes());
        Cost cost = Cost.of(spec);
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path specOut = dir.resolve(spec.name() + ".spec.json");
        Files.writeString(specOut, SpecIO.toJson(spec));

        int n = train.size();
        int total = warmup + batches;
        // Trainer runs floor(epochs * n / batch) updates (budgets are "at most"), so exactly total.
        double epochs = (double) total * batch / n;
        TrainConfig cfg = new TrainConfig(epochs, batch, "sgd", lr, 0.9, true, 5e-4, 0, 0, 0, 0, false, 42);

        long[] stamps = new long[total + 1];
        int finalWarmup = warmup;
        TrainListener clock = new TrainListener() {
            @Override
            public void onStart(String network, long totalUpdates) {
                if (totalUpdates != total) {
                    throw new IllegalStateException("trainer plans " + totalUpdates + " updates, expected " + total);
                }
                stamps[0] = System.nanoTime();
            }

            @Override
            public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                stamps[(int) update] = System.nanoTime();
                if (update == finalWarmup || update == total) {
                    System.err.printf("gensynth: batch %d/%d loss %.4f%n", update, total, loss);
                }
            }
        };
        TrainResult r;
        long djlParams;
        System.err.printf("gensynth: training %s (%d params, %.1f M MACs) for %d warm-up + %d measured batches of %d,"
                + " threads %s%n", spec.name(), cost.params(), cost.macsMillions(), warmup, batches, batch, threadProp);
        Weights initial = Weights.initial(spec, cfg.seed());
        if (checkDir != null) {
            writeCheck(spec, initial, train, checkDir);
        }
        try (Network net = Network.create(spec, initial)) {
            djlParams = net.block().djlTrainableParameters();
            r = Trainer.train(net, train, null, cfg, clock);
        }
        double measuredSecs = (stamps[total] - stamps[warmup]) / 1e9;
        double ips = (double) batches * batch / measuredSecs;
        double[] perBatchMs = new double[batches];
        for (int i = 0; i < batches; i++) {
            perBatchMs[i] = (stamps[warmup + i + 1] - stamps[warmup + i]) / 1e6;
        }
        double[] sorted = perBatchMs.clone();
        Arrays.sort(sorted);
        double medianMs = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("side", "gensynth");
        o.put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch "
                + ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        o.put("network", spec.name());
        o.put("spec", specOut.toString());
        o.put("params", cost.params());
        o.put("djl_params", djlParams);
        o.put("macs", cost.macs());
        o.put("threads", threadProp == null ? "default" : threadProp);
        o.put("batch_size", batch);
        o.put("warmup_batches", warmup);
        o.put("batches", batches);
        o.put("learning_rate", lr);
        o.put("measured_seconds", measuredSecs);
        o.put("images_per_second", ips);
        o.put("median_batch_ms", medianMs);
        o.put("median_images_per_second", batch / (medianMs / 1e3));
        o.put("images_per_second_incl_warmup", r.imagesPerSecond());
        o.put("final_train_loss", r.epochs().isEmpty() ? Double.NaN
                : r.epochs().get(r.epochs().size() - 1).trainLoss());
        var ms = o.putArray("batch_ms");
        for (double d : perBatchMs) {
            ms.add(Math.round(d * 10) / 10.0);
        }
        var nm = o.putObject("normalization");
        nm.put("mean", norm.mean()[0]);
        nm.put("std", norm.std()[0]);
        o.put("finished", Instant.now().toString());
        o.set("provenance", json.valueToTree(Provenance.current()));
        Files.writeString(out, json.writeValueAsString(o) + "\n");
        System.out.printf("gensynth %s: %.1f img/s (median batch %.1f ms) over %d batches of %d, %d params, %.1f M MACs"
                + " -> %s%n", spec.name(), ips, medianMs, batches, batch, cost.params(), cost.macsMillions(), out);
    }

    /** Initial weights plus inputs and inference-mode logits for the Python side's equivalence check. */
    private static void writeCheck(NetworkSpec spec, Weights weights, Dataset train, Path dir) throws IOException {
        Files.createDirectories(dir);
        weights.save(dir.resolve("weights.npz"));
        int k = Math.min(8, train.size());
        int per = train.sampleElements();
        float[] x = Arrays.copyOf(train.x(), k * per);
        float[] logits;
        try (Network net = Network.create(spec, weights)) {
            logits = net.predict(x, k);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("count", k);
        var in = o.putArray("input");
        for (float f : x) {
            in.add(f);
        }
        var lo = o.putArray("logits");
        for (float f : logits) {
            lo.add(f);
        }
        Files.writeString(dir.resolve("check.json"), json.writeValueAsString(o));
    }
}

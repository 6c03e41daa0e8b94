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
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.StepPhase;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one training step of the real {@link Trainer} goes: the wall time of each
 * {@link StepPhase} (CPU kernels are synchronous, so time between two marks is that part's
 * cost), per step after warm-up, and how many native tensors each part creates (a proxy for
 * the native calls it makes; counted on separate steps, since counting walks every tensor).
 * Same recipe as {@link TrainThroughput}: SGD Nesterov, batch 128, Fashion-MNIST, no augmentation; with
 * {@code --dataset} the training split of another dataset (the composed segmentation or detection canvases: the
 * network then is one of that task's zoo architectures).
 *
 * <p>Usage: {@code StepProfile --arch NAME [--dataset KIND] [--batch-size 128] [--warmup-batches 5] [--batches 20]
 * --out FILE.json}; NAME is a zoo architecture or {@code generated} ({@link BenchNetworks}).
 * Threads are the engine's ({@code -Dai.djl.pytorch.num_threads}).
 */
public final class StepProfile {
    private static final StepPhase[] PHASES = StepPhase.values();

    private StepProfile() {
    }

    private static final String USAGE = "StepProfile --out FILE.json [--arch NAME] [--dataset KIND] [--batch-size 128]"
            + " [--warmup-batches 5] [--batches 20] [--shards 2] [--jit-warmup-seconds 20]"
            + " [--torch-profile TRACE.json]";

    public static void main(String[] args) {
        BenchCli.exit(BenchCli.run("StepProfile", System.err, () -> profile(args)));
    }

    private static int profile(String[] args) throws IOException {
        String arch = "resnet";
        String dataset = "fashion-mnist";
        int batch = 128;
        int warmup = 5;
        int batches = 20;
        Path out = null;
        Path torchProfile = null;
        int shards = TrainConfig.DEFAULT_SHARDS;
        int jitWarmup = 20;
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--arch" -> arch = a.value(opt);
                case "--dataset" -> dataset = a.value(opt);
                case "--batch-size" -> batch = a.intValue(opt, 1);
                case "--warmup-batches" -> warmup = a.intValue(opt, 0);
                case "--batches" -> batches = a.intValue(opt, 1);
                case "--out" -> out = Path.of(a.value(opt));
                case "--torch-profile" -> torchProfile = Path.of(a.value(opt));
                case "--shards" -> shards = a.intValue(opt, 1);
                case "--jit-warmup-seconds" -> jitWarmup = a.intValue(opt, 0);
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (out == null) {
            throw a.error("--out is required");
        }
        BenchCli.offline();

        Dataset train;
        if (dataset.equals("fashion-mnist")) {
            Dataset raw = MnistLike.load(MnistLike.FASHION_MNIST_DIR, true, MnistLike.Flavor.FASHION_MNIST);
            train = Normalization.fit(raw).apply(raw);
        } else {
            train = new dev.gensynth.data.DataSource(dataset, null, 0.1, 1).load(null).train();
        }
        NetworkSpec spec = BenchNetworks.get(arch, train.sampleShape(), train.classes());
        Cost cost = Cost.of(spec);
        Weights initial = Weights.initial(spec, 42);

        int total = warmup + batches;
        int skip = warmup;
        long[][] nanos = new long[batches][PHASES.length];
        long[] stepNanos = new long[batches];
        System.err.printf("StepProfile: %s (%d params, %.1f M MACs), %d warm-up + %d measured steps of %d%n",
                spec.name(), cost.params(), cost.macsMillions(), warmup, batches, batch);
        JitWarmup.run(spec, initial, train, config(total, batch, train.size(), shards), new TrainListener() {
        }, jitWarmup);
        Path profileTo = torchProfile;
        try (Network net = Network.create(spec, initial)) {
            Trainer.train(net, train, null, config(total, batch, train.size(), shards), new TrainListener() {
                long last;
                long stepStart;
                long step;

                @Override
                public void onStart(String network, long totalUpdates) {
                    last = System.nanoTime();
                    stepStart = last;
                }

                @Override
                public void afterPhase(StepPhase phase) {
                    long now = System.nanoTime();
                    if (step >= skip) {
                        nanos[(int) (step - skip)][phase.ordinal()] += now - last;
                    }
                    last = now;
                }

                @Override
                public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                    if (profileTo != null && update == skip) {
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                    }
                    if (profileTo != null && update == total) {
                        ai.djl.pytorch.jni.JniUtils.stopProfile(profileTo.toString());
                    }
                    long now = System.nanoTime();
                    if (step >= skip) {
                        stepNanos[(int) (step - skip)] = now - stepStart;
                    }
                    step = update;
                    stepStart = now;
                    last = now;
                }
            });
        }
        long[] tensors = countTensors(spec, initial, train, batch, shards);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("network", spec.name());
        o.put("dataset", train.name());
        o.put("input", train.sampleShape().toString());
        o.put("params", cost.params());
        o.put("macs", cost.macs());
        o.put("parameter_tensors", spec.parameters().size());
        o.put("batch_size", batch);
        o.put("shards", shards);
        o.put("jit_warmup_seconds", jitWarmup);
        o.put("warmup_batches", warmup);
        o.put("batches", batches);
        o.put("threads", String.valueOf(System.getProperty("ai.djl.pytorch.num_threads", "default")));
        o.put("median_step_ms", median(stepNanos) / 1e6);
        o.put("mean_step_ms", Arrays.stream(stepNanos).average().orElse(0) / 1e6);
        o.put("images_per_second", batch / (median(stepNanos) / 1e9));
        ObjectNode phases = o.putObject("phases");
        double meanStep = Arrays.stream(stepNanos).average().orElse(1);
        for (StepPhase p : PHASES) {
            long[] col = new long[batches];
            for (int i = 0; i < batches; i++) {
                col[i] = nanos[i][p.ordinal()];
            }
            double mean = Arrays.stream(col).average().orElse(0);
            ObjectNode ph = phases.putObject(p.name().toLowerCase());
            ph.put("median_ms", median(col) / 1e6);
            ph.put("mean_ms", mean / 1e6);
            ph.put("share", mean / meanStep);
            ph.put("tensors_created", tensors[p.ordinal()]);
        }
        o.set("provenance", json.valueToTree(Provenance.current()));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writeValueAsString(o) + "\n");
        // the profiled network, for tools that rebuild it (bench/torch_train.py)
        Files.writeString(out.toAbsolutePath().resolveSibling(spec.name() + ".spec.json"), SpecIO.toJson(spec));
        System.out.printf("StepProfile %s: median step %.1f ms (%.0f img/s) -> %s%n", spec.name(),
                median(stepNanos) / 1e6, batch / (median(stepNanos) / 1e9), out);
        return 0;
    }

    /** Native tensors each phase leaves alive, on the third of three steps (counting walks them all). */
    private static long[] countTensors(NetworkSpec spec, Weights initial, Dataset train, int batch, int shards) {
        long[] created = new long[PHASES.length];
        try (Network net = Network.create(spec, initial)) {
            Trainer.train(net, train, null, config(3, batch, train.size(), shards), new TrainListener() {
                long last = -1;
                long step;

                @Override
                public void afterPhase(StepPhase phase) {
                    long now = net.model().getNDManager().getManagedArrays().size();
                    if (step == 2 && last >= 0) {
                        created[phase.ordinal()] = Math.max(0, now - last);
                    }
                    last = now;
                }

                @Override
                public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                    step = update;
                }
            });
        }
        return created;
    }

    /** The recipe of {@link TrainThroughput}, for exactly {@code updates} steps. */
    static TrainConfig config(int updates, int batch, int n, int shards) {
        return new TrainConfig((double) updates * batch / n, batch, "sgd", 0.05, 0.9, true, 5e-4, 0, 0, 0, 0, false,
                42, shards);
    }

    static double median(long[] v) {
        return dev.gensynth.metrics.Latency.median(Arrays.stream(v).asDoubleStream().toArray());
    }
}

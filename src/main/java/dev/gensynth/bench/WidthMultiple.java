package dev.gensynth.bench;

import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.data.Normalization;
import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.generator.Widths;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Latency;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which width multiple makes generated networks fastest for their MACs: the same draws of G over the
 * residual prototype (keep one half of each group's channels, seeds 7, 8, 9) with their widths rounded
 * to each multiple, timed at batch 1 in ONNX Runtime (the deployment runtime) and in a training step
 * of gensynth's trainer (batch 128, the default recipe's shards), interleaved over rounds. Writes a
 * Markdown table with MACs, medians and the spread over rounds.
 */
public final class WidthMultiple {
    private static final String USAGE = "WidthMultiple --out FILE.md [--multiples 1,2,4,8,16] [--rounds 3]"
            + " [--latency-warmup 30] [--latency-runs 200] [--train-warmup 20] [--train-batches 20] [--data DIR]";
    private static final Shape INPUT = Shape.of(1, 28, 28);
    private static final long[] SEEDS = {7, 8, 9};

    private WidthMultiple() {
    }

    public static void main(String[] args) {
        BenchCli.exit(BenchCli.run("WidthMultiple", System.err, () -> measure(args)));
    }

    private static int measure(String[] args) throws IOException {
        Path out = null;
        int[] multiples = {1, 2, 4, 8, 16};
        int rounds = 3;
        int latWarmup = 30;
        int latRuns = 200;
        int trainWarmup = 20;
        int trainBatches = 20;
        Path data = MnistLike.FASHION_MNIST_DIR;
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--out" -> out = Path.of(a.value(opt));
                case "--multiples" -> multiples = Arrays.stream(a.value(opt).split(",")).map(String::trim)
                        .mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = a.intValue(opt, 1);
                case "--latency-warmup" -> latWarmup = a.intValue(opt, 0);
                case "--latency-runs" -> latRuns = a.intValue(opt, 1);
                case "--train-warmup" -> trainWarmup = a.intValue(opt, 0);
                case "--train-batches" -> trainBatches = a.intValue(opt, 1);
                case "--data" -> data = Path.of(a.value(opt));
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (out == null) {
            throw a.error("--out FILE.md is missing");
        }
        BenchCli.offline();
        Dataset raw = MnistLike.load(data, true, MnistLike.Flavor.FASHION_MNIST);
        Dataset train = Normalization.fit(raw).apply(raw);
        int batch = Math.min(128, train.size());
        Path tmp = Files.createTempDirectory("gensynth-width-multiple");
        int n = multiples.length * SEEDS.length;
        NetworkSpec[] specs = new NetworkSpec[n];
        double[][] ort = new double[n][rounds];
        double[][] step = new double[n][rounds];
        for (int m = 0; m < multiples.length; m++) {
            for (int s = 0; s < SEEDS.length; s++) {
                specs[m * SEEDS.length + s] = BenchNetworks.generated(INPUT, train.classes(),
                        new Widths(4, multiples[m]), SEEDS[s]);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                NetworkSpec spec = specs[i];
                Weights w = Weights.initial(spec, 42);
                Path onnx = tmp.resolve(i + ".onnx");
                OnnxExporter.export(spec, w, onnx);
                ort[i][r] = OnnxLatency.measure(onnx, spec.input(), Latency.threads(), latWarmup, latRuns);
                step[i][r] = trainStepMs(spec, w, train, batch, trainWarmup, trainBatches);
                System.err.printf(Locale.ROOT, "round %d/%d: multiple %d seed %d: ONNX Runtime %.3f ms, step %.1f ms%n",
                        r + 1, rounds, multiples[i / SEEDS.length], SEEDS[i % SEEDS.length], ort[i][r], step[i][r]);
            }
        }
        List<String> md = new ArrayList<>();
        md.add("# Width multiples: latency of generated networks for their MACs");
        md.add("");
        md.add(String.format(Locale.ROOT, "`bench/width_multiple.sh`: G(s) over the residual prototype keeping each "
                + "channel with probability 1/2 (seeds %s), widths rounded to each multiple (at least 4 channels, "
                + "then rounded up); ONNX Runtime batch-1 latency (median of %d after %d warm-up, %d threads) and a "
                + "training step of gensynth's trainer (median of %d after %d warm-up, batch %d, the default "
                + "recipe's shards). Per multiple: medians over seeds and %d interleaved rounds, min-max over "
                + "rounds of the per-round median.", Arrays.toString(SEEDS), latRuns, latWarmup, Latency.threads(),
                trainBatches, trainWarmup, batch, rounds));
        md.add("");
        md.add("| multiple | MACs (mean) | ONNX Runtime ms | min–max | µs per M MACs | train step ms | min–max |");
        md.add("|---:|---:|---:|---:|---:|---:|---:|");
        for (int m = 0; m < multiples.length; m++) {
            double macs = 0;
            double[] ortRound = new double[rounds];
            double[] stepRound = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double[] o = new double[SEEDS.length];
                double[] t = new double[SEEDS.length];
                for (int s = 0; s < SEEDS.length; s++) {
                    o[s] = ort[m * SEEDS.length + s][r];
                    t[s] = step[m * SEEDS.length + s][r];
                }
                ortRound[r] = Latency.median(o);
                stepRound[r] = Latency.median(t);
            }
            for (int s = 0; s < SEEDS.length; s++) {
                macs += Cost.of(specs[m * SEEDS.length + s]).macs() / (double) SEEDS.length;
            }
            double o = Latency.median(ortRound);
            md.add(String.format(Locale.ROOT, "| %d | %.2f M | %.3f | %.3f–%.3f | %.1f | %.1f | %.1f–%.1f |",
                    multiples[m], macs / 1e6, o, min(ortRound), max(ortRound), o * 1e3 / (macs / 1e6),
                    Latency.median(stepRound), min(stepRound), max(stepRound)));
        }
        md.add("");
        BenchCli.writeReport(out, md, "weights seed 42");
        return 0;
    }

    private static double trainStepMs(NetworkSpec spec, Weights w, Dataset train, int batch, int warmup, int batches) {
        long[] last = {0};
        double[] ms = new double[batches];
        int total = warmup + batches;
        TrainConfig cfg = StepProfile.config(total, batch, train.size(), TrainConfig.DEFAULT_SHARDS);
        try (Network net = Network.create(spec, w)) {
            Trainer.train(net, train, null, cfg, new TrainListener() {
                @Override
                public void onStart(String network, long totalUpdates) {
                    last[0] = System.nanoTime();
                }

                @Override
                public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                    long now = System.nanoTime();
                    if (update > warmup) {
                        ms[(int) (update - warmup - 1)] = (now - last[0]) / 1e6;
                    }
                    last[0] = now;
                }
            });
        }
        return Latency.median(ms);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}

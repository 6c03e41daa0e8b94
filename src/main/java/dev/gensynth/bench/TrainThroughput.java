package dev.gensynth.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.data.Normalization;
import dev.gensynth.djl.NativeGate;
import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Latency;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * One network's run of gensynth's side of {@code bench/train_throughput.sh}, compared there with
 * PyTorch in Python ({@code bench/torch_train.py}) on the identical network: the spec is written
 * next to the results so that the Python side builds the same graph.
 *
 * <ol>
 *   <li>Training throughput of our {@link Trainer} on Fashion-MNIST: one training run of
 *       {@code warmup + batches} updates (SGD, Nesterov momentum 0.9, lr 0.05 cosine, weight decay
 *       5e-4, no augmentation, batch 128 by default). Only the measured batches count: the clock
 *       starts when the last warm-up batch has finished (its {@link TrainListener#onBatch} call)
 *       and stops after the last measured one, so engine start-up, JIT compilation and
 *       first-iteration allocations are left out.</li>
 *   <li>Evaluation throughput of the trained network (batch 256 by default, inference mode: through
 *       {@link Network#forward} in a sub-manager per batch, as {@code metrics.Accuracy} does; the
 *       time of a batch includes making the tensor of its images and copying its logits back): the
 *       median batch of {@code --eval-batches} after {@code --eval-warmup}.</li>
 *   <li>Batch-1 latency of the trained network in DJL ({@link Latency#measure}) and in ONNX
 *       Runtime ({@link OnnxLatency#measure}, on its ONNX export), with the same intra-op threads,
 *       as {@link LatencyComparison} measures it.</li>
 *   <li>Peak resident memory ({@code VmHWM}) after the evaluation, i.e. after the same work the
 *       Python side does, and at the end, ONNX Runtime included.</li>
 * </ol>
 *
 * <p>Threads are the PyTorch intra-op threads ({@code -Dai.djl.pytorch.num_threads}, or
 * {@code --threads} before the engine starts). With {@code --check-dir DIR} it also writes the
 * initial weights ({@code weights.npz}), a few normalised training images and our inference-mode
 * logits for them ({@code check.json}), so that the Python side can prove that its model computes
 * the same function, not just has as many parameters. {@code --check-networks NAME...} only
 * resolves the names (for the script, before anything long runs).
 */
public final class TrainThroughput {
    static final String USAGE = "TrainThroughput --network NAME --out FILE.json [--check-dir DIR] [--data DIR]"
            + " [--threads N] [--batch-size 128] [--warmup-batches 5] [--batches 30] [--shards 2]"
            + " [--jit-warmup-seconds 20] [--lr 0.05]"
            + " [--eval-batch-size 256] [--eval-warmup 3] [--eval-batches 20] [--latency-warmup 30]"
            + " [--latency-runs 200] | TrainThroughput --check-networks NAME... | TrainThroughput --peak [--threads N];"
            + " NAME: a zoo architecture or "
            + BenchNetworks.GENERATED + " or " + BenchNetworks.GENERATED_ODD;
    static final Shape INPUT = Shape.of(1, 28, 28);
    static final int CLASSES = 10;
    private static final long SEED = 42;

    private TrainThroughput() {
    }

    public static void main(String[] args) {
        BenchCli.exit(run(System.err, args));
    }

    /** The whole main, with its user errors as one line on {@code err}; returns the exit code. */
    static int run(PrintStream err, String... args) {
        return BenchCli.run("TrainThroughput", err, () -> measure(args));
    }

    private static int measure(String[] args) throws IOException {
        String network = null;
        Path out = null;
        Path checkDir = null;
        Path data = MnistLike.FASHION_MNIST_DIR;
        Integer threads = null;
        int batch = 128;
        int warmup = 5;
        int batches = 30;
        double lr = 0.05;
        int evalBatch = 256;
        int evalWarmup = 3;
        int evalBatches = 20;
        int latencyWarmup = 30;
        int latencyRuns = 200;
        int shards = dev.gensynth.train.TrainConfig.DEFAULT_SHARDS;
        boolean peak = false;
        int jitWarmup = 20;
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String opt = a.next(); opt != null; opt = a.next()) {
            switch (opt) {
                case "--check-networks" -> {
                    return checkNetworks(a);
                }
                case "--peak" -> peak = true;
                case "--network" -> network = a.value(opt);
                case "--out" -> out = Path.of(a.value(opt));
                case "--check-dir" -> checkDir = Path.of(a.value(opt));
                case "--data" -> data = Path.of(a.value(opt));
                case "--threads" -> threads = a.intValue(opt, 1);
                case "--batch-size" -> batch = a.intValue(opt, 1);
                case "--warmup-batches" -> warmup = a.intValue(opt, 0);
                case "--batches" -> batches = a.intValue(opt, 1);
                case "--shards" -> shards = a.intValue(opt, 1);
                case "--jit-warmup-seconds" -> jitWarmup = a.intValue(opt, 0);
                case "--lr" -> lr = positive(a, opt);
                case "--eval-batch-size" -> evalBatch = a.intValue(opt, 1);
                case "--eval-warmup" -> evalWarmup = a.intValue(opt, 0);
                case "--eval-batches" -> evalBatches = a.intValue(opt, 1);
                case "--latency-warmup" -> latencyWarmup = a.intValue(opt, 0);
                case "--latency-runs" -> latencyRuns = a.intValue(opt, 1);
                default -> throw a.error("unknown option '" + opt + "'");
            }
        }
        if (peak) {
            if (threads != null) {
                System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
            }
            BenchCli.offline();
            System.out.printf(java.util.Locale.ROOT, "%.1f%n", attainablePeak());
            return 0;
        }
        if (network == null) {
            throw a.error("--network NAME is missing");
        }
        if (out == null) {
            throw a.error("--out FILE.json is missing");
        }
        BenchNetworks.get(network, INPUT, CLASSES); // a wrong name fails here, before the data is read
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir); // before the measurements, not after them
        // DJL reads the thread count when the engine starts, i.e. at the first Network below.
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        BenchCli.offline();
        String threadProp = System.getProperty("ai.djl.pytorch.num_threads");

        Normalization[] norm = new Normalization[1];
        Dataset train = standardised(data, norm);
        int n = train.size();
        if (batch > n || evalBatch > n) {
            throw new UserError("--batch-size " + batch + " and --eval-batch-size " + evalBatch + " need at most the "
                    + n + " training images of " + data + " — pass smaller batch sizes");
        }
        NetworkSpec spec = BenchNetworks.get(network, INPUT, train.classes());
        Cost cost = Cost.of(spec);
        Path specOut = dir.resolve(network + ".spec.json");
        Files.writeString(specOut, SpecIO.toJson(spec));

        int total = warmup + batches;
        // Trainer runs floor(epochs * n / batch) updates (budgets are "at most"), so exactly total.
        TrainConfig cfg = new TrainConfig((double) total * batch / n, batch, "sgd", lr, 0.9, true, 5e-4, 0, 0, 0, 0,
                false, SEED, shards);
        long[] stamps = new long[total + 1];
        int finalWarmup = warmup;
        TrainListener clock = new TrainListener() {
            @Override
            public void onStart(String name, long totalUpdates) {
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
        System.err.printf("gensynth: training %s (%d params, %.1f M MACs) for %d warm-up + %d measured batches of %d,"
                + " threads %s%n", network, cost.params(), cost.macsMillions(), warmup, batches, batch, threadProp);
        Weights initial = Weights.initial(spec, SEED);
        if (checkDir != null) {
            writeCheck(spec, initial, train, checkDir);
        }
        int jitRuns = JitWarmup.run(spec, initial, train, cfg, clock, jitWarmup);
        if (jitRuns > 0) {
            System.err.printf("gensynth: the same training %d time(s) untimed first, %d s at least (the JIT compiler's"
                    + " time)%n", jitRuns, jitWarmup);
        }
        TrainResult r;
        long djlParams;
        double[] evalMs;
        double djlLatency;
        Weights trained;
        long rssBeforeOrt;
        try (Network net = Network.create(spec, initial)) {
            djlParams = net.block().djlTrainableParameters();
            r = Trainer.train(net, train, null, cfg, clock);
            System.err.printf("gensynth: evaluating %s, %d warm-up + %d measured batches of %d%n", network, evalWarmup,
                    evalBatches, evalBatch);
            evalMs = evaluate(net, train, evalBatch, evalWarmup, evalBatches);
            rssBeforeOrt = peakRssKb();
            djlLatency = Latency.measure(net, latencyWarmup, latencyRuns).medianMs();
            trained = net.weights();
        }
        Path onnx = Files.createTempFile("train-throughput-" + network, ".onnx");
        double ortLatency;
        try {
            OnnxExporter.export(spec, trained, onnx);
            ortLatency = OnnxLatency.measure(onnx, spec.input(), Latency.threads(), latencyWarmup, latencyRuns);
        } finally {
            Files.deleteIfExists(onnx);
        }
        long rssEnd = peakRssKb();

        double measuredSecs = (stamps[total] - stamps[warmup]) / 1e9;
        double ips = (double) batches * batch / measuredSecs;
        double[] perBatchMs = new double[batches];
        for (int i = 0; i < batches; i++) {
            perBatchMs[i] = (stamps[warmup + i + 1] - stamps[warmup + i]) / 1e6;
        }
        double medianMs = Latency.median(perBatchMs);
        double evalMedianMs = Latency.median(evalMs);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("side", "gensynth");
        o.put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " / PyTorch "
                + ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        o.put("network", network);
        o.put("spec", specOut.toString());
        o.put("params", cost.params());
        o.put("djl_params", djlParams);
        o.put("macs", cost.macs());
        o.put("threads", threadProp == null ? "default" : threadProp);
        o.put("batch_size", batch);
        o.put("shards", cfg.shards());
        o.put("jit_warmup_seconds", jitWarmup);
        o.put("jit_warmup_runs", jitRuns);
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
        rounded(o.putArray("batch_ms"), perBatchMs);
        ObjectNode ev = o.putObject("eval");
        ev.put("batch_size", evalBatch);
        ev.put("warmup_batches", evalWarmup);
        ev.put("batches", evalBatches);
        ev.put("median_batch_ms", evalMedianMs);
        ev.put("images_per_second", evalBatch / (evalMedianMs / 1e3));
        ev.put("how", "Network.forward (inference mode, no gradients) in a sub-manager per batch, as"
                + " metrics.Accuracy; timed: making the input tensor, the forward pass, copying the logits back");
        rounded(ev.putArray("batch_ms"), evalMs);
        ObjectNode lat = o.putObject("latency");
        lat.put("warmup", latencyWarmup);
        lat.put("runs", latencyRuns);
        lat.put("threads", Latency.threads());
        lat.put("djl_median_ms", djlLatency);
        lat.put("onnxruntime_median_ms", ortLatency);
        o.put("peak_rss_mb", rssEnd / 1024.0);
        o.put("peak_rss_mb_before_onnxruntime", rssBeforeOrt / 1024.0);
        var nm = o.putObject("normalization");
        nm.put("mean", norm[0].mean()[0]);
        nm.put("std", norm[0].std()[0]);
        o.put("data", data.toAbsolutePath().toString());
        o.put("finished", Instant.now().toString());
        // provenance after the measurements: it then names the kernel setting's verdict in this process
        o.set("provenance", json.valueToTree(Provenance.current()));
        Files.writeString(out, json.writeValueAsString(o) + "\n");
        System.out.printf(java.util.Locale.ROOT, "gensynth %s: train %.1f img/s (median batch %.1f ms), eval %.1f img/s,"
                + " batch-1 %.3f ms DJL / %.3f ms ONNX Runtime, peak RSS %.0f MB -> %s%n", network, ips, medianMs,
                evalBatch / (evalMedianMs / 1e3), djlLatency, ortLatency, rssEnd / 1024.0, out);
        return 0;
    }

    /**
     * {@code --peak}: GFLOP/s of the engine's convolution at its best, the yardstick for the
     * networks' share of the machine (the nominal clock in /proc/cpuinfo is not the clock the cores
     * run at: one core alone beat 2 cores at it). A 3x3 convolution, 96 to 96 channels on 14x14 maps,
     * batch 128, channels-last; the best of 5 blocks of 10 forward passes after 5 untimed ones.
     */
    static double attainablePeak() {
        long n = 128;
        long c = 96;
        long hw = 14;
        double flop = 2.0 * n * c * c * 9 * hw * hw;
        double best = 0;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray x = m.randomNormal(new ai.djl.ndarray.types.Shape(n, hw, hw, c)).transpose(0, 3, 1, 2);
            NDArray w = m.randomNormal(new ai.djl.ndarray.types.Shape(c, c, 3, 3));
            ai.djl.ndarray.types.Shape one = new ai.djl.ndarray.types.Shape(1, 1);
            for (int block = -1; block < 5; block++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < (block < 0 ? 5 : 10); i++) {
                    try (NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, one, one, one, 1)
                            .singletonOrThrow()) {
                        y.getFloat(0, 0, 0, 0); // waits for it
                    }
                }
                if (block >= 0) {
                    best = Math.max(best, 10 * flop / ((System.nanoTime() - t0) / 1e9) / 1e9);
                }
            }
        }
        return best;
    }

    /** {@code --check-networks NAME...}: every remaining argument must name a benchmark network. */
    private static int checkNetworks(BenchCli.Args a) {
        int count = 0;
        for (String name = a.next(); name != null; name = a.next()) {
            for (String one : name.trim().split("\\s+")) {
                if (one.isEmpty()) {
                    continue;
                }
                NetworkSpec s = BenchNetworks.get(one, INPUT, CLASSES);
                Cost c = Cost.of(s);
                System.out.printf(java.util.Locale.ROOT, "%s %d %d%n", one, c.params(), c.macs());
                count++;
            }
        }
        if (count == 0) {
            throw a.error("--check-networks needs at least one network name");
        }
        return 0;
    }

    private static double positive(BenchCli.Args a, String opt) {
        String v = a.value(opt);
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw a.error(opt + " needs a number > 0, got '" + v + "'");
    }

    /** The training split of {@code dir}, standardised with its own statistics (kept in {@code norm[0]}). */
    private static Dataset standardised(Path dir, Normalization[] norm) {
        Dataset raw = MnistLike.load(dir, true, MnistLike.Flavor.FASHION_MNIST);
        norm[0] = Normalization.fit(raw);
        return norm[0].apply(raw);
    }

    /**
     * Wall time in ms of each of {@code batches} inference batches of {@code batch} images after
     * {@code warmup} untimed ones, walking through {@code data}.
     */
    static double[] evaluate(Network net, Dataset data, int batch, int warmup, int batches) {
        int per = data.sampleElements();
        ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(data.sampleShape().withBatch(batch));
        int starts = data.size() - batch + 1;
        double[] ms = new double[batches];
        try (NativeGate.Region gate = NativeGate.JVM.enter()) {
            for (int i = 0; i < warmup + batches; i++) {
                NativeGate.JVM.between();
                int start = (int) ((long) i * batch % starts);
                float[] x = Arrays.copyOfRange(data.x(), start * per, (start + batch) * per);
                long t0 = System.nanoTime();
                try (NDManager m = net.model().getNDManager().newSubManager()) {
                    NDArray in = m.create(x, shape);
                    net.forward(in).get(0).toFloatArray();
                }
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    ms[i - warmup] = (t1 - t0) / 1e6;
                }
            }
        }
        return ms;
    }

    /** This process's peak resident set size in kB ({@code VmHWM} of /proc/self/status), -1 where there is none. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: reported as -1
        }
        return -1;
    }


    private static void rounded(ArrayNode to, double[] values) {
        for (double d : values) {
            to.add(Math.round(d * 10) / 10.0);
        }
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

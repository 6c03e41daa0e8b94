package dev.gensynth.export;

import dev.gensynth.UserError;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What {@code gensynth export --format onnx} does, for the CLI and for the generators: check
 * the request, write the ONNX file from the spec and weights, prove it against DJL in ONNX
 * Runtime, time it, and write the model card beside it.
 *
 * <p>Errors in what the user gave (no weights, an existing file without {@code --force}, a
 * layer kind without ONNX translation) are {@link UserError}s; an export that disagrees with
 * DJL is a {@link VerificationFailed} (also a UserError, so the CLI shows its message as is;
 * catch it first to give it its own exit code).
 */
public final class Export {
    /** Tolerance of the acceptance test: ONNX Runtime within 1e-4 of DJL. */
    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final int DEFAULT_SAMPLES = 8;

    private Export() {
    }

    /**
     * Options of one export.
     *
     * @param force replace an existing output file
     * @param verifyInputs held-out inputs, {@code samples} samples packed NCHW; null for
     *     {@code samples} seeded random normal inputs
     * @param latencyThreads ONNX Runtime intra-op threads for the latency measurement; 0 skips it
     */
    public record Options(boolean force, float[] verifyInputs, int samples, double tolerance, int latencyThreads,
            int latencyWarmup, int latencyRuns) {
        public static Options defaults() {
            return new Options(false, null, DEFAULT_SAMPLES, DEFAULT_TOLERANCE, 1, 10, 50);
        }

        public Options withForce(boolean f) {
            return new Options(f, verifyInputs, samples, tolerance, latencyThreads, latencyWarmup, latencyRuns);
        }

        public Options withInputs(float[] inputs, int n) {
            return new Options(force, inputs, n, tolerance, latencyThreads, latencyWarmup, latencyRuns);
        }

        public Options withTolerance(double t) {
            return new Options(force, verifyInputs, samples, t, latencyThreads, latencyWarmup, latencyRuns);
        }

        public Options withLatency(int threads, int warmup, int runs) {
            return new Options(force, verifyInputs, samples, tolerance, threads, warmup, runs);
        }
    }

    /**
     * What an export produced, for the CLI to print.
     *
     * @param latencyMs median batch-1 ONNX Runtime milliseconds, NaN when not measured
     */
    public record Summary(Path onnxFile, Path cardFile, long bytes, int opset, List<String> inputs,
            List<String> outputs, double maxAbsDiff, double top1Agreement, Double detectionAgreement, int samples,
            double tolerance, double latencyMs, int latencyThreads) {
    }

    /** The export verified on the ONNX side disagrees with DJL beyond the tolerance. */
    public static final class VerificationFailed extends UserError {
        private final transient OnnxVerifier.Result result;

        public VerificationFailed(String message, OnnxVerifier.Result result) {
            super(message);
            this.result = result;
        }

        public OnnxVerifier.Result result() {
            return result;
        }
    }

    /** Exports a model directory, as the CLI's {@code export} command does. */
    public static Summary run(ModelDir model, Path out, boolean force, float[] verifyInputs, int n, double tol) {
        return run(model, out, Options.defaults().withForce(force).withInputs(verifyInputs, n).withTolerance(tol));
    }

    /** Exports a model directory with every option. */
    public static Summary run(ModelDir model, Path out, Options opts) {
        NetworkSpec spec = model.spec();
        Weights weights = model.weights(spec); // UserError when the directory has no weights.npz
        return run(spec, weights, model.metrics().orElse(null), out, opts);
    }

    /**
     * Exports a network held in memory (for {@code synthesize}/{@code generate}, which save
     * each network as they go).
     *
     * @param metrics written into the model card; null to take params and MACs from the spec
     */
    public static Summary run(NetworkSpec spec, Weights weights, Metrics metrics, Path out, Options opts) {
        checkOutput(out, opts.force());
        OnnxExporter.checkSupported(spec, OnnxExporter.SUPPORTED_KINDS);
        int n = opts.samples();
        float[] inputs = opts.verifyInputs() != null ? opts.verifyInputs() : randomInputs(spec, n, 0);
        OnnxExporter.export(spec, weights, out);
        OnnxVerifier.Result r = OnnxVerifier.verify(spec, weights, out, inputs, n, opts.tolerance());
        if (!r.passed()) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // leave it; the message below still says the file is wrong
            }
            throw new VerificationFailed("the ONNX export of '" + spec.name() + "' does not match the DJL network: "
                    + "largest absolute difference " + r.maxAbsDiff() + " (output '" + r.worstOutput()
                    + "', tolerance " + opts.tolerance() + "), top-1 agreement " + percent(r.top1Agreement())
                    + (r.detectionAgreement() == null ? "" : ", decoded detections alike " + percent(
                            r.detectionAgreement())) + " on " + n + " samples; " + out + " was removed. This is a bug of the exporter for this "
                    + "network; report it with the model directory", r);
        }
        double ms = Double.NaN;
        ModelCard.Latency latency = null;
        if (opts.latencyThreads() > 0) {
            ms = OnnxLatency.measure(out, spec.input(), opts.latencyThreads(), opts.latencyWarmup(),
                    opts.latencyRuns());
            latency = new ModelCard.Latency("onnxruntime", ms, opts.latencyThreads(), 1);
        }
        ModelCard card = ModelCard.of(spec, metrics, out, r, latency);
        Path cardFile = card.writeBeside(out);
        return new Summary(out, cardFile, card.bytes(), OnnxExporter.OPSET,
                card.inputs().stream().map(ModelCard.TensorInfo::name).toList(),
                card.outputs().stream().map(ModelCard.TensorInfo::name).toList(), r.maxAbsDiff(), r.top1Agreement(),
                r.detectionAgreement(), n, opts.tolerance(), ms, opts.latencyThreads());
    }

    private static void checkOutput(Path out, boolean force) {
        if (Files.isDirectory(out)) {
            throw new UserError("output " + out + " is a directory; give the path of the .onnx file to write");
        }
        if (Files.exists(out) && !force) {
            throw new UserError("output file " + out + " already exists; use --force to replace it, or choose "
                    + "another --out");
        }
    }

    /** {@code n} samples of seeded standard-normal values for the spec's input. */
    public static float[] randomInputs(NetworkSpec spec, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(n * spec.input().elements())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Weights.gaussian(rnd);
        }
        return x;
    }

    private static String percent(double f) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * f);
    }
}

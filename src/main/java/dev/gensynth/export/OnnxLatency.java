package dev.gensynth.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** Batch-1 latency of an ONNX file in ONNX Runtime (CPU, all graph optimisations). */
public final class OnnxLatency {
    private OnnxLatency() {
    }

    /** A latency and the intra-op thread count it was measured with. */
    public record Timed(double ms, int threads) {
    }

    /**
     * The intra-op thread counts a deployment would choose from: one, and every core. At batch 1 one thread
     * is often the faster: on a 2-core EPYC a 2-M-MAC network ran at 0.043–0.056 ms with one thread and at
     * 0.055 or 0.10 ms with two, depending on the session, while a 29-M-MAC one needed both cores (0.20 against
     * 0.31 ms).
     */
    public static int[] threadChoices() {
        int cores = dev.gensynth.metrics.Latency.threads();
        return cores > 1 ? new int[] {1, cores} : new int[] {1};
    }

    /** The faster of {@link #threadChoices}, each the median of {@code runs} after {@code warmup}. */
    public static Timed fastest(NetworkSpec spec, Weights weights, int warmup, int runs) {
        byte[] model = OnnxExporter.build(spec, weights).toByteArray();
        Timed best = null;
        for (int t : threadChoices()) {
            try (OrtSession s = Ort.open(model, t)) {
                double ms = measure(s, spec.input(), t, warmup, runs);
                if (best == null || ms < best.ms()) {
                    best = new Timed(ms, t);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot run " + spec.name() + ": " + e.getMessage(), e);
            }
        }
        return best;
    }

    /** As {@link #fastest(NetworkSpec, Weights, int, int)}, for an ONNX file. */
    public static Timed fastest(Path onnxFile, Shape input, int warmup, int runs) {
        Timed best = null;
        for (int t : threadChoices()) {
            double ms = measure(onnxFile, input, t, warmup, runs);
            if (best == null || ms < best.ms()) {
                best = new Timed(ms, t);
            }
        }
        return best;
    }

    /**
     * Median wall time in milliseconds of {@code runs} batch-1 inferences after {@code warmup}
     * untimed ones, with {@code threads} intra-op threads (inter-op 1, sequential execution).
     *
     * @param input the shape of one sample, without the batch axis
     */
    public static double measure(Path onnxFile, Shape input, int threads, int warmup, int runs) {
        try (OrtSession s = Ort.open(onnxFile, threads)) {
            return measure(s, input, threads, warmup, runs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #measure(Path, Shape, int, int, int)}, for a network exported in memory: how the
     * inquisitor and the benchmark time what they judge, on the runtime it will be deployed on.
     */
    public static double measure(NetworkSpec spec, Weights weights, int threads, int warmup, int runs) {
        try (OrtSession s = Ort.open(OnnxExporter.build(spec, weights).toByteArray(), threads)) {
            return measure(s, spec.input(), threads, warmup, runs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    private static double measure(OrtSession s, Shape input, int threads, int warmup, int runs) throws OrtException {
        if (threads < 1 || warmup < 0 || runs < 1) {
            throw new IllegalArgumentException("need threads >= 1, warmup >= 0 and runs >= 1");
        }
        float[] x = new float[Math.toIntExact(input.elements())];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        try (OnnxTensor t = Ort.input(x, input, 1)) {
            Map<String, OnnxTensor> feed = Map.of(Layer.INPUT, t);
            for (int i = 0; i < warmup; i++) {
                s.run(feed).close();
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.run(feed).close();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return dev.gensynth.metrics.Latency.median(ms);
        }
    }

}

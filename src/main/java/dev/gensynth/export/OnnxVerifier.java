package dev.gensynth.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.nio.file.Path;
import dev.gensynth.task.detection.CenterNetDecoder;
import dev.gensynth.task.detection.Detection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Proves an ONNX export is the same network: runs ONNX Runtime on the file and the DJL
 * runtime on the spec and weights, on the same inputs, and compares every output.
 */
public final class OnnxVerifier {
    private OnnxVerifier() {
    }

    /**
     * Outcome of one comparison.
     *
     * @param maxAbsDiff largest absolute difference over every value of every output (NaN if
     *     either side produced NaN where the other did not)
     * @param top1Agreement fraction of predictions whose arg-max over channels agrees, on the
     *     first output: per sample for a flat output, per sample and position for a feature map
     * @param passed {@code maxAbsDiff <= tolerance}, every top-1 prediction agrees, and so do the detections
     * @param worstOutput the output holding {@code maxAbsDiff}
     * @param detectionAgreement for a CenterNet detector ({@link CenterNetDecoder#OUTPUTS}), the share of detections
     *     that both sides' maps decode to alike ({@link #detectionAgreement}); null for other networks
     */
    public record Result(double maxAbsDiff, double top1Agreement, boolean passed, int samples, double tolerance,
            String worstOutput, Double detectionAgreement) {
    }

    /** The lowest score of the detections compared: what a user would draw, not the padding of the top 100. */
    static final double DETECTION_MIN_SCORE = 0.01;

    /**
     * Compares ONNX Runtime with DJL on {@code n} samples packed NCHW in {@code inputs}.
     *
     * @throws IllegalArgumentException when {@code inputs} does not hold {@code n} samples
     */
    public static Result verify(NetworkSpec spec, Weights weights, Path onnxFile, float[] inputs, int n,
            double tolerance) {
        Map<String, Shape> shapes = spec.shapes();
        Shape in = spec.input();
        if (n < 1 || inputs.length != n * in.elements()) {
            throw new IllegalArgumentException("verification inputs hold " + inputs.length + " values, but " + n
                    + " samples of [" + in + "] need " + n * in.elements());
        }
        List<String> outputs = spec.outputs();
        List<float[]> expected = djl(spec, weights, inputs, n);
        List<float[]> actual;
        try (OrtSession s = Ort.open(onnxFile, 1)) {
            actual = Ort.run(s, inputs, in, n, outputs);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run " + onnxFile + ": " + e.getMessage(), e);
        }
        double max = 0;
        String worst = outputs.get(0);
        for (int o = 0; o < outputs.size(); o++) {
            float[] a = expected.get(o);
            float[] b = actual.get(o);
            if (a.length != b.length) {
                return new Result(Double.NaN, 0, false, n, tolerance, outputs.get(o), null);
            }
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs((double) a[i] - b[i]);
                if (Double.isNaN(d) && !(Float.isNaN(a[i]) && Float.isNaN(b[i]))) {
                    max = Double.NaN;
                    worst = outputs.get(o);
                } else if (d > max) {
                    max = d;
                    worst = outputs.get(o);
                }
            }
        }
        double agree = top1Agreement(expected.get(0), actual.get(0), shapes.get(outputs.get(0)), n);
        Double detections = outputs.equals(CenterNetDecoder.OUTPUTS)
                ? detectionAgreement(expected, actual, shapes.get(outputs.get(0)), n, tolerance,
                        dev.gensynth.task.ObjectDetection.strideOf(spec)) : null;
        return new Result(max, agree, max <= tolerance && agree == 1.0 && (detections == null || detections == 1.0), n,
                tolerance, worst, detections);
    }

    /**
     * The outputs ONNX Runtime computes for a spec and weights (exported in memory), on {@code n}
     * samples packed NCHW: the independent forward pass the engine self-check compares with.
     */
    public static List<float[]> onnxRuntime(NetworkSpec spec, Weights weights, float[] inputs, int n) {
        try (OrtSession s = Ort.open(OnnxExporter.build(spec, weights).toByteArray(), 1)) {
            return Ort.run(s, inputs, spec.input(), n, spec.outputs());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot run '" + spec.name() + "': " + e.getMessage(), e);
        }
    }

    private static List<float[]> djl(NetworkSpec spec, Weights weights, float[] inputs, int n) {
        try (Network net = Network.create(spec, weights);
                NDManager m = net.model().getNDManager().newSubManager()) {
            NDArray x = m.create(inputs, new ai.djl.ndarray.types.Shape(spec.input().withBatch(n)));
            NDList out = net.forward(x);
            List<float[]> values = new ArrayList<>();
            for (NDArray a : out) {
                values.add(a.toFloatArray());
            }
            return values;
        }
    }

    /**
     * The share of the detections scoring at least {@value #DETECTION_MIN_SCORE} that both sides' maps decode to
     * alike ({@link CenterNetDecoder} at the network's {@code stride}, then per sample): a detection of one side
     * agrees when the other has one of the same class whose score is within {@code tolerance} and whose corners are
     * within 2 × stride × tolerance (a corner is (position + offset ± size / 2) × the stride, so map values within
     * the tolerance move it by at most 1.5 × stride × it). Counted over both sides' detections, so one side finding
     * more lowers it.
     */
    static double detectionAgreement(List<float[]> a, List<float[]> b, Shape heatmap, int n, double tolerance,
            int stride) {
        int k = heatmap.channels();
        int h = heatmap.height();
        int w = heatmap.width();
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(Integer.toString(c));
        }
        CenterNetDecoder decoder = new CenterNetDecoder(stride, CenterNetDecoder.DEFAULT.k(), DETECTION_MIN_SCORE);
        long agree = 0;
        long total = 0;
        for (int s = 0; s < n; s++) {
            List<Detection> da = decode(decoder, a, s, classes, h, w);
            List<Detection> db = decode(decoder, b, s, classes, h, w);
            for (Detection x : da) {
                agree += db.stream().anyMatch(y -> alike(x, y, tolerance, stride)) ? 1 : 0;
            }
            for (Detection y : db) {
                agree += da.stream().anyMatch(x -> alike(x, y, tolerance, stride)) ? 1 : 0;
            }
            total += da.size() + db.size();
        }
        return total == 0 ? 1.0 : (double) agree / total;
    }

    private static List<Detection> decode(CenterNetDecoder d, List<float[]> maps, int s, List<String> classes, int h,
            int w) {
        int area = h * w;
        int k = classes.size();
        return d.decode("", classes, h, w, Arrays.copyOfRange(maps.get(0), s * k * area, (s + 1) * k * area),
                Arrays.copyOfRange(maps.get(1), s * 2 * area, (s + 1) * 2 * area),
                Arrays.copyOfRange(maps.get(2), s * 2 * area, (s + 1) * 2 * area));
    }

    private static boolean alike(Detection x, Detection y, double tolerance, int stride) {
        double corners = 2 * stride * tolerance;
        return x.label().equals(y.label()) && Math.abs(x.score() - y.score()) <= tolerance
                && Math.abs(x.box().x1() - y.box().x1()) <= corners && Math.abs(x.box().y1() - y.box().y1()) <= corners
                && Math.abs(x.box().x2() - y.box().x2()) <= corners && Math.abs(x.box().y2() - y.box().y2()) <= corners;
    }

    /** Agreement of arg-max over the channel axis (axis 1 of the batch), per sample and position. */
    static double top1Agreement(float[] a, float[] b, Shape sample, int n) {
        int channels = sample.channels();
        int positions = Math.toIntExact(sample.elements() / channels);
        int agree = 0;
        for (int s = 0; s < n; s++) {
            for (int p = 0; p < positions; p++) {
                int base = s * channels * positions + p;
                if (argmax(a, base, positions, channels) == argmax(b, base, positions, channels)) {
                    agree++;
                }
            }
        }
        return agree / (double) (n * positions);
    }

    private static int argmax(float[] v, int base, int stride, int count) {
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (v[base + c * stride] > v[base + best * stride]) {
                best = c;
            }
        }
        return best;
    }
}

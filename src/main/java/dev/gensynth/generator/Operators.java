package dev.gensynth.generator;

import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The operator choices a generated network may make per convolution, each inheriting the parent's
 * trained weights:
 * <ul>
 * <li>{@link Separable}: a standard k×k convolution becomes a depthwise k×k convolution followed by a
 * pointwise one, k²·C + C·O multiply-accumulates per pixel instead of k²·C·O. The factorisation is the
 * best one there is for the pair: for each input channel c, the O×k² matrix of the filters' slices on c
 * is replaced by its best rank-1 approximation σ·u·vᵀ (its leading singular pair), the depthwise filter
 * of c being √σ·v and the pointwise column of c √σ·u. Nothing sits between the two (no batch norm, no
 * activation), so the pair computes exactly that approximation of the parent's convolution.</li>
 * <li>{@link SmallerKernel}: a k×k kernel (k ≥ 5) becomes (k−2)×(k−2) taking the centre taps, with the
 * padding reduced to keep the output size.</li>
 * </ul>
 */
public final class Operators {
    private Operators() {
    }

    /** The suffix of a depthwise layer made by {@link Separable}; its pointwise layer keeps the name. */
    public static final String DEPTHWISE_SUFFIX = "_dw";

    /** A standard convolution made depthwise-separable. */
    public record Separable(String layer) implements StructuralUnit {
        @Override
        public String key() {
            return layer + ":separable";
        }

        @Override
        public Kind kind() {
            return Kind.OPERATOR;
        }

        @Override
        public NetworkSpec applyTo(NetworkSpec spec) {
            String dw = layer + DEPTHWISE_SUFFIX;
            return replace(spec, layer, c -> List.of(
                    new Conv(dw, c.inputs(), Conv.Style.DEPTHWISE, 0, c.kernel(), c.stride(), c.padding(), c.dilation(),
                            0, false),
                    new Conv(layer, List.of(dw), Conv.Style.POINTWISE, c.out(), 1, 1, 0, 1, 1, c.bias())));
        }

        @Override
        public Weights inherit(Weights weights, NetworkSpec after) {
            Tensor w = weights.get(layer + ".weight");
            int o = (int) w.shape()[0];
            int c = (int) w.shape()[1];
            int taps = (int) (w.shape()[2] * w.shape()[3]);
            float[] dw = new float[c * taps];
            float[] pw = new float[o * c];
            double[] a = new double[o * taps]; // the filters' slices on input channel ch, O×taps
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < o; i++) {
                    for (int t = 0; t < taps; t++) {
                        a[i * taps + t] = w.data()[(i * c + ch) * taps + t];
                    }
                }
                double[] v = leadingRightSingular(a, o, taps);
                double[] u = new double[o]; // A·v = σ·u
                double sigma = 0;
                for (int i = 0; i < o; i++) {
                    for (int t = 0; t < taps; t++) {
                        u[i] += a[i * taps + t] * v[t];
                    }
                    sigma += u[i] * u[i];
                }
                sigma = Math.sqrt(sigma);
                double scale = sigma > 0 ? Math.sqrt(sigma) : 0; // balanced: √σ on each side
                for (int t = 0; t < taps; t++) {
                    dw[ch * taps + t] = (float) (scale * v[t]);
                }
                for (int i = 0; i < o; i++) {
                    pw[i * c + ch] = (float) (sigma > 0 ? u[i] / scale : 0);
                }
            }
            Map<String, Tensor> out = new LinkedHashMap<>(weights.tensors());
            out.remove(layer + ".weight");
            out.put(layer + DEPTHWISE_SUFFIX + ".weight", new Tensor(new long[] {c, 1, w.shape()[2], w.shape()[3]}, dw));
            out.put(layer + ".weight", new Tensor(new long[] {o, c, 1, 1}, pw));
            return new Weights(out);
        }
    }

    /** A k×k kernel (k ≥ 5) made (k−2)×(k−2). */
    public record SmallerKernel(String layer, int from) implements StructuralUnit {
        @Override
        public String key() {
            return layer + ":kernel" + (from - 2);
        }

        @Override
        public Kind kind() {
            return Kind.OPERATOR;
        }

        @Override
        public NetworkSpec applyTo(NetworkSpec spec) {
            return replace(spec, layer, c -> List.of(new Conv(c.name(), c.inputs(), c.style(), c.out(), c.kernel() - 2,
                    c.stride(), c.padding() - c.dilation(), c.dilation(), c.groups(), c.bias())));
        }

        @Override
        public Weights inherit(Weights weights, NetworkSpec after) {
            Tensor w = weights.get(layer + ".weight");
            int k = (int) w.shape()[2];
            int rows = (int) (w.shape()[0] * w.shape()[1]);
            int s = k - 2;
            float[] d = new float[rows * s * s];
            for (int r = 0; r < rows; r++) {
                for (int y = 0; y < s; y++) {
                    System.arraycopy(w.data(), (r * k + y + 1) * k + 1, d, (r * s + y) * s, s);
                }
            }
            Map<String, Tensor> out = new LinkedHashMap<>(weights.tensors());
            out.put(layer + ".weight", new Tensor(new long[] {w.shape()[0], w.shape()[1], s, s}, d));
            return new Weights(out);
        }
    }

    /** {@code spec} with the convolution {@code layer} replaced by what {@code by} makes of it. */
    private static NetworkSpec replace(NetworkSpec spec, String layer, Function<Conv, List<Layer>> by) {
        List<Layer> layers = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (l.name().equals(layer) && l instanceof Conv c) {
                layers.addAll(by.apply(c));
            } else {
                layers.add(l);
            }
        }
        return spec.withLayers(layers);
    }

    /**
     * The operator units of {@code spec}: every standard convolution with a kernel larger than 1 that a
     * depthwise-separable pair would make cheaper, and every kernel of 5 or more whose padding keeps the
     * output size once smaller, in layer order.
     */
    public static List<StructuralUnit> of(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        List<StructuralUnit> out = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (!(l instanceof Conv c) || c.kernel() < 2) {
                continue;
            }
            int in = shapes.get(l.inputs().get(0)).channels();
            int o = shapes.get(l.name()).channels();
            long k2 = (long) c.kernel() * c.kernel();
            if (c.style() == Conv.Style.CONV && c.groups() == 1 && k2 * in + (long) in * o < k2 * in * o) {
                out.add(new Separable(c.name()));
            }
            if (c.kernel() >= 5 && c.kernel() % 2 == 1 && c.padding() >= c.dilation()) {
                out.add(new SmallerKernel(c.name(), c.kernel()));
            }
        }
        return out;
    }

    /**
     * The leading right singular vector of the {@code rows}×{@code cols} matrix {@code a} (row-major): the
     * leading eigenvector of aᵀa by power iteration from a fixed start, so the same weights always give the
     * same factorisation.
     */
    static double[] leadingRightSingular(double[] a, int rows, int cols) {
        double[] m = new double[cols * cols];
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < cols; p++) {
                double x = a[i * cols + p];
                for (int q = 0; q < cols; q++) {
                    m[p * cols + q] += x * a[i * cols + q];
                }
            }
        }
        // repeated squaring first: (aᵀa)^(2^20) separates the leading eigenvector even when the gap to the
        // second is small, where plain power iteration would need thousands of steps
        double[] sq = m.clone();
        for (int s = 0; s < 20; s++) {
            double[] next = new double[cols * cols];
            double max = 0;
            for (int p = 0; p < cols; p++) {
                for (int q = 0; q < cols; q++) {
                    double x = 0;
                    for (int r = 0; r < cols; r++) {
                        x += sq[p * cols + r] * sq[r * cols + q];
                    }
                    next[p * cols + q] = x;
                    max = Math.max(max, Math.abs(x));
                }
            }
            if (max == 0 || !Double.isFinite(max)) {
                break;
            }
            for (int i = 0; i < next.length; i++) {
                next[i] /= max;
            }
            sq = next;
        }
        double[] v = new double[cols];
        for (int p = 0; p < cols; p++) {
            for (int q = 0; q < cols; q++) {
                v[p] += sq[p * cols + q] * (1 + 0.01 * q); // a fixed start, in practice never orthogonal to it
            }
        }
        if (normalise(v) == 0) {
            java.util.Arrays.fill(v, 1 / Math.sqrt(cols));
        }
        normalise(v);
        for (int iter = 0; iter < 200; iter++) {
            double[] next = new double[cols];
            for (int p = 0; p < cols; p++) {
                for (int q = 0; q < cols; q++) {
                    next[p] += m[p * cols + q] * v[q];
                }
            }
            if (normalise(next) == 0) {
                return v; // a zero matrix: any vector will do
            }
            double change = 0;
            for (int p = 0; p < cols; p++) {
                change = Math.max(change, Math.abs(next[p] - v[p]));
            }
            v = next;
            if (change < 1e-12) {
                break;
            }
        }
        return v;
    }

    private static double normalise(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= n;
            }
        }
        return n;
    }
}

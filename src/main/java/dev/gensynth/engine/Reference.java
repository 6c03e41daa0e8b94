package dev.gensynth.engine;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.ChannelShuffle;
import dev.gensynth.spec.ChannelSlice;
import dev.gensynth.spec.Concat;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Dropout;
import dev.gensynth.spec.Flatten;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Pool;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.Upsample;
import java.util.HashMap;
import java.util.Map;

/**
 * A plain-Java forward pass of a {@link NetworkSpec} in double precision: the independent
 * reference the engine self-check compares libtorch with. Written for clarity, not speed (it runs
 * only on the self-check's tiny networks); it shares no code with the engine, so a wrong kernel in
 * libtorch cannot hide in it. Semantics follow {@code SpecBlock}: batch norm in training mode
 * normalises with the batch's biased variance, average pooling counts padding, dropout is the
 * identity (so the check runs no dropout in training mode).
 */
public final class Reference {
    private Reference() {
    }

    /** Values in double precision, each tensor flat in NCHW (or N x features) order. */
    public static Map<String, double[]> forward(NetworkSpec spec, Map<String, double[]> params, double[] input,
            int n, boolean training) {
        Map<String, Shape> shapes = spec.shapes();
        Map<String, double[]> values = new HashMap<>();
        Map<String, Shape> shapeOf = new HashMap<>(shapes);
        shapeOf.put(Layer.INPUT, spec.input());
        values.put(Layer.INPUT, input);
        for (Layer l : spec.layers()) {
            double[] x = values.get(l.inputs().get(0));
            Shape in = shapeOf.get(l.inputs().get(0));
            Shape out = shapes.get(l.name());
            values.put(l.name(), apply(l, x, in, out, n, params, values, shapeOf, training));
        }
        return values;
    }

    /** The parameters of {@code w} in double precision, keyed as in {@link Weights}. */
    public static Map<String, double[]> params(Weights w) {
        Map<String, double[]> p = new HashMap<>();
        w.tensors().forEach((k, t) -> p.put(k, widen(t.data())));
        return p;
    }

    /** Float values in double precision, exactly (the reference's inputs are the engine's float32 ones). */
    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double[] apply(Layer l, double[] x, Shape in, Shape out, int n, Map<String, double[]> p,
            Map<String, double[]> values, Map<String, Shape> shapes, boolean training) {
        if (l instanceof Conv c) {
            return conv(c, x, in, out, n, p.get(l.name() + ".weight"), c.bias() ? p.get(l.name() + ".bias") : null);
        }
        if (l instanceof BatchNorm bn) {
            return batchNorm(bn, x, in, n, p, training);
        }
        if (l instanceof Linear lin) {
            return linear(x, in.channels(), lin.out(), n, p.get(l.name() + ".weight"),
                    lin.bias() ? p.get(l.name() + ".bias") : null);
        }
        if (l instanceof Activation a) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double v = x[i];
                y[i] = switch (a.function()) {
                    case RELU -> Math.max(0, v);
                    case RELU6 -> Math.min(6, Math.max(0, v));
                    case HARDSWISH -> v * Math.min(6, Math.max(0, v + 3)) / 6;
                    case SIGMOID -> 1 / (1 + Math.exp(-v));
                };
            }
            return y;
        }
        if (l instanceof Pool pool) {
            return pool(pool, x, in, out, n);
        }
        if (l instanceof GlobalAvgPool) {
            int hw = in.height() * in.width();
            double[] y = new double[n * in.channels()];
            for (int i = 0; i < y.length; i++) {
                double s = 0;
                for (int j = 0; j < hw; j++) {
                    s += x[i * hw + j];
                }
                y[i] = s / hw;
            }
            return y;
        }
        if (l instanceof Add) {
            double[] y = x.clone();
            for (String other : l.inputs().subList(1, l.inputs().size())) {
                double[] o = values.get(other);
                for (int i = 0; i < y.length; i++) {
                    y[i] += o[i];
                }
            }
            return y;
        }
        if (l instanceof dev.gensynth.spec.Mul) {
            double[] g = values.get(l.inputs().get(1));
            int per = (int) (out.elements() / out.channels()); // pixels per channel
            boolean gate = g.length == n * out.channels();
            double[] y = x.clone();
            for (int i = 0; i < y.length; i++) {
                y[i] *= g[gate ? i / per : i];
            }
            return y;
        }
        if (l instanceof Concat) {
            double[] y = new double[(int) (n * out.elements())];
            int offset = 0;
            int per = (int) out.elements();
            for (String name : l.inputs()) {
                int part = (int) shapes.get(name).elements();
                double[] v = values.get(name);
                for (int s = 0; s < n; s++) {
                    System.arraycopy(v, s * part, y, s * per + offset, part);
                }
                offset += part;
            }
            return y;
        }
        if (l instanceof ChannelShuffle cs) {
            int c = in.channels();
            int hw = in.height() * in.width();
            int per = c / cs.groups();
            double[] y = new double[x.length];
            for (int s = 0; s < n; s++) {
                for (int g = 0; g < cs.groups(); g++) {
                    for (int j = 0; j < per; j++) {
                        System.arraycopy(x, (s * c + g * per + j) * hw, y, (s * c + j * cs.groups() + g) * hw, hw);
                    }
                }
            }
            return y;
        }
        if (l instanceof ChannelSlice sl) {
            int[] r = sl.range(in.channels());
            int hw = in.height() * in.width();
            int k = r[1] - r[0];
            double[] y = new double[n * k * hw];
            for (int s = 0; s < n; s++) {
                System.arraycopy(x, (s * in.channels() + r[0]) * hw, y, s * k * hw, k * hw);
            }
            return y;
        }
        if (l instanceof Upsample u) {
            double[] y = new double[(int) (n * out.elements())];
            int oh = out.height();
            int ow = out.width();
            for (int sc = 0; sc < n * in.channels(); sc++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        y[(sc * oh + i) * ow + j] = x[(sc * in.height() + i / u.scale()) * in.width() + j / u.scale()];
                    }
                }
            }
            return y;
        }
        if (l instanceof Flatten || l instanceof Dropout) {
            return x;
        }
        throw new IllegalArgumentException("the reference has no operation for layer kind " + l.kind());
    }

    private static double[] conv(Conv c, double[] x, Shape in, Shape out, int n, double[] w, double[] b) {
        int groups = c.groupsFor(in);
        int cin = in.channels() / groups;
        int cout = out.channels() / groups;
        int k = c.kernel();
        int ih = in.height();
        int iw = in.width();
        int oh = out.height();
        int ow = out.width();
        double[] y = new double[n * out.channels() * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out.channels(); o++) {
                int g = o / cout;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = b == null ? 0 : b[o];
                        for (int ci = 0; ci < cin; ci++) {
                            int ch = g * cin + ci;
                            for (int ki = 0; ki < k; ki++) {
                                int yi = i * c.stride() - c.padding() + ki * c.dilation();
                                if (yi < 0 || yi >= ih) {
                                    continue;
                                }
                                for (int kj = 0; kj < k; kj++) {
                                    int xj = j * c.stride() - c.padding() + kj * c.dilation();
                                    if (xj >= 0 && xj < iw) {
                                        acc += w[((o * cin + ci) * k + ki) * k + kj] * x[((s * in.channels() + ch) * ih + yi) * iw + xj];
                                    }
                                }
                            }
                        }
                        y[((s * out.channels() + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    private static double[] batchNorm(BatchNorm bn, double[] x, Shape in, int n, Map<String, double[]> p,
            boolean training) {
        int c = in.channels();
        int hw = (int) (in.elements() / c);
        double[] gamma = p.get(bn.name() + ".gamma");
        double[] beta = p.get(bn.name() + ".beta");
        double[] y = new double[x.length];
        for (int ch = 0; ch < c; ch++) {
            double mean;
            double var;
            if (training) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < hw; j++) {
                        s += x[(i * c + ch) * hw + j];
                    }
                }
                mean = s / (n * hw);
                double q = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < hw; j++) {
                        double d = x[(i * c + ch) * hw + j] - mean;
                        q += d * d;
                    }
                }
                var = q / (n * hw);
            } else {
                mean = p.get(bn.name() + ".runningMean")[ch];
                var = p.get(bn.name() + ".runningVar")[ch];
            }
            double scale = gamma[ch] / Math.sqrt(var + bn.epsilon());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < hw; j++) {
                    int at = (i * c + ch) * hw + j;
                    y[at] = (x[at] - mean) * scale + beta[ch];
                }
            }
        }
        return y;
    }

    private static double[] linear(double[] x, int in, int out, int n, double[] w, double[] b) {
        double[] y = new double[n * out];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    acc += w[o * in + i] * x[s * in + i];
                }
                y[s * out + o] = acc;
            }
        }
        return y;
    }

    private static double[] pool(Pool p, double[] x, Shape in, Shape out, int n) {
        int ih = in.height();
        int iw = in.width();
        int oh = out.height();
        int ow = out.width();
        int k = p.kernel();
        double[] y = new double[n * in.channels() * oh * ow];
        for (int sc = 0; sc < n * in.channels(); sc++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = p.op() == Pool.Op.MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int ki = 0; ki < k; ki++) {
                        for (int kj = 0; kj < k; kj++) {
                            int yi = i * p.stride() - p.padding() + ki;
                            int xj = j * p.stride() - p.padding() + kj;
                            boolean inside = yi >= 0 && yi < ih && xj >= 0 && xj < iw;
                            double v = inside ? x[(sc * ih + yi) * iw + xj] : 0;
                            if (p.op() == Pool.Op.MAX) {
                                acc = inside ? Math.max(acc, v) : acc;
                            } else {
                                acc += v; // padding counts as zeros, as SpecBlock's count_include_pad
                            }
                        }
                    }
                    y[(sc * oh + i) * ow + j] = p.op() == Pool.Op.MAX ? acc : acc / (k * k);
                }
            }
        }
        return y;
    }
}

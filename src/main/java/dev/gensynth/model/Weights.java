package dev.gensynth.model;

import dev.gensynth.UserError;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.ParamSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * All parameter tensors of a network, keyed {@code layer.param} as {@link NetworkSpec#parameters()}
 * names them. Immutable; stored as a NumPy {@code .npz} beside the spec.
 */
public record Weights(Map<String, Tensor> tensors) {
    public Weights {
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Tensor get(String key) {
        return tensors.get(key);
    }

    /**
     * The starting bias of a layer whose values leave the network through a sigmoid, as a detector's centre heatmap
     * does: CenterNet's {@code fill_(-2.19)} (RetinaNet's prior: a probability of about 0.1 everywhere), so that the
     * focal loss of the many empty positions does not swamp the first steps (from 0, every position starts at 0.5).
     */
    static final float SIGMOID_OUTPUT_BIAS = -2.19f;

    /**
     * The standard deviation of the starting weights of a detector's box outputs (the layers that make an output of a
     * network that also has a sigmoid output): CenterNet's {@code fill_fc_weights}, so its size and offset maps start
     * near 0. He-normal there (and on the heatmap's logits) gave centernet_mobilenet_v2 a first loss of 188 (16 with
     * these) and a loss of 28 after 0.3 epochs (4.9); trained 12 epochs it reaches 63.0 % test mAP50.
     */
    static final double BOX_OUTPUT_STD = 0.001;

    /**
     * Fresh weights for a spec from a seed, so the same seed always gives the same network.
     * Convolution and linear weights are He-normal (fan-in), biases and BN beta 0 (but
     * {@link #SIGMOID_OUTPUT_BIAS} before a sigmoid output), BN gamma 1, running mean 0 and running variance 1.
     * A detector's heads start as CenterNet's do: the layer before the sigmoid output with PyTorch's default
     * spread (std 1/sqrt(3 fan-in), which CenterNet leaves the heatmap's last convolution at), the other outputs'
     * last layers at {@link #BOX_OUTPUT_STD}.
     */
    public static Weights initial(NetworkSpec spec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        Set<String> beforeSigmoid = new HashSet<>();
        for (Layer l : spec.layers()) {
            if (l instanceof Activation a && a.function() == Activation.Function.SIGMOID
                    && spec.outputs().contains(a.name())) {
                beforeSigmoid.addAll(a.inputs());
            }
        }
        for (Map.Entry<String, ParamSpec> e : spec.parameters().entrySet()) {
            ParamSpec p = e.getValue();
            Tensor x = Tensor.zeros(p.shape());
            String layer = e.getKey().substring(0, e.getKey().length() - p.name().length() - 1);
            switch (p.name()) {
                case "bias":
                    if (beforeSigmoid.contains(layer)) {
                        Arrays.fill(x.data(), SIGMOID_OUTPUT_BIAS);
                    }
                    break;
                case "weight": {
                    long fanIn = 1;
                    for (int i = 1; i < p.shape().length; i++) {
                        fanIn *= p.shape()[i];
                    }
                    double std = Math.sqrt(2.0 / fanIn);
                    if (beforeSigmoid.contains(layer)) {
                        std = Math.sqrt(1.0 / (3.0 * fanIn));
                    } else if (!beforeSigmoid.isEmpty() && spec.outputs().contains(layer)) {
                        std = BOX_OUTPUT_STD;
                    }
                    for (int i = 0; i < x.data().length; i++) {
                        x.data()[i] = (float) (gaussian(rnd) * std);
                    }
                    break;
                }
                case "gamma":
                case "runningVar":
                    Arrays.fill(x.data(), 1f);
                    break;
                default:
                    break;
            }
            t.put(e.getKey(), x);
        }
        return new Weights(t);
    }

    /** A standard-normal draw (Box-Muller: SplittableRandom has no nextGaussian on Java 17). */
    public static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Checks these weights fit the spec exactly (same keys, same shapes).
     *
     * @throws UserError naming the first tensor that does not fit and what the spec expects
     */
    public void checkFits(NetworkSpec spec, String source) {
        Map<String, ParamSpec> expected = spec.parameters();
        for (Map.Entry<String, ParamSpec> e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new UserError("weights " + source + " do not fit network '" + spec.name() + "': tensor '"
                        + e.getKey() + "' is missing; the weights were saved for a different spec. Use the spec "
                        + "they were trained with, or train this spec");
            }
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new UserError("weights " + source + " do not fit network '" + spec.name() + "': tensor '"
                        + e.getKey() + "' has shape " + Arrays.toString(t.shape()) + " but the spec's layer needs "
                        + Arrays.toString(e.getValue().shape()) + "; the weights were saved for a different spec");
            }
        }
        for (String k : tensors.keySet()) {
            if (!expected.containsKey(k)) {
                throw new UserError("weights " + source + " do not fit network '" + spec.name() + "': tensor '" + k
                        + "' belongs to no layer of the spec; the weights were saved for a different spec");
            }
        }
    }

    /** The first tensor holding a NaN or an infinity ("fc.weight has NaN"), or null when all values are finite. */
    public String firstNonFinite() {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) {
                    return e.getKey() + " has " + v;
                }
            }
        }
        return null;
    }

    public void save(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            Npz.write(tensors, out);
        }
    }

    public static Weights load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("weights file " + file + " does not exist; train the model first (gensynth train)"
                    + " or point to a model directory that holds weights.npz");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return new Weights(Npz.read(in));
        } catch (IOException | RuntimeException e) {
            throw new UserError("weights file " + file + " cannot be read: " + e.getMessage()
                    + "; it must be a float32 .npz written by gensynth");
        }
    }
}

package dev.gensynth.zoo;

import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.task.detection.CenterNetDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The anchor-free detection head of CenterNet (Zhou, Wang, Krähenbühl, "Objects as Points", 2019;
 * github.com/xingyizhou/CenterNet, {@code src/lib/models/networks}): on a feature map at stride 4, three
 * branches of a 3×3 convolution with bias, ReLU and a 1×1 convolution with bias, each its own output:
 * <ul>
 *   <li>{@value #HEATMAP}: K channels, one centre heatmap per class, followed by a {@code sigmoid} layer so that
 *       the network (and its ONNX export) already gives probabilities, as
 *       {@link dev.gensynth.task.detection.CenterNetDecoder} expects;</li>
 *   <li>{@value #SIZE}: 2 channels, the box's (w, h) in output pixels;</li>
 *   <li>{@value #OFFSET}: 2 channels, the centre's sub-pixel offset (dx, dy).</li>
 * </ul>
 * The outputs are named so, in the order {@link #OUTPUTS}, and every map has the feature map's size, which
 * is the size {@link dev.gensynth.task.detection.CenterNetTargets} must use.
 *
 * <p>CenterNet fills the heatmap's last bias with −2.19 (a prior of about 0.1 per position);
 * {@link dev.gensynth.model.Weights#initial} does so for every layer that feeds a sigmoid output, so
 * {@code heatmap_logits.bias} starts there.
 *
 * <p>With {@code separable}, each 3×3 convolution is a depthwise 3×3 followed directly by a 1×1 (Keras'
 * {@code SeparableConv2D}), as TensorFlow's Object Detection API builds its CenterNet heads with
 * {@code use_depthwise: true}.
 */
public final class CenterNetHead {
    /** A detection network's outputs, in order, as the decoder reads them. */
    public static final List<String> OUTPUTS = CenterNetDecoder.OUTPUTS;
    /** The per-class centre heatmap, after the sigmoid. */
    public static final String HEATMAP = OUTPUTS.get(0);
    /** The box size (w, h) in output pixels. */
    public static final String SIZE = OUTPUTS.get(1);
    /** The centre offset (dx, dy) in output pixels. */
    public static final String OFFSET = OUTPUTS.get(2);

    private CenterNetHead() {
    }

    /**
     * {@code features} (whose last layer is the stride-4 feature map) with the three heads added, named
     * {@code name}, its outputs {@link #OUTPUTS}.
     */
    static NetworkSpec attach(NetworkSpec features, String name, int classes, int width, boolean separable) {
        String x = features.layers().get(features.layers().size() - 1).name();
        List<Layer> layers = new ArrayList<>(features.layers());
        branch(layers, x, HEATMAP + "_logits", HEATMAP, classes, width, separable);
        layers.add(new Activation(HEATMAP, List.of(HEATMAP + "_logits"), Activation.Function.SIGMOID));
        branch(layers, x, SIZE, SIZE, 2, width, separable);
        branch(layers, x, OFFSET, OFFSET, 2, width, separable);
        NetworkSpec spec = new NetworkSpec(name, features.input(), layers, OUTPUTS);
        spec.shapes();
        return spec;
    }

    /** 3×3 convolution (or depthwise 3×3 and 1×1) with bias, ReLU, 1×1 convolution with bias to {@code out}. */
    private static void branch(List<Layer> layers, String x, String outName, String prefix, int out, int width,
            boolean separable) {
        String conv;
        if (separable) {
            layers.add(Conv.depthwise(prefix + "_dw", x, 3, 1));
            conv = prefix + "_pw";
            layers.add(new Conv(conv, List.of(prefix + "_dw"), Conv.Style.POINTWISE, width, 1, 1, 0, 1, 1, true));
        } else {
            conv = prefix + "_conv";
            layers.add(new Conv(conv, List.of(x), Conv.Style.CONV, width, 3, 1, 1, 1, 1, true));
        }
        layers.add(new Activation(prefix + "_relu", List.of(conv), Activation.Function.RELU));
        layers.add(new Conv(outName, List.of(prefix + "_relu"), Conv.Style.POINTWISE, out, 1, 1, 0, 1, 1, true));
    }
}

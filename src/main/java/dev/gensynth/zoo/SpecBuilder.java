package dev.gensynth.zoo;

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
import dev.gensynth.spec.Mul;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Pool;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.Upsample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Fluent construction of a {@link NetworkSpec}, so that an architecture reads like its
 * paper instead of like a list of records wired by hand.
 *
 * <p>The builder keeps a <em>current tensor</em>: every layer reads it and becomes it, so
 * a chain {@code conv("stem", 16, 3, 1, 1).bn().relu()} is a sequential stack. Branches
 * are made by remembering {@link #current()} and returning to it with {@link #at}.
 *
 * <p>Layers that define a unit of the architecture (convolutions, linear, add, concat,
 * slice) are named explicitly, because the generator, the reports and the weight files
 * refer to them. The layers that merely follow one (batch norm, activations, pooling,
 * shuffle, flatten, dropout) are named after the last explicitly named layer plus a suffix,
 * e.g. {@code stem_bn}, {@code stem_relu}; a clash gets a numeric suffix. Names use no dots
 * because parameters are keyed {@code layer.param}.
 */
public final class SpecBuilder {
    private final Shape input;
    private final List<Layer> layers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private String current = Layer.INPUT;
    private String base = Layer.INPUT;

    public SpecBuilder(Shape input) {
        this.input = input;
        names.add(Layer.INPUT);
    }

    /** The tensor the next layer will read; keep it to branch from or add to later. */
    public String current() {
        return current;
    }

    /** Continues from {@code tensor} (an earlier layer or {@link Layer#INPUT}), e.g. to start a second branch. */
    public SpecBuilder at(String tensor) {
        if (!names.contains(tensor)) {
            throw new IllegalArgumentException("no tensor '" + tensor + "' built yet");
        }
        current = tensor;
        base = tensor;
        return this;
    }

    /** Standard convolution, no bias (a batch norm follows in every zoo network). */
    public SpecBuilder conv(String name, int out, int kernel, int stride, int padding) {
        return named(Conv.conv(name, current, out, kernel, stride, padding));
    }

    /** Depthwise convolution with "same" padding; its width follows its input. */
    public SpecBuilder depthwise(String name, int kernel, int stride) {
        return named(Conv.depthwise(name, current, kernel, stride));
    }

    /** 1x1 convolution, stride 1. */
    public SpecBuilder pointwise(String name, int out) {
        return named(Conv.pointwise(name, current, out));
    }

    /**
     * A segmentation head: a 1x1 convolution with bias to one score per class at every pixel (no batch
     * norm follows it).
     */
    public SpecBuilder classifier(String name, int classes) {
        return named(new Conv(name, List.of(current), Conv.Style.POINTWISE, classes, 1, 1, 0, 1, 1, true));
    }

    /** Nearest-neighbour upsampling of the current tensor by {@code scale} to the size of {@code like}. */
    public SpecBuilder upsample(String name, int scale, String like) {
        return named(new Upsample(name, List.of(current, like), scale));
    }

    public SpecBuilder linear(String name, int out) {
        return named(new Linear(name, List.of(current), out, true));
    }

    /** Element-wise sum of the named tensors; the current tensor is not implied, so a residual add names both ends. */
    public SpecBuilder add(String name, String... tensors) {
        return named(new Add(name, List.of(tensors)));
    }

    /** {@code x} times {@code gate} (of x's shape, or its channels at 1×1). */
    public SpecBuilder mul(String name, String x, String gate) {
        return named(new Mul(name, List.of(x, gate)));
    }

    /** Channel concatenation of the given tensors, in order. */
    public SpecBuilder concat(String name, String... tensors) {
        return named(new Concat(name, List.of(tensors)));
    }

    /** Half of the current tensor's channels (ShuffleNet-V2 split); stays valid when its input narrows. */
    public SpecBuilder slice(String name, ChannelSlice.Half half) {
        return named(new ChannelSlice(name, List.of(current), half, 0, 0));
    }

    public SpecBuilder bn() {
        return follow("bn", n -> BatchNorm.of(n, current));
    }

    public SpecBuilder relu() {
        return follow("relu", n -> new Activation(n, List.of(current), Activation.Function.RELU));
    }

    public SpecBuilder sigmoid() {
        return follow("sigmoid", n -> new Activation(n, List.of(current), Activation.Function.SIGMOID));
    }

    public SpecBuilder relu6() {
        return follow("relu6", n -> new Activation(n, List.of(current), Activation.Function.RELU6));
    }

    public SpecBuilder maxPool(int kernel, int stride) {
        return follow("maxpool", n -> new Pool(n, List.of(current), Pool.Op.MAX, kernel, stride, 0));
    }

    /** A max-pool named {@code name}, padded by {@code padding} (its padding never wins). */
    public SpecBuilder maxPool(String name, int kernel, int stride, int padding) {
        return named(new Pool(name, List.of(current), Pool.Op.MAX, kernel, stride, padding));
    }

        public SpecBuilder globalAvgPool() {
        return follow("gap", n -> new GlobalAvgPool(n, List.of(current)));
    }

    public SpecBuilder flatten() {
        return follow("flatten", n -> new Flatten(n, List.of(current)));
    }

    public SpecBuilder dropout(double rate) {
        return follow("dropout", n -> new Dropout(n, List.of(current), rate));
    }

    public SpecBuilder shuffle(int groups) {
        return follow("shuffle", n -> new ChannelShuffle(n, List.of(current), groups));
    }

    /**
     * The finished network, validated: a zoo architecture that does not fit its input fails
     * here, naming the layer, rather than later inside training.
     */
    public NetworkSpec build(String name) {
        NetworkSpec spec = new NetworkSpec(name, input, layers);
        spec.shapes();
        return spec;
    }

    private SpecBuilder named(Layer layer) {
        base = layer.name();
        return append(layer);
    }

    private SpecBuilder follow(String suffix, Function<String, Layer> make) {
        String name = base + "_" + suffix;
        for (int i = 2; names.contains(name); i++) {
            name = base + "_" + suffix + i;
        }
        return append(make.apply(name));
    }

    private SpecBuilder append(Layer layer) {
        if (!names.add(layer.name())) {
            throw new IllegalArgumentException("layer name '" + layer.name() + "' is used twice");
        }
        layers.add(layer);
        current = layer.name();
        return this;
    }
}

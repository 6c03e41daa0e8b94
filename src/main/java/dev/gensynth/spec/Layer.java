package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named node of a network graph. Each kind knows, from its input shapes alone, its
 * output shape, its parameters and its multiply-accumulates: the spec is the single source
 * of truth for every metric, the DJL network and the exports.
 */
public sealed interface Layer permits Conv, BatchNorm, Activation, Pool, GlobalAvgPool, Add, Mul, Concat,
        ChannelShuffle, ChannelSlice, Upsample, Flatten, Linear, Dropout {

    /** Name of the network's input tensor, usable in any layer's {@code inputs}. */
    String INPUT = "input";

    String name();

    /** Names of the tensors this layer reads: earlier layers or {@link #INPUT}. */
    List<String> inputs();

    /** The kind as written in spec files, e.g. {@code conv} or {@code relu6}. */
    String kind();

    /** Output shape for these input shapes, or a {@link SpecException} naming this layer. */
    Shape outputShape(List<Shape> in);

    /** Parameter tensors, in a fixed order, for these input shapes (already validated). */
    default List<ParamSpec> parameters(List<Shape> in) {
        return List.of();
    }

    /**
     * Multiply-accumulates of one forward pass of one sample. Only convolutions and linear
     * layers count: batch norm folds into the preceding convolution at deployment, and
     * activations, pooling and adds are not multiply-accumulates.
     */
    default long macs(List<Shape> in, Shape out) {
        return 0;
    }

    /** The same layer reading from other tensors. */
    Layer withInputs(List<String> inputs);

    /** Kind-specific fields, in the order they are written to spec files. */
    default Map<String, Object> fields() {
        return new LinkedHashMap<>();
    }

    /** Exactly one input, or an error naming the layer. */
    default Shape single(List<Shape> in) {
        if (in.size() != 1) {
            throw SpecException.at(this, "takes exactly one input, got " + in.size() + " " + inputs());
        }
        return in.get(0);
    }

    /** A [C, H, W] feature map, or an error naming the layer. */
    default Shape map(List<Shape> in) {
        Shape s = single(in);
        if (!s.isMap()) {
            throw SpecException.at(this, "needs a [channels, height, width] feature map as input, got [" + s
                    + "] from '" + inputs().get(0) + "'");
        }
        return s;
    }
}

package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nearest-neighbour upsampling by an integer factor (decoders of segmentation networks). With a
 * second input, the output takes that tensor's height and width instead, cropping the last rows and
 * columns of the upsampled map: a decoder meets its skip connection's size when an odd size was
 * halved on the way down (33 → 17 → 34, cropped to 33). That is exactly PyTorch's and ONNX Runtime's
 * nearest interpolation to that size ({@code floor(y · in / out)}). The second input's channels are
 * not read.
 */
public record Upsample(String name, List<String> inputs, int scale) implements Layer {
    public Upsample {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "upsample";
    }

    @Override
    public Upsample withInputs(List<String> in) {
        return new Upsample(name, in, scale);
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        if (scale < 1) {
            throw SpecException.at(this, "'scale' must be a positive integer, got " + scale);
        }
        if (inShapes.size() == 2) {
            Shape in = map(inShapes.subList(0, 1));
            Shape like = map(inShapes.subList(1, 2));
            if (!fits(in.height(), like.height()) || !fits(in.width(), like.width())) {
                throw SpecException.at(this, "upsampling " + in.height() + "x" + in.width() + " by " + scale
                        + " cannot take the size " + like.height() + "x" + like.width() + " of '" + inputs().get(1)
                        + "' (it crops at most " + (scale - 1) + " rows and columns)");
            }
            return Shape.of(in.channels(), like.height(), like.width());
        }
        Shape in = map(inShapes);
        return Shape.of(in.channels(), in.height() * scale, in.width() * scale);
    }

    /** Whether {@code size} is {@code from · scale} less at most {@code scale - 1}. */
    private boolean fits(int from, int size) {
        return size <= from * scale && size > (from - 1) * scale;
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scale", scale);
        f.put("mode", "nearest");
        return f;
    }
}

package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nearest-neighbour upsampling by an integer factor (decoders of segmentation networks). */
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
        Shape in = map(inShapes);
        if (scale < 1) {
            throw SpecException.at(this, "'scale' must be a positive integer, got " + scale);
        }
        return Shape.of(in.channels(), in.height() * scale, in.width() * scale);
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scale", scale);
        f.put("mode", "nearest");
        return f;
    }
}

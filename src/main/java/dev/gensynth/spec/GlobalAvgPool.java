package dev.gensynth.spec;

import java.util.List;

/** Average over all positions of each channel: [C, H, W] to [C, 1, 1] (flatten it for a linear head). */
public record GlobalAvgPool(String name, List<String> inputs) implements Layer {
    public GlobalAvgPool {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "global_avgpool";
    }

    @Override
    public GlobalAvgPool withInputs(List<String> in) {
        return new GlobalAvgPool(name, in);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        return Shape.of(map(in).channels(), 1, 1);
    }
}

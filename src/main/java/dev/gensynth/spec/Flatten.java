package dev.gensynth.spec;

import java.util.List;

/** Any shape to a flat vector of the same number of elements. */
public record Flatten(String name, List<String> inputs) implements Layer {
    public Flatten {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "flatten";
    }

    @Override
    public Flatten withInputs(List<String> in) {
        return new Flatten(name, in);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        return Shape.of(Math.toIntExact(single(in).elements()));
    }
}

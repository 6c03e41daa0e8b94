package dev.gensynth.spec;

import java.util.List;

/**
 * Element-wise product of two tensors with the same channels: the second either of the first's shape or
 * C×1×1, a per-channel gate broadcast over height and width (squeeze-and-excitation, LR-ASPP's attention
 * branch).
 */
public record Mul(String name, List<String> inputs) implements Layer {
    public Mul {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "mul";
    }

    @Override
    public Mul withInputs(List<String> in) {
        return new Mul(name, in);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        if (in.size() != 2) {
            throw SpecException.at(this, "needs exactly two inputs, got " + inputs);
        }
        Shape a = in.get(0);
        Shape b = in.get(1);
        boolean gate = b.channels() == a.channels() && b.height() == 1 && b.width() == 1;
        if (!b.equals(a) && !gate) {
            throw SpecException.at(this, "shape mismatch: '" + inputs.get(0) + "' is [" + a + "] but '" + inputs.get(1)
                    + "' is [" + b + "]; the second input of a mul must have the first's shape or its channels "
                    + "at 1x1 (a per-channel gate)");
        }
        return a;
    }
}

package dev.gensynth.spec;

import java.util.List;

/** Element-wise sum of two or more tensors of identical shape (residual connections). */
public record Add(String name, List<String> inputs) implements Layer {
    public Add {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "add";
    }

    @Override
    public Add withInputs(List<String> in) {
        return new Add(name, in);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        if (in.size() < 2) {
            throw SpecException.at(this, "needs at least two inputs, got " + inputs);
        }
        for (int i = 1; i < in.size(); i++) {
            if (!in.get(i).equals(in.get(0))) {
                throw SpecException.at(this, "shape mismatch: '" + inputs.get(0) + "' is [" + in.get(0) + "] but '"
                        + inputs.get(i) + "' is [" + in.get(i) + "]; every input of an add must have the same"
                        + " channels, height and width");
            }
        }
        return in.get(0);
    }
}

package dev.gensynth.spec;

import java.util.List;

/** Concatenation along channels of tensors with equal remaining dimensions. */
public record Concat(String name, List<String> inputs) implements Layer {
    public Concat {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "concat";
    }

    @Override
    public Concat withInputs(List<String> in) {
        return new Concat(name, in);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        if (in.size() < 2) {
            throw SpecException.at(this, "needs at least two inputs, got " + inputs);
        }
        int c = 0;
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i);
            if (s.rank() != in.get(0).rank() || !s.dims().subList(1, s.rank())
                    .equals(in.get(0).dims().subList(1, s.rank()))) {
                throw SpecException.at(this, "shape mismatch: '" + inputs.get(0) + "' is [" + in.get(0) + "] but '"
                        + inputs.get(i) + "' is [" + s + "]; inputs of a concat may differ only in channels");
            }
            c += s.channels();
        }
        return in.get(0).withChannels(c);
    }
}

package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Zeroes a fraction {@code rate} of activations during training only. */
public record Dropout(String name, List<String> inputs, double rate) implements Layer {
    public Dropout {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "dropout";
    }

    @Override
    public Dropout withInputs(List<String> in) {
        return new Dropout(name, in, rate);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        if (rate < 0 || rate >= 1) {
            throw SpecException.at(this, "'rate' must be in [0, 1), got " + rate);
        }
        return single(in);
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rate", rate);
        return f;
    }
}

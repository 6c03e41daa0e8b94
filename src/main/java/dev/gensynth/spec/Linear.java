package dev.gensynth.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fully connected layer on a flat vector. */
public record Linear(String name, List<String> inputs, int out, boolean bias) implements Layer {
    public Linear {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public Linear withInputs(List<String> in) {
        return new Linear(name, in, out, bias);
    }

    public Linear withOut(int newOut) {
        return new Linear(name, inputs, newOut, bias);
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        Shape in = single(inShapes);
        if (in.rank() != 1) {
            throw SpecException.at(this, "needs a flat input but '" + inputs.get(0) + "' is [" + in
                    + "]; put a 'flatten' layer before it");
        }
        if (out < 1) {
            throw SpecException.at(this, "'out' must be a positive number of features, got " + out);
        }
        return Shape.of(out);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> in) {
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec("weight", new long[] {out, in.get(0).channels()}, true));
        if (bias) {
            p.add(new ParamSpec("bias", new long[] {out}, true));
        }
        return p;
    }

    @Override
    public long macs(List<Shape> in, Shape outShape) {
        return (long) in.get(0).channels() * out;
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("out", out);
        f.put("bias", bias);
        return f;
    }
}

package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Batch normalisation over channels; running mean and variance are stored but not trained. */
public record BatchNorm(String name, List<String> inputs, double epsilon, double momentum) implements Layer {
    public BatchNorm {
        inputs = List.copyOf(inputs);
    }

    public static BatchNorm of(String name, String input) {
        return new BatchNorm(name, List.of(input), 1e-5, 0.1);
    }

    @Override
    public String kind() {
        return "batchnorm";
    }

    @Override
    public BatchNorm withInputs(List<String> in) {
        return new BatchNorm(name, in, epsilon, momentum);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        if (epsilon <= 0 || momentum <= 0 || momentum >= 1) {
            throw SpecException.at(this, "needs epsilon > 0 and 0 < momentum < 1 (got " + epsilon + ", " + momentum + ")");
        }
        return single(in);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> in) {
        long c = in.get(0).channels();
        return List.of(new ParamSpec("gamma", new long[] {c}, true), new ParamSpec("beta", new long[] {c}, true),
                new ParamSpec("runningMean", new long[] {c}, false),
                new ParamSpec("runningVar", new long[] {c}, false));
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        if (epsilon != 1e-5) {
            f.put("epsilon", epsilon);
        }
        if (momentum != 0.1) {
            f.put("momentum", momentum);
        }
        return f;
    }
}

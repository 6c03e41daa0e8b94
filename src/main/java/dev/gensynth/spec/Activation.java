package dev.gensynth.spec;

import java.util.List;

/** An element-wise non-linearity; the kind is the function's name. */
public record Activation(String name, List<String> inputs, Function function) implements Layer {

    public enum Function {
        RELU("relu"), RELU6("relu6"), HARDSWISH("hardswish"), SIGMOID("sigmoid");

        public final String kind;

        Function(String kind) {
            this.kind = kind;
        }
    }

    public Activation {
        inputs = List.copyOf(inputs);
    }

    public static Activation relu(String name, String input) {
        return new Activation(name, List.of(input), Function.RELU);
    }

    @Override
    public String kind() {
        return function.kind;
    }

    @Override
    public Activation withInputs(List<String> in) {
        return new Activation(name, in, function);
    }

    @Override
    public Shape outputShape(List<Shape> in) {
        return single(in);
    }
}

package dev.gensynth.zoo;

import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.ParamSpec;
import dev.gensynth.spec.Shape;
import java.util.Map;

/** Totals of a spec computed straight from the layers' own rules, for assertions in tests. */
final class Costs {
    private Costs() {
    }

    /** Trainable parameters (batch-norm running statistics excluded). */
    static long params(NetworkSpec spec) {
        return spec.parameters().values().stream().filter(ParamSpec::trainable).mapToLong(ParamSpec::size).sum();
    }

    static long macs(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        long m = 0;
        for (Layer l : spec.layers()) {
            m += l.macs(spec.inputShapes(l, shapes), shapes.get(l.name()));
        }
        return m;
    }
}

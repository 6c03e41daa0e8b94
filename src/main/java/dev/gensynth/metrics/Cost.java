package dev.gensynth.metrics;

import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.ParamSpec;
import dev.gensynth.spec.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Params, MACs and activation memory of a network, per layer and in total, from its spec.
 * Params count trainable tensors only (batch-norm running statistics excluded); activation
 * memory is the float32 size of every layer output for one sample (the input excluded).
 */
public record Cost(List<LayerCost> layers, long params, long macs, long activationBytes) {

    public static Cost of(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        List<LayerCost> rows = new ArrayList<>();
        long p = 0;
        long m = 0;
        long a = 0;
        for (Layer l : spec.layers()) {
            List<Shape> in = spec.inputShapes(l, shapes);
            Shape out = shapes.get(l.name());
            long lp = l.parameters(in).stream().filter(ParamSpec::trainable).mapToLong(ParamSpec::size).sum();
            long lm = l.macs(in, out);
            long la = out.elements() * Float.BYTES;
            rows.add(new LayerCost(l.name(), l.kind(), out, lp, lm, la));
            p += lp;
            m += lm;
            a += la;
        }
        return new Cost(List.copyOf(rows), p, m, a);
    }

    public double paramsMillions() {
        return params / 1e6;
    }

    public double macsMillions() {
        return macs / 1e6;
    }
}

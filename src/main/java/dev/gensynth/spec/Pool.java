package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Max or average pooling over a square window ({@code maxpool}, {@code avgpool}). */
public record Pool(String name, List<String> inputs, Op op, int kernel, int stride, int padding) implements Layer {

    public enum Op {
        MAX("maxpool"), AVG("avgpool");

        public final String kind;

        Op(String kind) {
            this.kind = kind;
        }
    }

    public Pool {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return op.kind;
    }

    @Override
    public Pool withInputs(List<String> in) {
        return new Pool(name, in, op, kernel, stride, padding);
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        Shape in = map(inShapes);
        if (kernel < 1 || stride < 1 || padding < 0 || padding * 2 > kernel) {
            throw SpecException.at(this, "needs kernel >= 1, stride >= 1 and 0 <= padding <= kernel/2 (got kernel "
                    + kernel + ", stride " + stride + ", padding " + padding + ")");
        }
        int h = Math.floorDiv(in.height() + 2 * padding - kernel, stride) + 1;
        int w = Math.floorDiv(in.width() + 2 * padding - kernel, stride) + 1;
        if (h < 1 || w < 1) {
            throw SpecException.at(this, "a " + kernel + "x" + kernel + " window does not fit the " + in.height() + "x"
                    + in.width() + " input");
        }
        return Shape.of(in.channels(), h, w);
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kernel", kernel);
        f.put("stride", stride);
        if (padding != 0) {
            f.put("padding", padding);
        }
        return f;
    }
}

package dev.gensynth.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 2-D convolution, square kernel. Three spellings share this type because they are the same
 * operator: {@code conv} (everything explicit), {@code depthwise_conv} (one filter group per
 * input channel; {@code out} defaults to the input channels) and {@code pointwise_conv}
 * (1x1). Keeping the spelling lets specs read like the papers and lets the generator know
 * that a depthwise layer's width is tied to its input.
 *
 * <p>{@code out} and {@code groups} of a depthwise convolution are 0 in the record, meaning
 * "follow the input channels", so that narrowing the layer before it stays valid.
 */
public record Conv(String name, List<String> inputs, Style style, int out, int kernel, int stride, int padding,
        int dilation, int groups, boolean bias) implements Layer {

    public enum Style {
        CONV("conv"), DEPTHWISE("depthwise_conv"), POINTWISE("pointwise_conv");

        public final String kind;

        Style(String kind) {
            this.kind = kind;
        }
    }

    public Conv {
        inputs = List.copyOf(inputs);
    }

    public static Conv conv(String name, String input, int out, int kernel, int stride, int padding) {
        return new Conv(name, List.of(input), Style.CONV, out, kernel, stride, padding, 1, 1, false);
    }

    public static Conv depthwise(String name, String input, int kernel, int stride) {
        return new Conv(name, List.of(input), Style.DEPTHWISE, 0, kernel, stride, (kernel - 1) / 2, 1, 0, false);
    }

    public static Conv pointwise(String name, String input, int out) {
        return new Conv(name, List.of(input), Style.POINTWISE, out, 1, 1, 0, 1, 1, false);
    }

    @Override
    public String kind() {
        return style.kind;
    }

    /** Filter groups for this input: a depthwise convolution has one per input channel. */
    public int groupsFor(Shape in) {
        return style == Style.DEPTHWISE ? in.channels() : groups;
    }

    /** Output channels for this input: a depthwise convolution keeps the input channels. */
    public int outFor(Shape in) {
        return style == Style.DEPTHWISE && out == 0 ? in.channels() : out;
    }

    public Conv withOut(int newOut) {
        return new Conv(name, inputs, style, newOut, kernel, stride, padding, dilation, groups, bias);
    }

    public Conv withGroups(int newGroups) {
        return new Conv(name, inputs, style, out, kernel, stride, padding, dilation, newGroups, bias);
    }

    @Override
    public Conv withInputs(List<String> newInputs) {
        return new Conv(name, newInputs, style, out, kernel, stride, padding, dilation, groups, bias);
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        Shape in = map(inShapes);
        if (kernel < 1 || stride < 1 || dilation < 1 || padding < 0) {
            throw SpecException.at(this, "kernel, stride and dilation must be >= 1 and padding >= 0 (got kernel "
                    + kernel + ", stride " + stride + ", dilation " + dilation + ", padding " + padding + ")");
        }
        int g = groupsFor(in);
        int o = outFor(in);
        if (o < 1) {
            throw SpecException.at(this, "'out' must be a positive number of channels, got " + o);
        }
        if (g < 1) {
            throw SpecException.at(this, "'groups' must be >= 1, got " + g);
        }
        if (in.channels() % g != 0) {
            throw SpecException.at(this, "input channels (" + in.channels() + " from '" + inputs.get(0)
                    + "') are not divisible by groups (" + g + "); change 'groups' or the width of '"
                    + inputs.get(0) + "'");
        }
        if (o % g != 0) {
            throw SpecException.at(this, "output channels (" + o + ") are not divisible by groups (" + g
                    + "); change 'out' or 'groups'");
        }
        int h = outSize(in.height());
        int w = outSize(in.width());
        if (h < 1 || w < 1) {
            throw SpecException.at(this, "a " + kernel + "x" + kernel + " kernel (dilation " + dilation
                    + ") does not fit the " + in.height() + "x" + in.width() + " input with padding " + padding);
        }
        return Shape.of(o, h, w);
    }

    private int outSize(int size) {
        return Math.floorDiv(size + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inShapes) {
        Shape in = inShapes.get(0);
        int o = outFor(in);
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec("weight", new long[] {o, in.channels() / groupsFor(in), kernel, kernel}, true));
        if (bias) {
            p.add(new ParamSpec("bias", new long[] {o}, true));
        }
        return p;
    }

    @Override
    public long macs(List<Shape> in, Shape out) {
        return out.elements() * (in.get(0).channels() / groupsFor(in.get(0))) * (long) kernel * kernel;
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        if (style != Style.DEPTHWISE || out != 0) {
            f.put("out", out);
        }
        if (style != Style.POINTWISE) {
            f.put("kernel", kernel);
            f.put("stride", stride);
            f.put("padding", padding);
            if (dilation != 1) {
                f.put("dilation", dilation);
            }
        } else if (stride != 1) {
            f.put("stride", stride);
        }
        if (style != Style.DEPTHWISE && groups != 1) {
            f.put("groups", groups);
        }
        f.put("bias", bias);
        return f;
    }
}

package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Channels {@code [from, to)} of the input (ShuffleNet-V2's channel split). A negative
 * {@code to} counts from the end, and {@code half: first|second} takes half of the channels,
 * so the layer stays valid when the generator narrows its input.
 */
public record ChannelSlice(String name, List<String> inputs, Half half, int from, int to) implements Layer {

    public enum Half {
        NONE, FIRST, SECOND
    }

    public ChannelSlice {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "slice";
    }

    @Override
    public ChannelSlice withInputs(List<String> in) {
        return new ChannelSlice(name, in, half, from, to);
    }

    /** Resolved [from, to) for this many input channels. */
    public int[] range(int channels) {
        return switch (half) {
            case FIRST -> new int[] {0, channels / 2};
            case SECOND -> new int[] {channels / 2, channels};
            case NONE -> new int[] {from, to < 0 ? channels + to + 1 : to};
        };
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        Shape in = single(inShapes);
        int[] r = range(in.channels());
        if (r[0] < 0 || r[1] > in.channels() || r[0] >= r[1]) {
            throw SpecException.at(this, "channel range [" + r[0] + ", " + r[1] + ") is empty or outside the "
                    + in.channels() + " channels of '" + inputs.get(0) + "'");
        }
        return in.withChannels(r[1] - r[0]);
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        if (half != Half.NONE) {
            f.put("half", half.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            f.put("from", from);
            f.put("to", to);
        }
        return f;
    }
}

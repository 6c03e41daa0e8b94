package dev.gensynth.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** ShuffleNet's channel shuffle: view channels as [groups, C/groups], transpose, flatten. */
public record ChannelShuffle(String name, List<String> inputs, int groups) implements Layer {
    public ChannelShuffle {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String kind() {
        return "channel_shuffle";
    }

    @Override
    public ChannelShuffle withInputs(List<String> in) {
        return new ChannelShuffle(name, in, groups);
    }

    @Override
    public Shape outputShape(List<Shape> inShapes) {
        Shape in = map(inShapes);
        if (groups < 1 || in.channels() % groups != 0) {
            throw SpecException.at(this, "channels (" + in.channels() + " from '" + inputs.get(0)
                    + "') are not divisible by groups (" + groups + ")");
        }
        return in;
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("groups", groups);
        return f;
    }
}

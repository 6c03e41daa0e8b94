package dev.gensynth.generator;

import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Dropout;
import dev.gensynth.spec.Flatten;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Pool;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.Upsample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The structural units of a network: groups of channels that must be kept or dropped
 * together. A convolution or linear layer opens a new channel space; batch norm, activations,
 * pooling, dropout, upsampling and depthwise convolutions pass their input's space through; a
 * residual add ties the spaces it joins into one group (so channels tied by an add are drawn
 * together). Spaces that meet a concat, slice, channel shuffle or grouped convolution, the
 * network input and the network outputs are frozen: the generator leaves their width alone,
 * which keeps every generated network valid without special cases. Nothing here assumes a
 * classifier: a segmentation head's output space is frozen like a classifier's.
 */
public final class ChannelGroups {
    /** A channel space of a tensor: its group, and how many flat features each channel spans. */
    record Space(int group, int multiplicity) {
    }

    private final NetworkSpec spec;
    private final Map<String, Space> spaceOf = new HashMap<>();
    private final int[] parent;
    private final boolean[] frozenRaw;
    private final int[] widthRaw;
    private final Map<Integer, Integer> canonical = new TreeMap<>();

    public ChannelGroups(NetworkSpec spec) {
        this.spec = spec;
        Map<String, Shape> shapes = spec.shapes();
        int max = spec.layers().size() + 1;
        parent = new int[max];
        frozenRaw = new boolean[max];
        widthRaw = new int[max];
        for (int i = 0; i < max; i++) {
            parent[i] = i;
        }
        int next = 0;
        spaceOf.put(Layer.INPUT, new Space(next, 1));
        frozenRaw[next] = true;
        widthRaw[next] = spec.input().channels();
        next++;
        for (Layer l : spec.layers()) {
            Shape out = shapes.get(l.name());
            Space in = l.inputs().isEmpty() ? null : spaceOf.get(l.inputs().get(0));
            Space s;
            if (l instanceof Conv c && c.style() == Conv.Style.DEPTHWISE && c.out() == 0) {
                s = in;
            } else if (l instanceof Conv c) {
                boolean grouped = c.groupsFor(shapes.get(c.inputs().get(0))) > 1;
                if (grouped) {
                    freeze(in.group);
                }
                s = new Space(next, 1);
                widthRaw[next] = out.channels();
                frozenRaw[next] = grouped;
                next++;
            } else if (l instanceof Linear) {
                s = new Space(next, 1);
                widthRaw[next] = out.channels();
                next++;
            } else if (l instanceof BatchNorm || l instanceof Activation || l instanceof Pool
                    || l instanceof Dropout || l instanceof Upsample || l instanceof GlobalAvgPool) {
                s = in;
            } else if (l instanceof Flatten) {
                Shape i = shapes.get(l.inputs().get(0));
                s = new Space(in.group, in.multiplicity * (int) (i.elements() / i.channels()));
            } else if (l instanceof Add) {
                for (String x : l.inputs()) {
                    union(in.group, spaceOf.get(x).group);
                }
                s = in;
            } else {
                // concat, slice, channel shuffle: channel positions are rearranged; leave them be.
                for (String x : l.inputs()) {
                    freeze(spaceOf.get(x).group);
                }
                s = new Space(next, 1);
                widthRaw[next] = out.channels();
                frozenRaw[next] = true;
                next++;
            }
            spaceOf.put(l.name(), s);
        }
        for (String o : spec.outputs()) {
            freeze(spaceOf.get(o).group);
        }
        for (int i = 0; i < next; i++) {
            if (find(i) == i && !frozenRaw[i]) {
                canonical.put(i, canonical.size());
            }
        }
    }

    private int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent[rb] = ra;
            frozenRaw[ra] |= frozenRaw[rb];
        }
    }

    private void freeze(int g) {
        frozenRaw[find(g)] = true;
    }

    public NetworkSpec spec() {
        return spec;
    }

    /** Number of prunable groups; groups are numbered 0..count-1 in network order. */
    public int count() {
        return canonical.size();
    }

    /** Channels of prunable group {@code g}. */
    public int width(int g) {
        for (Map.Entry<Integer, Integer> e : canonical.entrySet()) {
            if (e.getValue() == g) {
                return widthRaw[e.getKey()];
            }
        }
        throw new IllegalArgumentException("no group " + g);
    }

    /** Prunable group of a tensor's channels, or -1 when frozen. */
    public int groupOf(String tensor) {
        Integer g = canonical.get(find(spaceOf.get(tensor).group));
        return g == null ? -1 : g;
    }

    /** The first layer whose output is in group {@code g}: a name that finds the group in a related spec. */
    public String anyLayer(int g) {
        for (Layer l : spec.layers()) {
            if (groupOf(l.name()) == g) {
                return l.name();
            }
        }
        throw new IllegalArgumentException("no group " + g);
    }

    /** Flat features per channel of a tensor (H·W after a flatten, else 1). */
    public int multiplicity(String tensor) {
        return spaceOf.get(tensor).multiplicity;
    }

    /** Layers whose outputs open each group (for names in reports). */
    public Map<Integer, List<String>> owners() {
        Map<Integer, List<String>> m = new LinkedHashMap<>();
        for (Layer l : spec.layers()) {
            int g = groupOf(l.name());
            if (g >= 0 && (l instanceof Conv || l instanceof Linear)) {
                m.computeIfAbsent(g, k -> new ArrayList<>()).add(l.name());
            }
        }
        return m;
    }
}

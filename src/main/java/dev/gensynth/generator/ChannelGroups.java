package dev.gensynth.generator;

import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Concat;
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
 * together); a concat lays its inputs' spaces side by side, each still its own group, so the
 * encoder of a U-Net narrows like any other layer and the decoder's convolution takes the kept
 * channels of each part. Spaces that meet a slice, channel shuffle or grouped convolution, the
 * network input and the network outputs are frozen: the generator leaves their width alone,
 * which keeps every generated network valid without special cases. Nothing here assumes a
 * classifier: a segmentation head's output space is frozen like a classifier's.
 */
public final class ChannelGroups {
    /**
     * A run of consecutive channels of a tensor that belong to one space: its group, its channels, and how
     * many flat features each channel spans. A tensor is one segment, or several after a concat.
     */
    record Segment(int group, int channels, int multiplicity) {
    }

    private final NetworkSpec spec;
    private final Map<String, List<Segment>> spaceOf = new HashMap<>();
    private final int[] parent;
    private final boolean[] frozenRaw;
    private final int[] widthRaw;
    private final Map<Integer, Integer> canonical = new TreeMap<>();
    /** Per prunable group: the widest output of a head (a layer whose output is a network output) it feeds. */
    private final int[] headFloor;

    public ChannelGroups(NetworkSpec spec) {
        this.spec = spec;
        Map<String, Shape> shapes = spec.shapes();
        int max = spec.layers().size() + 1;
        parent = new int[max];
        frozenRaw = new boolean[max];
        widthRaw = new int[max];
        int[] headFloorRaw = new int[max];
        Map<Integer, List<Segment>> readBy = new HashMap<>();
        for (int i = 0; i < max; i++) {
            parent[i] = i;
        }
        int next = 0;
        spaceOf.put(Layer.INPUT, List.of(new Segment(next, spec.input().channels(), 1)));
        frozenRaw[next] = true;
        widthRaw[next] = spec.input().channels();
        next++;
        for (Layer l : spec.layers()) {
            Shape out = shapes.get(l.name());
            List<Segment> in = l.inputs().isEmpty() ? null : spaceOf.get(l.inputs().get(0));
            List<Segment> s;
            if (l instanceof Conv c && c.style() == Conv.Style.DEPTHWISE && c.out() == 0) {
                s = in;
            } else if (l instanceof Conv || l instanceof Linear) {
                boolean grouped = l instanceof Conv c && c.groupsFor(shapes.get(c.inputs().get(0))) > 1;
                if (grouped) {
                    freezeAll(in);
                }
                s = List.of(new Segment(next, out.channels(), 1));
                widthRaw[next] = out.channels();
                frozenRaw[next] = grouped;
                readBy.put(next, in);
                next++;
            } else if (l instanceof BatchNorm || l instanceof Activation || l instanceof Pool
                    || l instanceof Dropout || l instanceof Upsample || l instanceof GlobalAvgPool) {
                s = in;
            } else if (l instanceof Flatten) {
                Shape i = shapes.get(l.inputs().get(0));
                int hw = (int) (i.elements() / i.channels());
                s = in.stream().map(x -> new Segment(x.group(), x.channels(), x.multiplicity() * hw)).toList();
            } else if (l instanceof Add || l instanceof dev.gensynth.spec.Mul) {
                for (String x : l.inputs()) {
                    List<Segment> other = spaceOf.get(x);
                    if (sameLayout(in, other)) {
                        for (int k = 0; k < in.size(); k++) {
                            union(in.get(k).group(), other.get(k).group());
                        }
                    } else {
                        // the same channel positions hold different parts: nothing can be drawn apart safely
                        freezeAll(in);
                        freezeAll(other);
                    }
                }
                s = in;
            } else if (l instanceof Concat) {
                List<Segment> joined = new ArrayList<>();
                for (String x : l.inputs()) {
                    joined.addAll(spaceOf.get(x));
                }
                s = List.copyOf(joined);
            } else {
                // slice, channel shuffle: channel positions are rearranged; leave them be.
                for (String x : l.inputs()) {
                    freezeAll(spaceOf.get(x));
                }
                s = List.of(new Segment(next, out.channels(), 1));
                widthRaw[next] = out.channels();
                frozenRaw[next] = true;
                next++;
            }
            spaceOf.put(l.name(), s);
        }
        for (String o : spec.outputs()) {
            freezeAll(spaceOf.get(o));
            // the groups a head reads keep at least its outputs: a segmenter's last decoder cut to 8 channels
            // before its 11 class scores fell from 62 % to 29 % mIoU, a dead end for every such candidate
            for (Segment head : spaceOf.get(o)) {
                readBy.forEach((made, inputs) -> {
                    if (find(made) == find(head.group())) {
                        for (Segment x : inputs) {
                            headFloorRaw[x.group()] = Math.max(headFloorRaw[x.group()], widthRaw[made]);
                        }
                    }
                });
            }
        }
        for (int i = 0; i < next; i++) {
            if (find(i) == i && !frozenRaw[i]) {
                canonical.put(i, canonical.size());
            }
        }
        headFloor = new int[canonical.size()];
        for (int i = 0; i < next; i++) {
            Integer g = canonical.get(find(i));
            if (g != null) {
                headFloor[g] = Math.max(headFloor[g], headFloorRaw[i]);
            }
        }
    }

    private static boolean sameLayout(List<Segment> a, List<Segment> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int k = 0; k < a.size(); k++) {
            if (a.get(k).channels() != b.get(k).channels() || a.get(k).multiplicity() != b.get(k).multiplicity()) {
                return false;
            }
        }
        return true;
    }

    private void freezeAll(List<Segment> segments) {
        for (Segment x : segments) {
            freeze(x.group());
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

    /**
     * The fewest channels prunable group {@code g} may keep for the heads it feeds: the widest output of a layer
     * that makes a network output from it (a classifier's classes, a segmenter's class scores, a detector's
     * heatmap), 0 when it feeds none.
     */
    public int headFloor(int g) {
        if (g < 0 || g >= headFloor.length) {
            throw new IllegalArgumentException("no group " + g);
        }
        return headFloor[g];
    }

    /**
     * Prunable group of a tensor's channels, or -1 when frozen or when the tensor joins several spaces (a
     * concat's output: see {@link #kept}).
     */
    public int groupOf(String tensor) {
        List<Segment> s = spaceOf.get(tensor);
        return s.size() == 1 ? canonicalGroup(s.get(0)) : -1;
    }

    private int canonicalGroup(Segment x) {
        Integer g = canonical.get(find(x.group()));
        return g == null ? -1 : g;
    }

    /**
     * The flat feature indices of a tensor that a cut keeping {@code kept[g]} of each group keeps: every
     * segment's kept channels (all of a frozen one's) at its offset, each spanning its multiplicity; null when
     * nothing of the tensor can be cut (every part frozen).
     */
    public int[] kept(String tensor, int[][] kept) {
        List<Segment> segments = spaceOf.get(tensor);
        if (segments.stream().allMatch(x -> canonicalGroup(x) < 0)) {
            return null;
        }
        List<int[]> parts = new ArrayList<>();
        int offset = 0;
        int n = 0;
        for (Segment x : segments) {
            int g = canonicalGroup(x);
            int[] channels = g >= 0 ? kept[g] : Slicer.range(x.channels());
            int m = x.multiplicity();
            int[] flat = new int[channels.length * m];
            for (int i = 0; i < channels.length; i++) {
                for (int k = 0; k < m; k++) {
                    flat[i * m + k] = offset + channels[i] * m + k;
                }
            }
            parts.add(flat);
            n += flat.length;
            offset += x.channels() * m;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The first layer whose output is in group {@code g}: a name that finds the group in a related spec. */
    public String anyLayer(int g) {
        List<String> layers = layersOf(g);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no group " + g);
        }
        return layers.get(0);
    }

    /** Every layer whose output is in group {@code g}, in network order. */
    public List<String> layersOf(int g) {
        List<String> r = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (groupOf(l.name()) == g) {
                r.add(l.name());
            }
        }
        return r;
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

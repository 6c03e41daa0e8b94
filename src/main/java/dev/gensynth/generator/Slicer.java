package dev.gensynth.generator;

import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a network down to the kept channels of each group: a smaller spec, and the parent's
 * trained weights sliced to fit it, so the result starts trained rather than from scratch.
 * The result is a real, smaller network (no masks).
 */
public final class Slicer {
    private Slicer() {
    }

    /**
     * A network cut from a parent, with the parent channels each group kept and the parent's structural
     * units it changed ({@link StructuralUnit}: blocks left out, operators replaced), by key.
     */
    public record Cut(NetworkSpec spec, Weights weights, int[][] kept, List<String> changed) {
        public Cut {
            changed = List.copyOf(changed);
        }

        Cut(NetworkSpec spec, Weights weights, int[][] kept) {
            this(spec, weights, kept, List.of());
        }

        /** This cut with the named structural units changed too (blocks first). */
        Cut changing(List<String> units) {
            if (units.isEmpty()) {
                return this;
            }
            StructuralUnit.Changed c = StructuralUnit.apply(spec, weights, units);
            return new Cut(c.spec(), c.weights(), kept, units);
        }
    }

    /**
     * @param kept for each prunable group, the sorted parent channel indices to keep (non-empty)
     */
    public static Cut cut(ChannelGroups groups, Weights parent, int[][] kept, String name) {
        return cut(groups, parent, kept, name, true);
    }

    /** Only the smaller spec (no weights): what a cut would cost, for planning. */
    public static NetworkSpec cutSpec(ChannelGroups groups, int[][] kept) {
        return cut(groups, null, kept, groups.spec().name(), false).spec();
    }

    private static Cut cut(ChannelGroups groups, Weights parent, int[][] kept, String name, boolean withWeights) {
        NetworkSpec spec = groups.spec();
        List<Layer> layers = new ArrayList<>();
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (Layer l : spec.layers()) {
            int[] outKeep = groups.kept(l.name(), kept);
            int[] inKeep = groups.kept(l.inputs().get(0), kept);
            Layer nl = l;
            if (l instanceof Conv c) {
                boolean depthwise = c.style() == Conv.Style.DEPTHWISE && c.out() == 0;
                if (!depthwise && outKeep != null) {
                    nl = c.withOut(outKeep.length);
                }
                // A depthwise filter sees one channel: its weight is indexed by output only.
                slice(w, parent, l.name() + ".weight", outKeep, depthwise ? null : inKeep);
                slice(w, parent, l.name() + ".bias", outKeep, null);
            } else if (l instanceof Linear lin) {
                if (outKeep != null) {
                    nl = lin.withOut(outKeep.length);
                }
                slice(w, parent, l.name() + ".weight", outKeep, inKeep);
                slice(w, parent, l.name() + ".bias", outKeep, null);
            } else if (l instanceof BatchNorm) {
                for (String p : List.of("gamma", "beta", "runningMean", "runningVar")) {
                    slice(w, parent, l.name() + "." + p, inKeep, null);
                }
            }
            layers.add(nl);
        }
        NetworkSpec out = new NetworkSpec(name, spec.input(), layers, spec.outputs());
        out.shapes(); // a cut must always be valid; fail loudly here if the analysis missed a tie
        if (!withWeights) {
            return new Cut(out, null, kept);
        }
        Weights cutWeights = new Weights(w);
        cutWeights.checkFits(out, "cut from " + spec.name());
        return new Cut(out, cutWeights, kept);
    }

    /** Copies tensor {@code key} keeping rows {@code dim0} and columns {@code dim1} (null = all). */
    private static void slice(Map<String, Tensor> out, Weights parent, String key, int[] dim0, int[] dim1) {
        Tensor t = parent == null ? null : parent.get(key);
        if (t == null) {
            return;
        }
        long[] shape = t.shape().clone();
        int d0 = (int) shape[0];
        int d1 = shape.length > 1 ? (int) shape[1] : 1;
        int inner = 1;
        for (int i = 2; i < shape.length; i++) {
            inner *= (int) shape[i];
        }
        int[] rows = dim0 != null ? dim0 : range(d0);
        int[] cols = dim1 != null && shape.length > 1 ? dim1 : range(d1);
        float[] data = new float[rows.length * cols.length * inner];
        int k = 0;
        for (int r : rows) {
            for (int c : cols) {
                System.arraycopy(t.data(), (r * d1 + c) * inner, data, k, inner);
                k += inner;
            }
        }
        shape[0] = rows.length;
        if (shape.length > 1) {
            shape[1] = cols.length;
        }
        out.put(key, new Tensor(shape, data));
    }

    public static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}

package dev.gensynth.benchmark;

import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Widths;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;

/**
 * The structural side of the usual alternatives to synthesis, over the same architecture space
 * (the prototype's channel groups, cut by {@link Slicer}): L1-norm filter ranking with a uniform
 * keep ratio, random keep masks, and uniform width scaling of a built-in architecture; each can
 * be matched to a MACs target.
 */
public final class Alternatives {
    private Alternatives() {
    }

    /**
     * L1-norm importance of every channel of every prunable group: the sum over the layers that
     * produce the group (its conv/linear owners, several when a residual add ties them) of the
     * L1 norm of the filter (weight row) that makes the channel.
     */
    public static double[][] l1Scores(ChannelGroups groups, Weights weights) {
        double[][] s = new double[groups.count()][];
        for (int g = 0; g < groups.count(); g++) {
            s[g] = new double[groups.width(g)];
        }
        for (Map.Entry<Integer, List<String>> e : groups.owners().entrySet()) {
            double[] row = s[e.getKey()];
            for (String layer : e.getValue()) {
                Tensor t = weights.get(layer + ".weight");
                if (t == null || t.shape()[0] != row.length) {
                    continue;
                }
                int per = t.data().length / row.length;
                for (int c = 0; c < row.length; c++) {
                    double sum = 0;
                    for (int k = 0; k < per; k++) {
                        sum += Math.abs(t.data()[c * per + k]);
                    }
                    row[c] += sum;
                }
            }
        }
        return s;
    }

    /**
     * Per group, the {@code ratio·width} channels of highest score (rounded as {@code widths} says, like the
     * generator's widths, so that an alternative runs on the same kernels), sorted by index.
     */
    public static int[][] topK(ChannelGroups groups, double[][] scores, double ratio, Widths widths) {
        int[][] kept = new int[scores.length][];
        for (int g = 0; g < scores.length; g++) {
            double[] s = scores[g];
            int k = widths.of(ratio * s.length, groups, g);
            Integer[] order = new Integer[s.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> s[b] != s[a] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
            kept[g] = Arrays.stream(order, 0, k).mapToInt(Integer::intValue).sorted().toArray();
        }
        return kept;
    }

    /** The uniform keep ratio whose L1-pruned network has MACs closest (in log) to {@code targetMacs}. */
    public static double matchPruneRatio(ChannelGroups groups, double[][] scores, long targetMacs, Widths widths) {
        return match(r -> Cost.of(Slicer.cutSpec(groups, topK(groups, scores, r, widths))).macs(), 0.0, 1.0, targetMacs);
    }

    /**
     * A random network of the same space: a base keep ratio {@code ratio}, varied per group by a
     * log-normal factor of spread {@code spread}, and a uniformly random subset of that many
     * channels in each group (rounded as {@code widths} says).
     */
    public static int[][] randomKept(ChannelGroups groups, double ratio, double spread, Widths widths,
            SplittableRandom rnd) {
        int[][] kept = new int[groups.count()][];
        for (int g = 0; g < groups.count(); g++) {
            int w = groups.width(g);
            double r = Math.min(1, ratio * Math.exp(spread * dev.gensynth.model.Weights.gaussian(rnd)));
            int k = widths.of(r * w, groups, g);
            int[] idx = Slicer.range(w);
            for (int i = w - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            kept[g] = Arrays.stream(idx, 0, k).sorted().toArray();
        }
        return kept;
    }

    /** The width multiplier (3 decimals) of a built-in architecture with MACs closest (in log) to the target. */
    public static double matchWidth(String arch, Shape input, int classes, long targetMacs, double maxWidth) {
        double w = match(x -> Cost.of(Zoo.get(arch, input, classes, round3(x))).macs(), Math.min(0.01, maxWidth),
                maxWidth, targetMacs);
        return round3(w);
    }

    public static NetworkSpec widthScaled(String arch, Shape input, int classes, double width) {
        return Zoo.get(arch, input, classes, width);
    }

    static double round3(double x) {
        return Math.max(0.001, Math.round(x * 1000) / 1000.0);
    }

    /** Bisection on a MACs function non-decreasing in x; returns the x of MACs closest to the target in log. */
    static double match(DoubleFunction<Long> macs, double lo, double hi, long target) {
        List<double[]> seen = new ArrayList<>();
        double a = lo;
        double b = hi;
        for (int i = 0; i < 24; i++) {
            double m = (a + b) / 2;
            long v = macs.apply(m);
            seen.add(new double[] {m, v});
            if (v > target) {
                b = m;
            } else {
                a = m;
            }
        }
        seen.add(new double[] {lo, macs.apply(lo)});
        seen.add(new double[] {hi, macs.apply(hi)});
        double best = hi;
        double err = Double.POSITIVE_INFINITY;
        for (double[] s : seen) {
            double e = Math.abs(Math.log(s[1] / target));
            if (e < err - 1e-12) {
                err = e;
                best = s[0];
            }
        }
        return best;
    }
}

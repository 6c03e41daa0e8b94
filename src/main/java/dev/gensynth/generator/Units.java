package dev.gensynth.generator;

import dev.gensynth.metrics.CostModel;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The structural units θG has, and how decisively its logits follow what the inquisitor observed:
 * channels (their widths rounded as {@link Widths} says) and, when {@code blocks}, the residual
 * blocks a network may leave out ({@link Blocks}), when {@code operators}, the convolutions whose
 * operator may change ({@link Operators}).
 *
 * @param sharpness how decisively channel logits follow the importance ranking
 * @param aim the cost G aims at: MACs, or latency predicted on the deployment runtime
 * @param groupImportance how much a group's mean importance, against the other groups', weighs its channels:
 *     0 ranks a channel by its importance relative to its own group only (every group matters alike as a
 *     whole), 1 by its importance as measured (a first-order loss estimate, comparable across groups)
 * @param costWindow the {@link GeneratorState#costWindow} of the generators handed over (the run's and the
 *     levels'); the search's own generators draw freely (0)
 */
public record Units(double sharpness, Widths widths, boolean blocks, boolean operators, CostModel.Aim aim,
        double groupImportance, double costWindow) {
    public Units(double sharpness, Widths widths, boolean blocks) {
        this(sharpness, widths, blocks, false, CostModel.Aim.MACS, 0, 0);
    }

    public Units withAim(CostModel.Aim newAim) {
        return new Units(sharpness, widths, blocks, operators, newAim, groupImportance, costWindow);
    }

    /** The kinds of structural unit the search may change. */
    public Set<StructuralUnit.Kind> kinds() {
        Set<StructuralUnit.Kind> k = EnumSet.noneOf(StructuralUnit.Kind.class);
        if (blocks) {
            k.add(StructuralUnit.Kind.BLOCK);
        }
        if (operators) {
            k.add(StructuralUnit.Kind.OPERATOR);
        }
        return k;
    }

    /**
     * θG's logits aimed at {@code ratio} of the parent's cost ({@link #aim}); {@code unitLoss} prices the
     * structural units that may change (a unit without a price stays as it is); {@code groupWeight} weighs whole
     * groups, by the layers that write them ({@link #groupWeights}).
     */
    public Logits.Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> unitLoss,
            Map<String, Double> groupWeight, double ratio) {
        double[] w = groupWeights(groups, groupWeight);
        if (groupImportance != 0) {
            w = scaledByMeanImportance(w, importance, groupImportance);
        }
        return Logits.plan(groups, importance, unitLoss, w, ratio, sharpness, widths, aim.at(groups.spec()));
    }

    /**
     * {@code weights} (null: all 1) times each group's mean importance over the geometric mean of all groups'
     * means, to the power {@code beta} (a group without importance keeps its weight).
     */
    static double[] scaledByMeanImportance(double[] weights, double[][] importance, double beta) {
        int n = importance.length;
        double[] mean = new double[n];
        double logSum = 0;
        int counted = 0;
        for (int g = 0; g < n; g++) {
            mean[g] = Arrays.stream(importance[g]).average().orElse(0);
            if (mean[g] > 0) {
                logSum += Math.log(mean[g]);
                counted++;
            }
        }
        double geo = counted == 0 ? 1 : Math.exp(logSum / counted);
        double[] w = new double[n];
        for (int g = 0; g < n; g++) {
            w[g] = (weights == null ? 1 : weights[g]) * (mean[g] > 0 ? Math.pow(mean[g] / geo, beta) : 1);
        }
        return w;
    }

    /**
     * Each group's weight: the largest recorded for a layer whose output it holds (keyed by layer, a weight
     * outlives the parent it was learned on, and the layers left out of a later parent), 1 when none is; null
     * (every group alike) when none is recorded, as without {@code search.groupBlame}.
     */
    static double[] groupWeights(ChannelGroups groups, Map<String, Double> byLayer) {
        if (byLayer.isEmpty()) {
            return null;
        }
        double[] w = new double[groups.count()];
        for (int g = 0; g < w.length; g++) {
            w[g] = weightOf(groups, byLayer, g);
        }
        return w;
    }

    private static double weightOf(ChannelGroups groups, Map<String, Double> byLayer, int g) {
        double w = 1;
        for (String layer : groups.layersOf(g)) {
            w = Math.max(w, byLayer.getOrDefault(layer, 1.0));
        }
        return w;
    }

    /**
     * {@code byLayer} with group {@code g}'s weight multiplied by {@code factor}, recorded for every layer whose
     * output the group holds.
     */
    public static Map<String, Double> weighGroup(ChannelGroups groups, Map<String, Double> byLayer, int g,
            double factor) {
        double now = weightOf(groups, byLayer, g) * factor;
        Map<String, Double> r = new TreeMap<>(byLayer);
        for (String layer : groups.layersOf(g)) {
            r.put(layer, now);
        }
        return r;
    }
}

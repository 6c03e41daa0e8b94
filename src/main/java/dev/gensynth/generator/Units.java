package dev.gensynth.generator;

import dev.gensynth.metrics.CostModel;
import java.util.Map;

/**
 * The structural units θG has, and how decisively its logits follow what the inquisitor observed:
 * channels (their widths rounded as {@link Widths} says) and, when {@code blocks}, the residual
 * blocks a network may leave out ({@link Blocks}).
 *
 * @param sharpness how decisively channel logits follow the importance ranking
 * @param aim the cost G aims at: MACs, or latency predicted on the deployment runtime
 */
public record Units(double sharpness, Widths widths, boolean blocks, CostModel.Aim aim) {
    public Units(double sharpness, Widths widths, boolean blocks) {
        this(sharpness, widths, blocks, CostModel.Aim.MACS);
    }

    public Units withAim(CostModel.Aim newAim) {
        return new Units(sharpness, widths, blocks, newAim);
    }

    /** θG's logits aimed at {@code ratio} of the parent's cost ({@link #aim}). */
    public Logits.Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> blockLoss,
            double ratio) {
        return Logits.plan(groups, importance, blocks ? blockLoss : Map.of(), ratio, sharpness, widths,
                aim.at(groups.spec()));
    }
}

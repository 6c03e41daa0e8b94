package dev.gensynth.generator;

import java.util.Map;

/**
 * The structural units θG has, and how decisively its logits follow what the inquisitor observed:
 * channels (their widths rounded as {@link Widths} says) and, when {@code blocks}, the residual
 * blocks a network may leave out ({@link Blocks}).
 *
 * @param sharpness how decisively channel logits follow the importance ranking
 */
public record Units(double sharpness, Widths widths, boolean blocks) {
    /** θG's logits aimed at {@code macsRatio} of the parent's MACs. */
    public Logits.Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> blockLoss,
            double macsRatio) {
        return Logits.plan(groups, importance, blocks ? blockLoss : Map.of(), macsRatio, sharpness, widths);
    }
}

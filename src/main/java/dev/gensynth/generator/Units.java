package dev.gensynth.generator;

import dev.gensynth.metrics.CostModel;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The structural units θG has, and how decisively its logits follow what the inquisitor observed:
 * channels (their widths rounded as {@link Widths} says) and, when {@code blocks}, the residual
 * blocks a network may leave out ({@link Blocks}), when {@code operators}, the convolutions whose
 * operator may change ({@link Operators}).
 *
 * @param sharpness how decisively channel logits follow the importance ranking
 * @param aim the cost G aims at: MACs, or latency predicted on the deployment runtime
 */
public record Units(double sharpness, Widths widths, boolean blocks, boolean operators, CostModel.Aim aim) {
    public Units(double sharpness, Widths widths, boolean blocks) {
        this(sharpness, widths, blocks, false, CostModel.Aim.MACS);
    }

    public Units withAim(CostModel.Aim newAim) {
        return new Units(sharpness, widths, blocks, operators, newAim);
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
     * structural units that may change (a unit without a price stays as it is).
     */
    public Logits.Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> unitLoss,
            double ratio) {
        return Logits.plan(groups, importance, unitLoss, ratio, sharpness, widths, aim.at(groups.spec()));
    }
}

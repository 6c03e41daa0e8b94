package dev.gensynth.generator;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * θG, the generator's learned parameters: the current parent network with its trained weights,
 * a keep-logit for every channel of every prunable group of the parent, and a keep-logit for every
 * block of the parent that may be left out ({@link Blocks}), keyed by the block's name.
 *
 * @param logits {@code logits[g][c]}: logit of keeping channel c of group g
 * @param blockLogits logit of keeping each skippable block; a block without one is always kept
 * @param version how many updates ΔθG have been applied
 */
public record GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits,
        Map<String, Double> blockLogits, int version) {
    public GeneratorState {
        blockLogits = blockLogits == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(blockLogits));
    }

    /** A generator that only narrows channels. */
    public GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits, int version) {
        this(parent, parentWeights, logits, Map.of(), version);
    }
}

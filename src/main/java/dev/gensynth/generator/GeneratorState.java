package dev.gensynth.generator;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;

/**
 * θG, the generator's learned parameters: the current parent network with its trained weights,
 * and a keep-logit for every channel of every prunable group of the parent.
 *
 * @param logits {@code logits[g][c]}: logit of keeping channel c of group g
 * @param version how many updates ΔθG have been applied
 */
public record GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits, int version) {
}

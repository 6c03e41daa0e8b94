package dev.gensynth.generator;

import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * θG, the generator's learned parameters: the current parent network with its trained weights,
 * a keep-logit for every channel of every prunable group of the parent, and a keep-logit for every
 * structural unit of the parent G may change ({@link StructuralUnit}: a block left out, an operator
 * replaced), keyed by the unit's key.
 *
 * @param logits {@code logits[g][c]}: logit of keeping channel c of group g
 * @param unitLogits logit of keeping each structural unit as it is; a unit without one is never changed
 * @param version how many updates ΔθG have been applied
 */
public record GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits,
        Map<String, Double> unitLogits, int version) {
    public GeneratorState {
        unitLogits = unitLogits == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(unitLogits));
    }

    /** A generator that only narrows channels. */
    public GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits, int version) {
        this(parent, parentWeights, logits, Map.of(), version);
    }
}

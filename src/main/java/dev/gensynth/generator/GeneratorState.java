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
 * @param costWindow 0: each network is one draw of the logits; w > 0: each network's MACs lie within a factor
 *     1 ± w of {@code windowCentre}, where the draws allow ({@link Generator})
 * @param windowCentre the MACs G was aimed at, when it was aimed at MACs; null: the mean of its free draws
 */
public record GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits,
        Map<String, Double> unitLogits, int version, double costWindow, Double windowCentre) {
    public GeneratorState {
        unitLogits = unitLogits == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(unitLogits));
        if (!(costWindow >= 0 && costWindow < 1)) {
            throw new IllegalArgumentException("costWindow must be in [0, 1), got " + costWindow);
        }
    }

    /** A generator whose every network is one draw of its logits. */
    public GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits,
            Map<String, Double> unitLogits, int version) {
        this(parent, parentWeights, logits, unitLogits, version, 0, null);
    }

    /** This θG, its networks' MACs held within a factor 1 ± {@code window} of {@code centre} (null: their mean). */
    public GeneratorState withCostWindow(double window, Double centre) {
        return new GeneratorState(parent, parentWeights, logits, unitLogits, version, window, centre);
    }

    /** A generator that only narrows channels. */
    public GeneratorState(NetworkSpec parent, Weights parentWeights, double[][] logits, int version) {
        this(parent, parentWeights, logits, Map.of(), version);
    }
}

package dev.gensynth.inquisitor;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * θI, what the inquisitor has learned: how hard to push per cycle, running channel importance
 * of the current parent, and every (MACs, top-1) pair seen, from which it models accuracy
 * against cost.
 *
 * @param push MACs ratio the next generator aims at relative to its parent (lower = harder)
 * @param importance running Taylor importance per channel of the parent's groups
 * @param observations {log10 MACs, top-1 %} of every candidate probed
 * @param parentUtility U of the current parent (the best feasible network so far)
 * @param parentQuality validation quality (the task's metric) of the current parent
 * @param stale cycles since the generator last improved
 * @param unitLoss running loss rise of the parent with each of its structural units changed, by key
 * @param parentMeetsR whether the parent meets r (null, as in runs from before it was kept: it does); one
 *     that does not is the prototype or a stepping stone (see {@link Prober.Probe})
 * @param groupWeight how much more than its channels' importance says each channel group matters as a whole,
 *     learned from candidates that failed r after cutting it, by the layers that write the group
 *     ({@link Reactions#blameGroups}; none in runs from before it was kept)
 */
public record InquisitorState(double push, double[][] importance, List<double[]> observations,
        double parentUtility,
        @com.fasterxml.jackson.annotation.JsonAlias("parentTop1") double parentQuality, int stale,
        @com.fasterxml.jackson.annotation.JsonAlias("blockLoss") Map<String, Double> unitLoss, Boolean parentMeetsR,
        Map<String, Double> groupWeight) {
    public InquisitorState {
        observations = List.copyOf(observations);
        unitLoss = unitLoss == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(unitLoss));
        parentMeetsR = parentMeetsR == null || parentMeetsR;
        groupWeight = groupWeight == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(groupWeight));
    }

    /** A state that has observed no structural units, its parent meeting r. */
    public InquisitorState(double push, double[][] importance, List<double[]> observations, double parentUtility,
            double parentQuality, int stale) {
        this(push, importance, observations, parentUtility, parentQuality, stale, Map.of(), true, Map.of());
    }
}

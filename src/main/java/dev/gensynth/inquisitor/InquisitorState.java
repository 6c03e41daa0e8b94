package dev.gensynth.inquisitor;

import java.util.List;

/**
 * θI, what the inquisitor has learned: how hard to push per cycle, running channel importance
 * of the current parent, and every (MACs, top-1) pair seen, from which it models accuracy
 * against cost.
 *
 * @param push MACs ratio the next generator aims at relative to its parent (lower = harder)
 * @param importance running Taylor importance per channel of the parent's groups
 * @param observations {log10 MACs, top-1 %} of every candidate probed
 * @param parentUtility U of the current parent (the best feasible network so far)
 * @param parentTop1 validation top-1 of the current parent
 * @param stale cycles since the generator last improved
 */
public record InquisitorState(double push, double[][] importance, List<double[]> observations,
        double parentUtility, double parentTop1, int stale) {
    public InquisitorState {
        observations = List.copyOf(observations);
    }
}

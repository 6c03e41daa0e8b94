package dev.gensynth.inquisitor;

import dev.gensynth.generator.Slicer;
import dev.gensynth.model.Weights;
import java.util.List;

/** Which candidate of a cycle becomes the next parent (the inquisitor's parent policy). */
final class ParentPolicy {
    private ParentPolicy() {
    }

    /** A candidate that met r, with what it would bring as a parent. */
    record Feasible(CandidateRecord rec, Slicer.Cut cut, Weights weights) {
    }

    /**
     * The next parent: the best U among feasible candidates whose top-1 clears the floor by at
     * least one standard error of the stimuli's accuracy estimate, else the best U among all
     * feasible ones. U alone picks the candidate closest to the floor, whose children then
     * fail on noise; a parent with some margin left can still be narrowed.
     */
    static Feasible choose(List<Feasible> feasible, double floor, int samples) {
        Feasible best = null;
        Feasible bestSafe = null;
        double p = Double.isNaN(floor) ? 0.5 : Math.min(0.99, Math.max(0.01, floor / 100));
        double se = 100 * Math.sqrt(p * (1 - p) / Math.max(1, samples));
        for (Feasible f : feasible) {
            if (best == null || f.rec.utility() > best.rec.utility()) {
                best = f;
            }
            boolean safe = Double.isNaN(floor) || f.rec.top1() - floor >= se;
            if (safe && (bestSafe == null || f.rec.utility() > bestSafe.rec.utility())) {
                bestSafe = f;
            }
        }
        return bestSafe != null ? bestSafe : best;
    }
}

package dev.gensynth.inquisitor;

import dev.gensynth.generator.Slicer;
import dev.gensynth.model.Weights;
import java.util.List;

/** Which candidate of a cycle becomes the next parent (the inquisitor's parent policy). */
final class ParentPolicy {
    private ParentPolicy() {
    }

    /**
     * A candidate that met r, with what it would bring as a parent.
     *
     * @param error the standard error of its quality near the floor, from its task's metric on the images it was
     *     judged on ({@link dev.gensynth.task.SampleResults#standardError})
     */
    record Feasible(CandidateRecord rec, Slicer.Cut cut, Weights weights, double error) {
    }

    /**
     * The next parent: the best U among feasible candidates whose quality clears the floor by at
     * least one standard error of its estimate, else the best U among all feasible ones. U alone
     * picks the candidate closest to the floor, whose children then fail on noise; a parent with
     * some margin left can still be narrowed.
     */
    static Feasible choose(List<Feasible> feasible, double floor) {
        Feasible best = null;
        Feasible bestSafe = null;
        for (Feasible f : feasible) {
            if (best == null || f.rec.utility() > best.rec.utility()) {
                best = f;
            }
            boolean safe = Double.isNaN(floor) || f.rec.quality() - floor >= (Double.isFinite(f.error) ? f.error : 0);
            if (safe && (bestSafe == null || f.rec.utility() > bestSafe.rec.utility())) {
                bestSafe = f;
            }
        }
        return bestSafe != null ? bestSafe : best;
    }
}

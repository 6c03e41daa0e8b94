package dev.gensynth.inquisitor;

import java.util.List;

/**
 * How hard the next cycle pushes: the cost ratio it asks of G (of MACs, or of predicted latency when G aims
 * at latency), from the share of candidates that met r, the best one's accuracy margin and a straight-line
 * model of accuracy against log cost (the inquisitor's push policy).
 */
final class PushPolicy {
    static final double HARDEST_PUSH = 0.4;
    static final double SOFTEST_PUSH = 0.95;
    /** The model may hold the push back to at most this ratio, never further. */
    static final double MODEL_CAP = 0.85;

    private PushPolicy() {
    }

    /**
     * The push after a cycle. The accuracy model may slow the push but never stop it: its straight
     * line through candidates of different parents and fine-tuning states is too rough to forbid a
     * 15 % step.
     *
     * @param obs every measured candidate so far, {log10(cost), top-1}
     * @param fromCost the cost of the next cycle's parent
     */
    static double after(double push, double feasibleShare, double margin, List<double[]> obs, double floor,
            double fromCost) {
        return Math.max(next(push, feasibleShare, margin), Math.min(MODEL_CAP, modelledSafe(obs, floor, fromCost)));
    }

    /**
     * θI's push rule: the cost ratio to ask of the next cycle from this cycle's share of feasible
     * candidates and the best one's accuracy margin over the floor. It backs off when candidates
     * fail or the margin is thin, and tightens again as soon as the margin is comfortable: a
     * rule that only tightened on a wide margin (> 1 point) got stuck at the softest push after
     * one thin cycle, because fine-tuned parents rarely regain a full point.
     */
    static double next(double push, double feasibleShare, double margin) {
        if (feasibleShare == 0) {
            return Math.min(SOFTEST_PUSH, 1 - (1 - push) / 2);
        }
        if (margin < 0.3 || feasibleShare < 0.5) {
            return Math.min(SOFTEST_PUSH, push + 0.05);
        }
        return Math.max(HARDEST_PUSH, push - (margin > 1.0 ? 0.1 : 0.05));
    }

    /**
     * From all candidates seen, fit top-1 ≈ a + b·log10(cost) and return the cost ratio (to
     * {@code fromCost}) below which the fit drops under the floor plus a small safety margin.
     * Returns 0 (no constraint) while the fit is not informative.
     */
    static double modelledSafe(List<double[]> obs, double floor, double fromCost) {
        if (obs.size() < 6 || Double.isNaN(floor)) {
            return 0;
        }
        List<double[]> recent = obs.subList(Math.max(0, obs.size() - 16), obs.size());
        double mx = 0;
        double my = 0;
        for (double[] p : recent) {
            mx += p[0] / recent.size();
            my += p[1] / recent.size();
        }
        double sxy = 0;
        double sxx = 0;
        for (double[] p : recent) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        if (sxx < 1e-6 || sxy <= 0) {
            return 0;
        }
        double b = sxy / sxx;
        double a = my - b * mx;
        double safeLogCost = (floor + 0.2 - a) / b;
        double ratio = Math.pow(10, safeLogCost) / fromCost;
        return Math.max(0, Math.min(SOFTEST_PUSH, ratio));
    }
}

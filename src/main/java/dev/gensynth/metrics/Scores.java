package dev.gensynth.metrics;

/**
 * The efficiency scores of the method, exactly as defined in GENSYNTH.md. Accuracy is top-1
 * in percent (0..100), params and MACs in millions.
 */
public final class Scores {
    public static final double ALPHA = 2.0;
    public static final double BETA = 0.5;
    public static final double GAMMA = 0.5;

    private Scores() {
    }

    /** NetScore Ω = 20·log10(a^α / (p^β · m^γ)). */
    public static double netScore(double accuracyPercent, double paramsMillions, double macsMillions) {
        return 20 * Math.log10(Math.pow(accuracyPercent, ALPHA)
                / (Math.pow(paramsMillions, BETA) * Math.pow(macsMillions, GAMMA)));
    }

    /** Information density: top-1 accuracy (%) per million parameters. */
    public static double informationDensity(double accuracyPercent, double paramsMillions) {
        return accuracyPercent / paramsMillions;
    }
}

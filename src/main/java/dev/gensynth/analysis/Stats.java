package dev.gensynth.analysis;

import java.util.Arrays;

/** The summary statistics the reports and the inquisitor share. */
public final class Stats {
    private Stats() {
    }

    /** The mean (NaN for no values). */
    public static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The sample standard deviation, with n - 1 (NaN for fewer than two values). */
    public static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}

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

    /**
     * The bootstrap standard deviation of a statistic over {@code n} items: {@code resamples} draws of n items with
     * replacement from a generator seeded with {@code seed}, each passed to {@code statistic} as how many times each
     * item was drawn ({@code weight[i]}); 0 for fewer than two items. A paired spread is the statistic of a
     * difference computed on the same weights.
     */
    public static double bootstrapSd(int n, long seed, int resamples, java.util.function.ToDoubleFunction<int[]> statistic) {
        if (n < 2) {
            return 0;
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int[] weight = new int[n];
        double sum = 0;
        double sq = 0;
        for (int r = 0; r < resamples; r++) {
            Arrays.fill(weight, 0);
            for (int i = 0; i < n; i++) {
                weight[rnd.nextInt(n)]++;
            }
            double d = statistic.applyAsDouble(weight);
            sum += d;
            sq += d * d;
        }
        double mean = sum / resamples;
        return Math.sqrt(Math.max(0, (sq - resamples * mean * mean) / (resamples - 1)));
    }
}

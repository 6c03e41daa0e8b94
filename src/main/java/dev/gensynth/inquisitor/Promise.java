package dev.gensynth.inquisitor;

import java.util.List;

/**
 * What the final generator promises about the networks it will make: how likely one of them meets r on
 * data it has not seen. Not assumed from the search: measured on networks the generator made from seeds
 * of its own, fine-tuned with the generate recipe and measured on the validation split, and stated with
 * the spread those samples show.
 *
 * <p>The top-1 part treats a fresh network's margin over the floor as normal around the samples' mean margin,
 * with their spread across seeds and, on top, twice over (these images, then the test split), the paired
 * standard error of a sample's top-1 against the prototype's on the same images (the floor is the
 * prototype's top-1 minus the drop); the latency part treats its log latency as normal around the samples', with at least 5 % spread
 * (what one thread shows between sessions). A sample whose fine-tuning diverged counts as a miss, and so does
 * one over r's MACs or params bound. Three samples state a spread only roughly. On a small validation split the
 * samples are measured on images held out from the search ({@code search.promiseFraction}): on the images the
 * parents were selected on, 180 of them came out 7 points optimistic (bench/results/small_data.md).
 *
 * @param ratio the final generator's expected cost relative to the final parent
 * @param met how many samples met r on validation
 * @param probability the chance that one fresh network meets r (both parts together, times the share of
 *     samples within r's MACs and params bounds, which do not vary by chance)
 * @param finetuneEpochs what sampling cost, in passes over the training split
 * @param images validation images the samples were measured on
 */
public record Promise(double ratio, int samples, int met, double meanTop1, double spreadTop1, double floor,
        double meanLatencyMs, Double maxLatencyMs, double probability, double finetuneEpochs, int images) {
    /** The confidence the final generator aims at: 19 networks in 20 meeting r. */
    public static final double TARGET = 0.95;
    /** Least spread of log latency assumed between sessions. */
    private static final double LATENCY_SPREAD = 0.05;

    /**
     * @param floor r's validation top-1 floor (NaN when r sets none)
     * @param validationSize images in the validation split, for its sampling error
     * @param maxMacs r's MACs bound (null: none), and {@code maxParams} its params bound
     * @param pairedError the paired standard error of the samples' top-1 against the prototype's on the same
     *     images (NaN: not known; then both are taken as independent binomial estimates, which overstates the
     *     noise of two networks that agree on most images)
     */
    static Promise of(double ratio, List<CandidateRecord> samples, double floor, Double maxLatencyMs, Long maxMacs,
            Long maxParams, int validationSize, double pairedError) {
        List<CandidateRecord> measured = samples.stream().filter(CandidateRecord::measured).toList();
        int n = measured.size();
        double alive = samples.isEmpty() ? 0 : (double) measured.stream()
                .filter(r -> (maxMacs == null || r.macs() <= maxMacs) && (maxParams == null || r.params() <= maxParams))
                .count() / samples.size();
        double mean = measured.stream().mapToDouble(CandidateRecord::quality).average().orElse(Double.NaN);
        double spread = spread(measured.stream().mapToDouble(CandidateRecord::quality).toArray());
        double pTop1 = 1;
        if (!Double.isNaN(floor)) {
            double p = Math.max(0, Math.min(1, mean / 100));
            // the margin is measured twice with such noise: on these images, and again on the test split it is
            // judged on (taken as large)
            double sampling = Math.sqrt(2) * (Double.isFinite(pairedError) ? pairedError
                    : Math.sqrt(2) * 100 * Math.sqrt(p * (1 - p) / Math.max(1, validationSize)));
            double sigma = Math.sqrt(spread * spread + sampling * sampling);
            pTop1 = n == 0 ? 0 : sigma > 0 ? phi((mean - floor) / sigma) : mean >= floor ? 1 : 0;
        }
        double meanLatency = Double.NaN;
        double pLatency = 1;
        if (maxLatencyMs != null) {
            double[] logs = measured.stream().mapToDouble(r -> Math.log(r.latencyMs())).toArray();
            double meanLog = java.util.Arrays.stream(logs).average().orElse(Double.NaN);
            meanLatency = Math.exp(meanLog);
            double sd = Math.max(LATENCY_SPREAD, spread(logs));
            pLatency = n == 0 ? 0 : phi((Math.log(maxLatencyMs) - meanLog) / sd);
        }
        int met = (int) samples.stream().filter(CandidateRecord::met).count();
        return new Promise(ratio, samples.size(), met, mean, spread, floor, meanLatency, maxLatencyMs,
                alive * pTop1 * pLatency, samples.stream().mapToDouble(CandidateRecord::finetuneEpochs).sum(),
                validationSize);
    }

    /** Whether the latency part is the weaker one (then a narrower generator, not a wider one, would help). */
    boolean latencyIsWeaker() {
        if (maxLatencyMs == null || Double.isNaN(meanLatencyMs)) {
            return false;
        }
        double latencyMargin = Math.log(maxLatencyMs / meanLatencyMs) / LATENCY_SPREAD;
        double top1Margin = Double.isNaN(floor) ? Double.POSITIVE_INFINITY
                : (meanTop1 - floor) / Math.max(spreadTop1, 0.1);
        return latencyMargin < top1Margin;
    }

    /** One line for logs and for {@code generate}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "a fresh network meets r with "
                + "probability %.2f (%d of %d"
                + " samples met it on %,d validation images", probability, met, samples, images));
        if (Double.isNaN(meanTop1)) {
            sb.append("; none could be measured: every fine-tuning diverged");
        } else if (!Double.isNaN(floor)) {
            sb.append(String.format(java.util.Locale.ROOT, "; quality %.2f %% ± %.2f against the floor %.2f %%", meanTop1,
                    spreadTop1, floor));
        }
        if (maxLatencyMs != null && !Double.isNaN(meanLatencyMs)) {
            sb.append(String.format(java.util.Locale.ROOT, "; latency %.3f ms against %.3f ms", meanLatencyMs,
                    maxLatencyMs));
        }
        return sb.append(String.format(java.util.Locale.ROOT, "; the generator aims at %.2f of its parent's cost)",
                ratio)).toString();
    }

    /**
     * What the generator promised beside what {@code n} of its networks did ({@code met} of them met r): "...;
     * expected 3.4 of 4, 3 met it (as promised)".
     */
    public String outcome(long met, int n) {
        // a shortfall that n draws at the promised probability give at least one time in 20 is not a broken promise
        String verdict = binomialAtMost(met, n, probability) >= 0.05 ? "as promised" : "fewer than promised";
        return String.format(java.util.Locale.ROOT, "%s; expected %.1f of %d, %d met it (%s)", describe(),
                probability * n, n, met, verdict);
    }

    /** P(X <= k) for X ~ Binomial(n, p). */
    static double binomialAtMost(long k, int n, double p) {
        if (k >= n || p <= 0) {
            return 1;
        }
        if (p >= 1) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i <= k && i <= n; i++) {
            double logC = 0;
            for (int j = 1; j <= i; j++) {
                logC += Math.log(n - i + j) - Math.log(j);
            }
            sum += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
        }
        return Math.min(1, sum);
    }

    /** Sample standard deviation (0 for fewer than two values). */
    private static double spread(double[] v) {
        return v.length < 2 ? 0 : dev.gensynth.analysis.Stats.sd(v);
    }

    /** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}

package dev.gensynth.data;

import java.util.Arrays;

/**
 * Per-channel standardisation {@code (x - mean[c]) / std[c]}.
 *
 * <p>Fit it on the <em>training</em> split only and apply the same instance to validation and
 * test data: fitting on held-out data leaks its statistics into training. It is a plain record
 * so that it can be saved with Jackson next to a trained model and re-applied at inference.
 *
 * @param mean one mean per channel
 * @param std  one standard deviation per channel, all strictly positive
 */
public record Normalization(float[] mean, float[] std) {

    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("normalization needs as many means as stds (at least one), got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("normalization std must be positive and finite, got "
                        + Arrays.toString(std));
            }
        }
    }

    /**
     * Per-channel mean and (population) standard deviation over all samples and pixels of
     * {@code d}. Sums are accumulated in double because a float sum over 47 million pixels loses
     * several digits. A constant channel (std 0) gets std 1, so it is only centred rather than
     * divided by zero.
     */
    public static Normalization fit(Dataset d) {
        int c = d.sampleShape().channels();
        int plane = d.sampleElements() / c;
        double[] sum = new double[c];
        double[] sumSq = new double[c];
        float[] x = d.x();
        for (int i = 0; i < d.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                double s = 0;
                double s2 = 0;
                for (int p = 0; p < plane; p++) {
                    double v = x[base + p];
                    s += v;
                    s2 += v * v;
                }
                sum[ch] += s;
                sumSq[ch] += s2;
            }
        }
        double count = (double) d.size() * plane;
        if (count == 0) {
            throw new IllegalArgumentException("cannot fit a normalization on the empty dataset " + d.name());
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / count;
            double var = Math.max(0, sumSq[ch] / count - m * m);
            mean[ch] = (float) m;
            std[ch] = var > 1e-12 ? (float) Math.sqrt(var) : 1f;
        }
        return new Normalization(mean, std);
    }

    /** Number of channels this normalization expects. */
    public int channels() {
        return mean.length;
    }

    /** A normalised copy of {@code d}; {@code d} itself is untouched. */
    public Dataset apply(Dataset d) {
        int c = d.sampleShape().channels();
        if (c != mean.length) {
            throw new IllegalArgumentException("normalization for " + mean.length + " channels cannot be applied to "
                    + d.name() + " with " + c + " channels");
        }
        int plane = d.sampleElements() / c;
        float[] in = d.x();
        float[] out = new float[in.length];
        for (int i = 0; i < d.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                float m = mean[ch];
                float inv = 1f / std[ch];
                for (int p = 0; p < plane; p++) {
                    out[base + p] = (in[base + p] - m) * inv;
                }
            }
        }
        return d.withImages(out);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}

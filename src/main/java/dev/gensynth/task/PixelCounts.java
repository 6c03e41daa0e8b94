package dev.gensynth.task;

import dev.gensynth.data.Targets;

/**
 * Per-class pixel counts of a segmentation, summed over every image added, and the metrics
 * mmsegmentation reports from them ({@code IoUMetric}: {@code intersect_and_union}, then
 * {@code total_area_to_metrics}). Pixels labelled {@link Targets.Masks#IGNORE} count nowhere.
 * Summing first and dividing once is what makes these the split's figures: a mean of per-batch or
 * per-image IoUs weighs a small image like a large one and a class's empty batches as zeros or gaps.
 *
 * <ul>
 *   <li>pixel accuracy = Σ intersections / Σ labelled pixels (mmsegmentation's {@code aAcc});</li>
 *   <li>IoU of class c = intersection / union, union = predicted + labelled − intersection;</li>
 *   <li>mIoU = the mean IoU over the classes whose union is not empty (those absent from both the
 *       truth and the predictions are left out, as mmsegmentation's {@code nanmean}).</li>
 * </ul>
 * All in percent, as top-1 is elsewhere.
 */
public final class PixelCounts {
    private final long[] intersection;
    private final long[] predicted;
    private final long[] labelled;

    public PixelCounts(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        intersection = new long[classes];
        predicted = new long[classes];
        labelled = new long[classes];
    }

    public int classes() {
        return labelled.length;
    }

    /** Adds one pixel: its true class (or {@link Targets.Masks#IGNORE}) and the predicted one. */
    public void add(int truth, int prediction) {
        if (truth == Targets.Masks.IGNORE) {
            return;
        }
        if (truth < 0 || truth >= classes() || prediction < 0 || prediction >= classes()) {
            throw new IllegalArgumentException("pixel of class " + truth + " predicted as " + prediction
                    + ": both must be in [0, " + classes() + ")");
        }
        labelled[truth]++;
        predicted[prediction]++;
        if (truth == prediction) {
            intersection[truth]++;
        }
    }

    /** Adds {@code n} pixels: true classes (unsigned bytes) from {@code truthFrom}, predictions from {@code predFrom}. */
    public void add(byte[] truth, int truthFrom, long[] prediction, int predFrom, int n) {
        for (int i = 0; i < n; i++) {
            add(truth[truthFrom + i] & 0xFF, (int) prediction[predFrom + i]);
        }
    }

    /** Adds {@code other}'s counts to these. */
    public void add(PixelCounts other) {
        if (other.classes() != classes()) {
            throw new IllegalArgumentException(classes() + " classes cannot be added to " + other.classes());
        }
        for (int c = 0; c < classes(); c++) {
            intersection[c] += other.intersection[c];
            predicted[c] += other.predicted[c];
            labelled[c] += other.labelled[c];
        }
    }

    /** These counts and {@code other}'s together. */
    public PixelCounts plus(PixelCounts other) {
        PixelCounts sum = new PixelCounts(classes());
        sum.add(this);
        sum.add(other);
        return sum;
    }

    /** Labelled pixels (the ignored left out). */
    public long labelled() {
        long n = 0;
        for (long l : labelled) {
            n += l;
        }
        return n;
    }

    /** Labelled pixels predicted right. */
    public long correct() {
        long n = 0;
        for (long i : intersection) {
            n += i;
        }
        return n;
    }

    /** Σ intersections / Σ labelled pixels, in percent; NaN with no labelled pixel. */
    public double pixelAccuracy() {
        long n = labelled();
        return n == 0 ? Double.NaN : 100.0 * correct() / n;
    }

    /** Class {@code c}'s intersection over union, in percent; NaN when neither truth nor prediction has it. */
    public double iou(int c) {
        long union = predicted[c] + labelled[c] - intersection[c];
        return union == 0 ? Double.NaN : 100.0 * intersection[c] / union;
    }

    /** The mean of {@link #iou} over the classes with a non-empty union, in percent; NaN when there is none. */
    public double meanIoU() {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes(); c++) {
            double v = iou(c);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}

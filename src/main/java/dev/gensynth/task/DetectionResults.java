package dev.gensynth.task;

import dev.gensynth.analysis.Stats;
import dev.gensynth.task.detection.Detection;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.VocAp;
import java.util.Arrays;
import java.util.List;

/**
 * What a detector found in each image, kept as VOC AP needs it: per class, the detections in ranking order with
 * the image each is in and whether it was a true or false positive (or ignored), and each image's positives per
 * class. A detection's outcome depends only on its own image, so a bootstrap over images re-weights images and
 * walks the same rankings: the paired error of an mAP difference, since mAP is no mean of per-image terms.
 *
 * @param images the images' count
 * @param image per class, per ranked detection, its image
 * @param outcome per class, per ranked detection, its {@link VocAp.Outcome} ordinal
 * @param positives per image, per class, its objects that are not difficult
 */
public record DetectionResults(int images, int[][] image, byte[][] outcome, int[][] positives) implements SampleResults {
    /** Bootstrap resamples: the error's own relative noise is about 1/sqrt(2 * 400), 4 %. */
    static final int RESAMPLES = 400;
    private static final long SEED = 0x5EEDL;

    /** Ranks and matches {@code detections} against {@code truths} (images named by {@link ObjectDetection#imageId}). */
    public static DetectionResults of(List<GroundTruth> truths, List<Detection> detections, List<String> classes, int images) {
        int[][] image = new int[classes.size()][];
        byte[][] outcome = new byte[classes.size()][];
        int[][] positives = new int[images][classes.size()];
        for (GroundTruth t : truths) {
            if (!t.difficult()) {
                positives[Integer.parseInt(t.image())][classes.indexOf(t.label())]++;
            }
        }
        for (int c = 0; c < classes.size(); c++) {
            VocAp.Ranking r = ObjectDetection.MAP.rank(classes.get(c), truths, detections);
            image[c] = r.ranked().stream().mapToInt(d -> Integer.parseInt(d.image())).toArray();
            outcome[c] = new byte[image[c].length];
            for (int d = 0; d < image[c].length; d++) {
                outcome[c][d] = (byte) r.outcomes().get(d).ordinal();
            }
        }
        return new DetectionResults(images, image, outcome, positives);
    }

    @Override
    public double quality() {
        int[] once = new int[images];
        Arrays.fill(once, 1);
        return map(once);
    }

    @Override
    public int size() {
        return images;
    }

    /** The bootstrap spread of this mAP over resamples of the images (it does not depend on {@code at}). */
    @Override
    public double standardError(double at) {
        return bootstrap(null);
    }

    @Override
    public double pairedError(SampleResults other) {
        DetectionResults o = (DetectionResults) other;
        if (o.images != images) {
            throw new IllegalArgumentException("paired over " + images + " and " + o.images + " images");
        }
        return bootstrap(o);
    }

    private double bootstrap(DetectionResults other) {
        return Stats.bootstrapSd(images, SEED, RESAMPLES, w -> map(w) - (other == null ? 0 : other.map(w)));
    }

    /**
     * mAP in percent when image i counts {@code weight[i]} times: each of its detections and positives repeated,
     * a repeat of a detection ranked right after it (so among equal scores the order can differ from that of a
     * concatenated copy of the image, whose detections would rank after every earlier one of the same score).
     */
    public double map(int[] weight) {
        double total = 0;
        int counted = 0;
        for (int c = 0; c < image.length; c++) {
            long pos = 0;
            for (int i = 0; i < images; i++) {
                pos += (long) weight[i] * positives[i][c];
            }
            if (pos == 0) {
                continue;
            }
            int n = 0;
            for (int i : image[c]) {
                n += weight[i];
            }
            double[] precision = new double[n];
            double[] recall = new double[n];
            long tp = 0;
            long fp = 0;
            int at = 0;
            for (int d = 0; d < image[c].length; d++) {
                for (int w = 0; w < weight[image[c][d]]; w++) {
                    if (outcome[c][d] == VocAp.Outcome.TRUE_POSITIVE.ordinal()) {
                        tp++;
                    } else if (outcome[c][d] == VocAp.Outcome.FALSE_POSITIVE.ordinal()) {
                        fp++;
                    }
                    precision[at] = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
                    recall[at] = (double) tp / pos;
                    at++;
                }
            }
            total += VocAp.allPointAp(recall, precision);
            counted++;
        }
        return counted == 0 ? Double.NaN : 100 * total / counted;
    }
}

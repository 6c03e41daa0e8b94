package dev.gensynth.task.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * PASCAL VOC average precision, per class, and its mean over the classes: the VOC devkit's
 * {@code VOCevaldet.m} / {@code VOCap.m}, as py-faster-rcnn's {@code lib/datasets/voc_eval.py} and
 * rafaelpadilla's Object-Detection-Metrics ({@code lib/Evaluator.py, GetPascalVOCMetrics}) transcribe it.
 *
 * <p>For each class, on its own:
 * <ol>
 *   <li>its detections are ranked by decreasing score; ties keep their input order (a stable sort, as
 *       MATLAB's {@code sort(-confidence)} and Python's {@code sorted(..., reverse=True)} are;
 *       py-faster-rcnn's {@code np.argsort(-confidence)} is a quicksort, stable only for short lists);</li>
 *   <li>going down the ranking, a detection is compared with every ground truth of its image and class
 *       (the difficult and the already matched included) and takes the one of highest IoU, the first on a tie
 *       (MATLAB's {@code ov>ovmax}, numpy's {@code argmax});</li>
 *   <li>if that IoU passes the threshold ({@link Settings}): on a difficult ground truth the detection is
 *       ignored (neither TP nor FP), on one not matched yet it is a TP and matches it, on one already matched
 *       it is a FP (a duplicate); if the IoU does not pass, it is a FP;</li>
 *   <li>positives = the class's ground truths that are not difficult; after the d-th detection, recall =
 *       TP / positives and precision = TP / (TP + FP), taken as 0 while both are 0 (Detectron's
 *       {@code np.maximum(tp + fp, eps)} guard; the first detections ignored, it changes no AP).</li>
 * </ol>
 * AP is computed both ways the references do:
 * <ul>
 *   <li>all points ({@link #allPointAp}, VOC 2010 on, {@code voc_ap(use_07_metric=False)}, rafaelpadilla's
 *       {@code CalculateAveragePrecision}): recall padded with 0 and 1, precision with 0 and 0, made a
 *       monotone envelope from the right, summed as Δrecall × precision at every recall change;</li>
 *   <li>11 points ({@link #elevenPointAp}, VOC 2007): the mean over t = 0, 0.1, …, 1 of the highest
 *       precision at recall ≥ t (0 when recall never reaches t). The t are {@code k * 0.1} in doubles, which
 *       are numpy's {@code arange(0., 1.1, 0.1)} and {@code linspace(0, 1, 11)} to the bit (0.3 is
 *       0.30000000000000004, so a recall of exactly 3/10 falls short of it there as it does here).</li>
 * </ul>
 * mAP = the mean AP over the classes that have at least one positive; a class with none (only detections,
 * or only difficult ground truths) has NaN AP and is left out, as rafaelpadilla's {@code pascalvoc.py}
 * leaves out {@code totalPositives == 0}.
 *
 * <p>The references differ in two details, which {@link Settings} makes explicit: the IoU convention (all three
 * are {@link IouConvention#PIXEL_INCLUSIVE}; rafaelpadilla's corners come from "left top width height" as
 * x2 = x + w before its +1, i.e. {@link Box#fromXywh} read pixel-inclusive) and whether an IoU equal to the
 * threshold passes ({@code >=} in the MATLAB devkit and rafaelpadilla, {@code >} in py-faster-rcnn).
 */
public final class VocAp {
    private final Settings settings;

    /** As py-faster-rcnn's {@code voc_eval.py}: {@link Settings#pyFasterRcnn()}. */
    public VocAp() {
        this(Settings.pyFasterRcnn());
    }

    public VocAp(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public Settings settings() {
        return settings;
    }

    /**
     * How a detection's best IoU decides a match.
     *
     * @param iouThreshold in (0, 1]
     * @param inclusive whether an IoU equal to the threshold passes ({@code >=}) or must exceed it ({@code >})
     * @param convention how box extents are measured
     */
    public record Settings(double iouThreshold, boolean inclusive, IouConvention convention) {
        public Settings {
            // 0 is refused: the references disagree there (numpy's argmax matches a zero-overlap box,
            // MATLAB's loop and rafaelpadilla's skip it), and no one evaluates detection that way.
            if (!(iouThreshold > 0 && iouThreshold <= 1)) {
                throw new IllegalArgumentException("iouThreshold must be in (0, 1], got " + iouThreshold);
            }
            Objects.requireNonNull(convention, "convention");
        }

        /** py-faster-rcnn's {@code voc_eval.py} (and its copies): {@code ovmax > ovthresh}, 0.5, pixel-inclusive. */
        public static Settings pyFasterRcnn() {
            return new Settings(0.5, false, IouConvention.PIXEL_INCLUSIVE);
        }

        /** The MATLAB VOC devkit's {@code VOCevaldet.m}: {@code ovmax>=VOCopts.minoverlap}, 0.5, pixel-inclusive. */
        public static Settings vocDevkit() {
            return new Settings(0.5, true, IouConvention.PIXEL_INCLUSIVE);
        }

        /**
         * rafaelpadilla's Object-Detection-Metrics, {@code Evaluator.GetPascalVOCMetrics}:
         * {@code iouMax >= IOUThreshold}, +1 on widths and heights.
         */
        public static Settings objectDetectionMetrics(double iouThreshold) {
            return new Settings(iouThreshold, true, IouConvention.PIXEL_INCLUSIVE);
        }

        public Settings withThreshold(double threshold) {
            return new Settings(threshold, inclusive, convention);
        }

        boolean passes(double iou) {
            return inclusive ? iou >= iouThreshold : iou > iouThreshold;
        }
    }

    /**
     * One class's evaluation. {@code precision} and {@code recall} have one entry per detection of the class,
     * in ranking order (the ignored ones repeat the previous values), as the references' {@code prec} and
     * {@code rec}; recall is NaN and both APs NaN when the class has no positive.
     *
     * @param positives ground truths of the class that are not difficult
     * @param ignored detections matched to a difficult ground truth
     */
    public record ClassResult(String label, int positives, int truePositives, int falsePositives, int ignored,
                              double[] precision, double[] recall, double ap, double ap11) {
        public ClassResult {
            precision = precision.clone();
            recall = recall.clone();
        }

        @Override
        public double[] precision() {
            return precision.clone();
        }

        @Override
        public double[] recall() {
            return recall.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassResult c && c.label.equals(label) && c.positives == positives
                    && c.truePositives == truePositives && c.falsePositives == falsePositives && c.ignored == ignored
                    && Arrays.equals(c.precision, precision) && Arrays.equals(c.recall, recall)
                    && Double.compare(c.ap, ap) == 0 && Double.compare(c.ap11, ap11) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(label, positives, truePositives, falsePositives, ignored, ap, ap11);
        }

        @Override
        public String toString() {
            return "ClassResult[" + label + ": AP " + ap + ", AP11 " + ap11 + ", " + truePositives + " TP, "
                    + falsePositives + " FP, " + ignored + " ignored, " + positives + " positives]";
        }
    }

    /**
     * Every class seen in the ground truths or the detections, by label, and the means.
     *
     * @param map mean all-point AP over the classes with a positive; NaN when none has
     * @param map11 mean 11-point AP over the same classes
     */
    public record Result(List<ClassResult> classes, double map, double map11) {
        public Result {
            classes = List.copyOf(classes);
        }

        public ClassResult of(String label) {
            return classes.stream().filter(c -> c.label().equals(label)).findFirst()
                    .orElseThrow(() -> new NoSuchElementException("no class " + label));
        }
    }

    public Result evaluate(Collection<GroundTruth> truths, Collection<Detection> detections) {
        SortedSet<String> labels = new TreeSet<>();
        truths.forEach(t -> labels.add(t.label()));
        detections.forEach(d -> labels.add(d.label()));
        List<ClassResult> classes = new ArrayList<>();
        double sum = 0;
        double sum11 = 0;
        int counted = 0;
        for (String label : labels) {
            ClassResult c = evaluate(label, truths, detections);
            classes.add(c);
            if (c.positives() > 0) {
                sum += c.ap();
                sum11 += c.ap11();
                counted++;
            }
        }
        return new Result(classes, counted == 0 ? Double.NaN : sum / counted, counted == 0 ? Double.NaN : sum11 / counted);
    }

    /** What a detection is found to be when it is matched (step 3 of the class comment). */
    public enum Outcome {
        TRUE_POSITIVE, FALSE_POSITIVE, IGNORED
    }

    /**
     * One class's detections in ranking order and what each was found to be: all that AP is computed from. A
     * detection's outcome depends only on the detections ranked above it in its own image, which is what lets a
     * bootstrap over images reuse it.
     *
     * @param positives the class's ground truths that are not difficult
     */
    public record Ranking(String label, int positives, List<Detection> ranked, List<Outcome> outcomes) {
        public Ranking {
            ranked = List.copyOf(ranked);
            outcomes = List.copyOf(outcomes);
        }
    }

    /** Class {@code label}'s detections ranked and matched (steps 1 to 3 of the class comment). */
    public Ranking rank(String label, Collection<GroundTruth> truths, Collection<Detection> detections) {
        Map<String, List<GroundTruth>> byImage = new HashMap<>();
        int positives = 0;
        for (GroundTruth t : truths) {
            if (t.label().equals(label)) {
                byImage.computeIfAbsent(t.image(), k -> new ArrayList<>()).add(t);
                if (!t.difficult()) {
                    positives++;
                }
            }
        }
        // per image, which of its ground truths (in input order) a detection has matched
        Map<String, boolean[]> matched = new HashMap<>();
        byImage.forEach((image, list) -> matched.put(image, new boolean[list.size()]));

        List<Detection> ranked = Detection.byScore(detections.stream().filter(d -> d.label().equals(label)).toList());
        List<Outcome> outcomes = new ArrayList<>(ranked.size());
        for (Detection det : ranked) {
            List<GroundTruth> candidates = byImage.getOrDefault(det.image(), List.of());
            double best = Double.NEGATIVE_INFINITY;
            int jmax = -1;
            for (int j = 0; j < candidates.size(); j++) {
                double iou = det.box().iou(candidates.get(j).box(), settings.convention());
                if (iou > best) {
                    best = iou;
                    jmax = j;
                }
            }
            Outcome o = Outcome.FALSE_POSITIVE;
            if (jmax >= 0 && settings.passes(best)) {
                boolean[] seen = matched.get(det.image());
                if (candidates.get(jmax).difficult()) {
                    o = Outcome.IGNORED;
                } else if (!seen[jmax]) {
                    seen[jmax] = true;
                    o = Outcome.TRUE_POSITIVE;
                }
            }
            outcomes.add(o);
        }
        return new Ranking(label, positives, ranked, outcomes);
    }

    private ClassResult evaluate(String label, Collection<GroundTruth> truths, Collection<Detection> detections) {
        Ranking r = rank(label, truths, detections);
        int positives = r.positives();
        int n = r.ranked().size();
        double[] precision = new double[n];
        double[] recall = new double[n];
        int tp = 0;
        int fp = 0;
        int ignored = 0;
        for (int d = 0; d < n; d++) {
            switch (r.outcomes().get(d)) {
                case TRUE_POSITIVE -> tp++;
                case FALSE_POSITIVE -> fp++;
                case IGNORED -> ignored++;
            }
            precision[d] = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
            recall[d] = positives == 0 ? Double.NaN : (double) tp / positives;
        }
        double ap = positives == 0 ? Double.NaN : allPointAp(recall, precision);
        double ap11 = positives == 0 ? Double.NaN : elevenPointAp(recall, precision);
        return new ClassResult(label, positives, tp, fp, ignored, precision, recall, ap, ap11);
    }

    /**
     * The area under the precision envelope, {@code voc_ap(rec, prec, use_07_metric=False)}: recall
     * padded to [0, rec…, 1] and precision to [0, prec…, 0], precision made non-increasing from the right,
     * then Σ (r[i+1] − r[i]) · p[i+1] over the i where recall changes.
     */
    public static double allPointAp(double[] recall, double[] precision) {
        int n = recall.length;
        if (precision.length != n) {
            throw new IllegalArgumentException(n + " recalls but " + precision.length + " precisions");
        }
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        System.arraycopy(recall, 0, mrec, 1, n);
        System.arraycopy(precision, 0, mpre, 1, n);
        mrec[n + 1] = 1;
        for (int i = n + 1; i > 0; i--) {
            mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
        }
        double ap = 0;
        for (int i = 0; i < n + 1; i++) {
            if (mrec[i + 1] != mrec[i]) {
                ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
            }
        }
        return ap;
    }

    /**
     * VOC 2007's 11-point AP, {@code voc_ap(rec, prec, use_07_metric=True)}: the mean over t = k · 0.1,
     * k = 0…10, of the highest precision among the points of recall ≥ t, 0 where there is none.
     */
    public static double elevenPointAp(double[] recall, double[] precision) {
        if (precision.length != recall.length) {
            throw new IllegalArgumentException(recall.length + " recalls but " + precision.length + " precisions");
        }
        double ap = 0;
        for (int k = 0; k <= 10; k++) {
            double t = k * 0.1; // numpy's arange(0., 1.1, 0.1)[k], bit for bit
            double p = 0; // precisions are >= 0, so 0 is also the value when no recall reaches t
            for (int i = 0; i < recall.length; i++) {
                if (recall[i] >= t) {
                    p = Math.max(p, precision[i]);
                }
            }
            ap += p / 11;
        }
        return ap;
    }
}

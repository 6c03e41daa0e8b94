package dev.gensynth.task.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * COCO box AP as pycocotools' {@code COCOeval} computes it with {@code iouType='bbox'}
 * ({@code cocoapi/PythonAPI/pycocotools/cocoeval.py}: {@code evaluate}, {@code evaluateImg},
 * {@code accumulate}, {@code summarize}), for area range "all" and up to {@code maxDets} detections.
 * torchmetrics' {@code MeanAveragePrecision} reports the same numbers ({@code map}, {@code map_50},
 * {@code map_75}).
 *
 * <ul>
 *   <li>IoU is {@link IouConvention#CONTINUOUS} (COCO boxes are x, y, width, height: {@link Box#fromXywh}),
 *       except against a crowd ground truth ({@code iscrowd}), where the union is the detection's own area
 *       ({@code maskApi.c bbIou}: {@code u = crowd ? da : da+ga-i}).</li>
 *   <li>Per image and category: ground truths are reordered crowd-last (stable); detections are ranked by
 *       decreasing score with a stable sort ({@code np.argsort(-score, kind='mergesort')}) and cut to the
 *       first {@code maxDets}. pycocotools cuts per image <em>and category</em>, not per image over all
 *       categories, whatever its documentation says; so does this.</li>
 *   <li>For each IoU threshold t of 0.50:0.05:0.95, each detection in rank order takes, among the ground truths
 *       not yet matched at t (crowds stay available), the last of highest IoU ≥ min(t, 1 − 1e−10) (the loop
 *       keeps a later one of equal IoU), stopping at the crowds once it holds an ordinary one. Matched to a
 *       crowd, it is ignored; unmatched, it is a FP.</li>
 *   <li>Per category: every image's detections, images in pycocotools' sorted id order, are merged and
 *       ranked again by a stable sort on score, so that ties across images go by image id
 *       ({@link #IMAGE_ORDER}). With npig the category's non-crowd ground truths, recall = TP / npig,
 *       precision = TP / (TP + FP + 2⁻⁵²) ({@code np.spacing(1)}), made non-increasing from the right
 *       (no padding); at each of the 101 recall thresholds 0:0.01:1 the precision is taken at the first rank
 *       whose recall reaches it ({@code np.searchsorted(rc, recThrs, side='left')}), 0 past the last.</li>
 *   <li>AP@[.5:.95] is the mean of those precisions over the 10 thresholds, 101 recalls and the categories
 *       that have a ground truth that is not a crowd; AP50 and AP75 take t = 0.5 and t = 0.75 only. A
 *       category without one gets −1 in pycocotools and is left out of the means; here its APs are NaN.</li>
 * </ul>
 * The areas that decide the "all" range [0, 1e10] are the boxes' (pycocotools takes a ground truth's from its
 * annotation's {@code area}, the segment's for real COCO data; only objects over 1e10 pixels would tell).
 */
public final class CocoAp {
    /** pycocotools' default {@code maxDets[-1]}: the one AP, AP50 and AP75 are reported at. */
    public static final int DEFAULT_MAX_DETS = 100;

    /** {@code np.linspace(.5, 0.95, 10)}: 0.5, 0.55, …, 0.8999999999999999, 0.95. */
    private static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    /** {@code np.linspace(.0, 1.00, 101)}. */
    private static final double[] RECALL_THRESHOLDS = linspace(0, 1, 101);
    /** Area range "all", {@code [0 ** 2, 1e5 ** 2]}. */
    private static final double AREA_MIN = 0;
    private static final double AREA_MAX = 1e10;
    /** {@code np.spacing(1)}, added to the precision's denominator. */
    private static final double EPS = Math.ulp(1.0);
    private static final int AP50 = indexOf(0.5);
    private static final int AP75 = indexOf(0.75);

    /**
     * The order pycocotools visits images in, {@code np.unique(imgIds)}: COCO image ids are integers, so ids
     * that parse as integers go first, by value ("9" before "10"), the others after, as strings.
     */
    static final Comparator<String> IMAGE_ORDER = (a, b) -> {
        Long la = integer(a);
        Long lb = integer(b);
        if (la != null && lb != null) {
            int c = Long.compare(la, lb);
            return c != 0 ? c : a.compareTo(b); // "007" and "7" stay two images
        }
        if (la != null || lb != null) {
            return la != null ? -1 : 1;
        }
        return a.compareTo(b);
    };

    private final int maxDets;

    public CocoAp() {
        this(DEFAULT_MAX_DETS);
    }

    /** Keeps at most {@code maxDets} detections per image and category, the highest scoring. */
    public CocoAp(int maxDets) {
        if (maxDets < 1) {
            throw new IllegalArgumentException("maxDets must be >= 1, got " + maxDets);
        }
        this.maxDets = maxDets;
    }

    /** The ten IoU thresholds, 0.50:0.05:0.95 as numpy's {@code linspace} gives them. */
    public static double[] iouThresholds() {
        return IOU_THRESHOLDS.clone();
    }

    /** The 101 recall thresholds, 0:0.01:1. */
    public static double[] recallThresholds() {
        return RECALL_THRESHOLDS.clone();
    }

    /**
     * One category's evaluation: pycocotools' {@code eval['precision'][:, :, k, 0, -1]} and
     * {@code eval['recall'][:, k, 0, -1]}.
     *
     * @param positives npig, its ground truths that are not crowds (nor out of the area range)
     * @param precision [IoU threshold][recall threshold], the interpolated precisions; null without positives
     * @param recall per IoU threshold, the recall after the last detection; null without positives
     */
    public record CategoryResult(String label, int positives, double[][] precision, double[] recall) {
        public CategoryResult {
            precision = precision == null ? null : Arrays.stream(precision).map(double[]::clone).toArray(double[][]::new);
            recall = recall == null ? null : recall.clone();
        }

        @Override
        public double[][] precision() {
            return precision == null ? null : Arrays.stream(precision).map(double[]::clone).toArray(double[][]::new);
        }

        @Override
        public double[] recall() {
            return recall == null ? null : recall.clone();
        }

        /** AP@[.5:.95]: the mean precision over every IoU and recall threshold; NaN without positives. */
        public double ap() {
            if (precision == null) {
                return Double.NaN;
            }
            double sum = 0;
            for (double[] row : precision) {
                for (double p : row) {
                    sum += p;
                }
            }
            return sum / (precision.length * precision[0].length);
        }

        /** AP at the IoU threshold of index {@code t} in {@link #iouThresholds()}; NaN without positives. */
        public double ap(int t) {
            if (precision == null) {
                return Double.NaN;
            }
            double sum = 0;
            for (double p : precision[t]) {
                sum += p;
            }
            return sum / precision[t].length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CategoryResult c && c.label.equals(label) && c.positives == positives
                    && Arrays.deepEquals(c.precision, precision) && Arrays.equals(c.recall, recall);
        }

        @Override
        public int hashCode() {
            return Objects.hash(label, positives);
        }

        @Override
        public String toString() {
            return "CategoryResult[" + label + ": AP " + ap() + ", " + positives + " positives]";
        }
    }

    /**
     * pycocotools' first three {@code stats}, as fractions; NaN (pycocotools: −1) when no category has a
     * positive.
     *
     * @param ap AP@[.5:.95], {@code stats[0]}
     * @param ap50 AP at IoU 0.5, {@code stats[1]}
     * @param ap75 AP at IoU 0.75, {@code stats[2]}
     */
    public record Result(List<CategoryResult> categories, double ap, double ap50, double ap75) {
        public Result {
            categories = List.copyOf(categories);
        }

        public CategoryResult of(String label) {
            return categories.stream().filter(c -> c.label().equals(label)).findFirst()
                    .orElseThrow(() -> new NoSuchElementException("no category " + label));
        }
    }

    public Result evaluate(Collection<GroundTruth> truths, Collection<Detection> detections) {
        SortedSet<String> labels = new TreeSet<>();
        SortedSet<String> images = new TreeSet<>(IMAGE_ORDER);
        Map<String, Map<String, List<GroundTruth>>> gts = new HashMap<>();
        Map<String, Map<String, List<Detection>>> dts = new HashMap<>();
        for (GroundTruth t : truths) {
            labels.add(t.label());
            images.add(t.image());
            gts.computeIfAbsent(t.label(), k -> new HashMap<>()).computeIfAbsent(t.image(), k -> new ArrayList<>()).add(t);
        }
        for (Detection d : detections) {
            labels.add(d.label());
            images.add(d.image());
            dts.computeIfAbsent(d.label(), k -> new HashMap<>()).computeIfAbsent(d.image(), k -> new ArrayList<>()).add(d);
        }
        List<CategoryResult> categories = new ArrayList<>();
        double all = 0;
        double at50 = 0;
        double at75 = 0;
        int counted = 0;
        for (String label : labels) {
            Map<String, List<GroundTruth>> g = gts.getOrDefault(label, Map.of());
            Map<String, List<Detection>> d = dts.getOrDefault(label, Map.of());
            List<ImageEval> evals = new ArrayList<>();
            for (String image : images) {
                ImageEval e = evaluateImage(g.getOrDefault(image, List.of()), d.getOrDefault(image, List.of()));
                if (e != null) {
                    evals.add(e);
                }
            }
            CategoryResult c = accumulate(label, evals);
            categories.add(c);
            if (c.positives() > 0) {
                // every category counted has T x R entries, so the mean of the means is summarize()'s flat mean
                all += c.ap();
                at50 += c.ap(AP50);
                at75 += c.ap(AP75);
                counted++;
            }
        }
        if (counted == 0) {
            return new Result(categories, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Result(categories, all / counted, at50 / counted, at75 / counted);
    }

    /**
     * {@code evaluateImg} for one image and category: the ranked detections' scores and, per IoU threshold,
     * which of them matched and which are ignored; null when the image has neither ground truth nor detection.
     */
    private record ImageEval(double[] scores, boolean[][] matched, boolean[][] ignored, int positives) {}

    private ImageEval evaluateImage(List<GroundTruth> truths, List<Detection> detections) {
        if (truths.isEmpty() && detections.isEmpty()) {
            return null;
        }
        List<GroundTruth> gt = new ArrayList<>(truths);
        gt.sort(Comparator.comparing(CocoAp::ignored)); // stable: the ignored last, in their order
        List<Detection> dt = Detection.byScore(detections);
        if (dt.size() > maxDets) {
            dt = dt.subList(0, maxDets);
        }
        int g = gt.size();
        int d = dt.size();
        boolean[] gtIgnore = new boolean[g];
        boolean[] crowd = new boolean[g];
        int positives = 0;
        for (int j = 0; j < g; j++) {
            gtIgnore[j] = ignored(gt.get(j));
            crowd[j] = gt.get(j).crowd();
            positives += gtIgnore[j] ? 0 : 1;
        }
        double[][] ious = new double[d][g];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < g; j++) {
                ious[i][j] = iou(dt.get(i).box(), gt.get(j).box(), crowd[j]);
            }
        }
        int thresholds = IOU_THRESHOLDS.length;
        boolean[][] gtMatched = new boolean[thresholds][g];
        boolean[][] dtMatched = new boolean[thresholds][d];
        boolean[][] dtIgnore = new boolean[thresholds][d];
        for (int t = 0; t < thresholds; t++) {
            for (int i = 0; i < d; i++) {
                double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
                int m = -1;
                for (int j = 0; j < g; j++) {
                    if (gtMatched[t][j] && !crowd[j]) {
                        continue; // taken, and only crowds take several
                    }
                    if (m > -1 && !gtIgnore[m] && gtIgnore[j]) {
                        break; // holding an ordinary match, the rest are ignored ones
                    }
                    if (ious[i][j] < best) {
                        continue;
                    }
                    best = ious[i][j];
                    m = j;
                }
                if (m == -1) {
                    continue;
                }
                dtIgnore[t][i] = gtIgnore[m];
                dtMatched[t][i] = true;
                gtMatched[t][m] = true;
            }
        }
        double[] scores = new double[d];
        for (int i = 0; i < d; i++) {
            scores[i] = dt.get(i).score();
            double area = dt.get(i).box().area();
            boolean outside = area < AREA_MIN || area > AREA_MAX;
            for (int t = 0; t < thresholds; t++) {
                dtIgnore[t][i] |= outside && !dtMatched[t][i];
            }
        }
        return new ImageEval(scores, dtMatched, dtIgnore, positives);
    }

    /** {@code accumulate} for one category, area "all" and this {@code maxDets}. */
    private static CategoryResult accumulate(String label, List<ImageEval> evals) {
        int npig = 0;
        int n = 0;
        for (ImageEval e : evals) {
            npig += e.positives();
            n += e.scores().length;
        }
        if (npig == 0) {
            return new CategoryResult(label, 0, null, null);
        }
        // concatenated in image order, then one stable sort on score: ties across images go by image
        double[] scores = new double[n];
        int[] image = new int[n];
        int[] within = new int[n];
        int k = 0;
        for (int e = 0; e < evals.size(); e++) {
            for (int i = 0; i < evals.get(e).scores().length; i++) {
                scores[k] = evals.get(e).scores()[i];
                image[k] = e;
                within[k] = i;
                k++;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : 0); // stable

        int thresholds = IOU_THRESHOLDS.length;
        double[][] precision = new double[thresholds][RECALL_THRESHOLDS.length];
        double[] recall = new double[thresholds];
        for (int t = 0; t < thresholds; t++) {
            double[] rc = new double[n];
            double[] pr = new double[n];
            double tp = 0;
            double fp = 0;
            for (int r = 0; r < n; r++) {
                ImageEval e = evals.get(image[order[r]]);
                int i = within[order[r]];
                if (!e.ignored()[t][i]) {
                    if (e.matched()[t][i]) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
                rc[r] = tp / npig;
                pr[r] = tp / (fp + tp + EPS);
            }
            recall[t] = n > 0 ? rc[n - 1] : 0;
            for (int i = n - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            // searchsorted(rc, recThrs, side='left'): the first rank whose recall is >= the threshold
            int i = 0;
            for (int r = 0; r < RECALL_THRESHOLDS.length; r++) {
                while (i < n && rc[i] < RECALL_THRESHOLDS[r]) {
                    i++;
                }
                if (i == n) {
                    break; // pycocotools' IndexError: this and the higher recalls stay 0
                }
                precision[t][r] = pr[i];
            }
        }
        return new CategoryResult(label, npig, precision, recall);
    }

    private static boolean ignored(GroundTruth t) {
        double area = t.box().area();
        return t.crowd() || area < AREA_MIN || area > AREA_MAX;
    }

    private static double iou(Box detection, Box truth, boolean crowd) {
        if (!crowd) {
            return detection.iou(truth, IouConvention.CONTINUOUS);
        }
        double inter = detection.intersection(truth, IouConvention.CONTINUOUS);
        return inter == 0 ? 0 : inter / detection.area(IouConvention.CONTINUOUS);
    }

    /** numpy's {@code linspace(start, stop, num)}: {@code start + i * step}, the last set to {@code stop}. */
    private static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num; i++) {
            v[i] = start + i * step;
        }
        v[num - 1] = stop;
        return v;
    }

    /** pycocotools' {@code np.where(iouThr == p.iouThrs)}: exact equality. */
    private static int indexOf(double threshold) {
        for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
            if (IOU_THRESHOLDS[t] == threshold) {
                return t;
            }
        }
        throw new IllegalStateException("no IoU threshold " + threshold);
    }

    private static Long integer(String s) {
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

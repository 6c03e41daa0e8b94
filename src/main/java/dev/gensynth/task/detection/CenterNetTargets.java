package dev.gensynth.task.detection;

import java.util.List;

/**
 * The training targets of a CenterNet head for one image (Zhou, Wang, Krähenbühl, "Objects as Points", 2019),
 * computed as its reference code computes them (github.com/xingyizhou/CenterNet:
 * {@code src/lib/datasets/sample/ctdet.py}, {@code CTDetDataset.__getitem__}; {@code src/lib/utils/image.py},
 * {@code gaussian_radius}, {@code gaussian2D}, {@code draw_umich_gaussian}), for an image fed at its own size
 * (the reference's {@code trans_output} is then a division by the stride R). For each object, in order:
 * <ol>
 *   <li>its box (input pixels, {@link IouConvention#CONTINUOUS}) is divided by R and clipped to
 *       [0, W − 1] × [0, H − 1], W and H the output map's size ({@code np.clip(bbox[[0, 2]], 0, output_w - 1)}):
 *       a box reaching into the last output column or row is cut there, so it cannot be decoded whole;</li>
 *   <li>with w = x2 − x1 and h = y2 − y1 (output pixels), an object with w or h not above 0 gets no target
 *       (its slot stays empty, mask 0);</li>
 *   <li>its centre c = ((x1 + x2)/2, (y1 + y2)/2), its integer centre ⌊c⌋ ({@code ct.astype(np.int32)});</li>
 *   <li>a Gaussian of radius r = max(0, int({@link #gaussianRadius}(⌈h⌉, ⌈w⌉, 0.7))) and σ = (2r + 1)/6 is
 *       drawn at ⌊c⌋ into its class's heatmap by element-wise maximum (1 exactly at ⌊c⌋, cut off where below
 *       2⁻⁵² and at the map's edges);</li>
 *   <li>its slot holds {@code index} ⌊c⌋y·W + ⌊c⌋x, {@code size} (w, h) in output pixels (CenterNet regresses
 *       sizes in output pixels; the decoder multiplies by R), {@code offset} c − ⌊c⌋ and {@code mask} 1.</li>
 * </ol>
 * Arithmetic is in float as the reference's float32 arrays (the Gaussian in double, then stored as float).
 * Objects past {@code maxObjects} are left out, as the reference's {@code min(len(anns), max_objs)}; every
 * object given is encoded, so which ones to give (COCO crowds, VOC difficult ones) is the caller's choice.
 *
 * @param classes K, the heatmap's channels
 * @param height H, the output map's rows: ⌈input height / R⌉, as the networks make it
 * @param width W, its columns
 * @param heatmap K·H·W values, class by class, row by row ({@code hm})
 * @param index per slot, the position of the object's integer centre, y·W + x ({@code ind})
 * @param size per slot, (w, h): {@code size[2k]}, {@code size[2k + 1]} ({@code wh})
 * @param offset per slot, (dx, dy) ({@code reg})
 * @param mask per slot, 1 where an object has targets ({@code reg_mask})
 */
public record CenterNetTargets(int classes, int height, int width, float[] heatmap, int[] index, float[] size,
        float[] offset, byte[] mask) {
    /** R, the output stride of the reference's models. */
    public static final int DEFAULT_STRIDE = 4;
    /** {@code gaussian_radius}'s {@code min_overlap} as {@code ctdet.py} calls it. */
    public static final double MIN_OVERLAP = 0.7;

    /** A map's side for an input side of {@code size} at {@code stride}: rounded up, as stride-2 convolutions round. */
    public static int mapSize(int size, int stride) {
        return Math.floorDiv(size + stride - 1, stride);
    }

    /**
     * The targets of {@code objects} (their labels among {@code classNames}, a class's index being its
     * position there) for an input of {@code inputHeight × inputWidth} pixels.
     */
    public static CenterNetTargets encode(List<GroundTruth> objects, List<String> classNames, int inputHeight,
            int inputWidth, int stride, int maxObjects) {
        int[] classOf = new int[objects.size()];
        for (int j = 0; j < classOf.length; j++) {
            classOf[j] = classNames.indexOf(objects.get(j).label());
            if (classOf[j] < 0) {
                throw new IllegalArgumentException("object of class " + objects.get(j).label() + " is not among "
                        + classNames);
            }
        }
        return encode(classNames.size(), classOf, objects.stream().map(GroundTruth::box).toList(), inputHeight,
                inputWidth, stride, maxObjects);
    }

    /**
     * The targets of objects of classes {@code classOf} (each in [0, {@code k})) at {@code boxes}, for an input of
     * {@code inputHeight × inputWidth} pixels.
     */
    public static CenterNetTargets encode(int k, int[] classOf, List<Box> boxes, int inputHeight, int inputWidth,
            int stride, int maxObjects) {
        if (stride < 1 || maxObjects < 0 || inputHeight < stride || inputWidth < stride) {
            throw new IllegalArgumentException("need stride >= 1, maxObjects >= 0 and an input of at least one"
                    + " stride, got stride " + stride + ", maxObjects " + maxObjects + ", input " + inputHeight + "x"
                    + inputWidth);
        }
        if (classOf.length != boxes.size()) {
            throw new IllegalArgumentException(classOf.length + " classes for " + boxes.size() + " boxes");
        }
        // the reference's output_h = input_h // down_ratio assumes inputs padded to a multiple of 32; our networks take
        // any size, and each stride-2 convolution (3x3, padding 1) rounds up, so the maps are ceil(input / stride)
        int h = mapSize(inputHeight, stride);
        int w = mapSize(inputWidth, stride);
        CenterNetTargets t = new CenterNetTargets(k, h, w, new float[k * h * w], new int[maxObjects],
                new float[2 * maxObjects], new float[2 * maxObjects], new byte[maxObjects]);
        for (int slot = 0; slot < Math.min(boxes.size(), maxObjects); slot++) {
            if (classOf[slot] < 0 || classOf[slot] >= k) {
                throw new IllegalArgumentException("object " + slot + " has class " + classOf[slot] + ", not in [0, "
                        + k + ")");
            }
            t.add(slot, classOf[slot], boxes.get(slot), stride);
        }
        return t;
    }

    /** Fills slot {@code slot} and draws into class {@code c}'s heatmap, as the loop body of {@code ctdet.py}. */
    private void add(int slot, int c, Box b, int stride) {
        float x1 = clip((float) (b.x1() / stride), width - 1);
        float y1 = clip((float) (b.y1() / stride), height - 1);
        float x2 = clip((float) (b.x2() / stride), width - 1);
        float y2 = clip((float) (b.y2() / stride), height - 1);
        float bh = y2 - y1;
        float bw = x2 - x1;
        if (!(bh > 0 && bw > 0)) {
            return;
        }
        int radius = Math.max(0, (int) gaussianRadius(Math.ceil(bh), Math.ceil(bw), MIN_OVERLAP));
        float cx = (x1 + x2) / 2;
        float cy = (y1 + y2) / 2;
        int ix = (int) cx; // the centre is >= 0, so truncation is the floor
        int iy = (int) cy;
        drawGaussian(c, ix, iy, radius);
        index[slot] = iy * width + ix;
        size[2 * slot] = bw;
        size[2 * slot + 1] = bh;
        offset[2 * slot] = cx - ix;
        offset[2 * slot + 1] = cy - iy;
        mask[slot] = 1;
    }

    private static float clip(float v, int max) {
        return Math.min(Math.max(v, 0f), max); // np.clip(v, 0, max)
    }

    /**
     * {@code gaussian_radius((height, width), min_overlap)} of the reference, with its known quirk kept: each
     * of the three roots is taken as (b ± √(b² − 4ac)) / 2, not divided by 2a, and r1 and r2 take the larger
     * root. CornerNet, whence it came, fixed this (princeton-vl/CornerNet issue #37, commit 3e71377); the
     * CenterNet authors declined to (xingyizhou/CenterNet issues #116 and #273, pull request #171 closed
     * unmerged), so CenterNet's published models were trained with it, as CenterTrack's copy still is. (A
     * stored copy of {@code image.py} at commit b498e30 shows CornerNet's fixed version; the code the issues
     * quote, and the copies in CenterTrack and in forks, have this one.) With the quirk,
     * r3 = −o·s + √(o²s² + 4o(1−o)·wh) (s = w + h, o = min_overlap) is always the smallest: it is at most
     * s·(√o − o) ≤ s/4 (as wh ≤ s²/4), while r1 is at least s/2 and r2 at least s.
     */
    public static double gaussianRadius(double height, double width, double minOverlap) {
        double a1 = 1;
        double b1 = height + width;
        double c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
        double sq1 = Math.sqrt(b1 * b1 - 4 * a1 * c1);
        double r1 = (b1 + sq1) / 2;

        double a2 = 4;
        double b2 = 2 * (height + width);
        double c2 = (1 - minOverlap) * width * height;
        double sq2 = Math.sqrt(b2 * b2 - 4 * a2 * c2);
        double r2 = (b2 + sq2) / 2;

        double a3 = 4 * minOverlap;
        double b3 = -2 * minOverlap * (height + width);
        double c3 = (minOverlap - 1) * width * height;
        double sq3 = Math.sqrt(b3 * b3 - 4 * a3 * c3);
        double r3 = (b3 + sq3) / 2;
        return Math.min(r1, Math.min(r2, r3));
    }

    /**
     * {@code draw_umich_gaussian(hm[c], (x, y), radius)}: {@code gaussian2D((d, d), sigma=d/6)} with d = 2r + 1,
     * its values below ε·max (ε = 2⁻⁵², max = 1) set to 0, laid over the map by maximum, cut at its edges.
     */
    private void drawGaussian(int c, int x, int y, int radius) {
        int d = 2 * radius + 1;
        double sigma = d / 6.0;
        int left = Math.min(x, radius);
        int right = Math.min(width - x, radius + 1);
        int top = Math.min(y, radius);
        int bottom = Math.min(height - y, radius + 1);
        int base = c * height * width;
        for (int dy = -top; dy < bottom; dy++) {
            for (int dx = -left; dx < right; dx++) {
                double g = Math.exp(-(double) (dx * dx + dy * dy) / (2 * sigma * sigma));
                if (g < Math.ulp(1.0)) {
                    g = 0; // h[h < np.finfo(h.dtype).eps * h.max()] = 0
                }
                int p = base + (y + dy) * width + x + dx;
                heatmap[p] = Math.max(heatmap[p], (float) g); // np.maximum into a float32 map
            }
        }
    }
}

package dev.gensynth.task.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Detections from a CenterNet head's outputs, as the reference decodes them (github.com/xingyizhou/CenterNet,
 * {@code src/lib/models/decode.py}: {@code _nms}, {@code _topk}, {@code ctdet_decode}; then
 * {@code ctdet_post_process}, which for an image fed at its own size only multiplies by the stride R). The
 * one place boxes, scores and classes are read from the maps: evaluation, the report and the export use it.
 *
 * <ol>
 *   <li>Peaks: a position of a class's heatmap is kept when it equals the maximum of its 3×3 neighbourhood
 *       in that channel (max-pool, stride 1, padding 1, the padding never winning), else its score becomes 0
 *       ({@code heat * (hmax == heat)}). Equal neighbours both stay: a plateau gives several detections, as in
 *       the reference; no other suppression (no NMS) follows.</li>
 *   <li>Top k over every class and position of those scores, highest first. The reference takes the top k
 *       per class, then the top k of those: the same k, ties aside. Ties go by position in the heatmap
 *       (class, then row, then column), lowest first: torch.topk on CPU compares values only, with
 *       {@code std::partial_sort} or {@code std::nth_element} (aten {@code TopKImpl.h}), so its order among
 *       equal scores is not defined and cannot be matched. Positions scored 0 by step 1 are candidates as in
 *       the reference, so with fewer than k peaks the list is filled with score-0 detections; {@code minScore}
 *       drops the detections scored below it (0: none, as the reference).</li>
 *   <li>At row y, column x of class c: centre (x + offset[0], y + offset[1]), size (w, h) = (size[0], size[1])
 *       read at that position; box (cx − w/2, cy − h/2, cx + w/2, cy + h/2), in float as the reference, then
 *       times R to input pixels, in {@link IouConvention#CONTINUOUS}; score the heatmap value; label
 *       {@code classNames[c]}. A negative predicted size is taken as 0 (a {@link Box} needs ordered corners; the
 *       reference's inverted box overlaps nothing either). Boxes are not clipped to the image, as there.</li>
 * </ol>
 *
 * @param stride R, input pixels per output pixel
 * @param k how many detections at most per image (the reference's K, 100)
 * @param minScore the lowest score kept
 */
public record CenterNetDecoder(int stride, int k, double minScore) {
    /** The outputs a CenterNet detector gives, in this order: the heatmap after its sigmoid, the box size, the offset. */
    public static final List<String> OUTPUTS = List.of("heatmap", "size", "offset");

    /** R = 4, k = 100, every score kept: the reference's {@code ctdet_decode} for evaluation. */
    public static final CenterNetDecoder DEFAULT = new CenterNetDecoder(CenterNetTargets.DEFAULT_STRIDE, 100, 0);

    public CenterNetDecoder {
        if (stride < 1 || k < 1 || Double.isNaN(minScore)) {
            throw new IllegalArgumentException("need stride >= 1, k >= 1 and a minScore, got " + stride + ", " + k
                    + ", " + minScore);
        }
    }

    /**
     * The detections of image {@code image} from its maps: {@code heatmap} K·H·W after the sigmoid,
     * {@code size} and {@code offset} 2·H·W (channel 0 for x or w, 1 for y or h), each channel row by row.
     */
    public List<Detection> decode(String image, List<String> classNames, int height, int width, float[] heatmap,
            float[] size, float[] offset) {
        int area = height * width;
        int classes = classNames.size();
        if (height < 1 || width < 1 || heatmap.length != classes * area || size.length != 2 * area
                || offset.length != 2 * area) {
            throw new IllegalArgumentException("maps of " + classes + " classes at " + height + "x" + width
                    + " need " + classes * area + ", " + 2 * area + " and " + 2 * area + " values, got "
                    + heatmap.length + ", " + size.length + " and " + offset.length);
        }
        float[] scores = peaks(heatmap, classes, height, width);
        long[] order = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            order[i] = ((long) descending(scores[i]) << 32) | i;
        }
        Arrays.sort(order); // highest score first, then lowest position
        List<Detection> out = new ArrayList<>();
        for (int n = 0; n < Math.min(k, order.length); n++) {
            int i = (int) order[n]; // the low 32 bits: the position
            float score = scores[i];
            if (score < minScore) {
                break;
            }
            int c = i / area;
            int p = i % area;
            float cx = p % width + offset[p];
            float cy = p / width + offset[area + p];
            float hw = Math.max(size[p], 0f) / 2;
            float hh = Math.max(size[area + p], 0f) / 2;
            Box box = new Box((double) (cx - hw) * stride, (double) (cy - hh) * stride, (double) (cx + hw) * stride,
                    (double) (cy + hh) * stride);
            out.add(new Detection(image, classNames.get(c), score, box));
        }
        return out;
    }

    /** {@code _nms}: each class's heatmap with every value below the maximum of its 3×3 neighbourhood set to 0. */
    static float[] peaks(float[] heatmap, int classes, int height, int width) {
        float[] out = new float[heatmap.length];
        for (int c = 0; c < classes; c++) {
            int base = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = heatmap[base + y * width + x];
                    if (Float.isNaN(v)) {
                        throw new IllegalArgumentException("heatmap value at class " + c + ", row " + y + ", column "
                                + x + " is NaN");
                    }
                    float max = v;
                    for (int yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
                        for (int xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
                            max = Math.max(max, heatmap[base + yy * width + xx]);
                        }
                    }
                    // == as torch's (hmax == heat): 0.0 and -0.0 are equal; v * 1 keeps the value's own sign
                    out[base + y * width + x] = max == v ? v : 0f;
                }
            }
        }
        return out;
    }

    /** An int whose ascending order is {@code v}'s descending order, −0.0 taken as 0.0 (torch compares by >). */
    private static int descending(float v) {
        int bits = Float.floatToIntBits(v + 0f); // -0.0 + 0.0 = 0.0
        int ascending = bits < 0 ? bits ^ 0x7fffffff : bits; // negative floats: reverse their magnitude order
        return ~ascending;
    }
}

package dev.gensynth.data;

import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.IouConvention;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dataset's samples are labelled with, in the form its task reads: one class per image, one
 * class per pixel, or boxes around objects. Every form can be cut to a subset of the samples in the order
 * given, as {@link Dataset#subset} does with the images.
 */
public sealed interface Targets permits Targets.Labels, Targets.Masks, Targets.Boxes {
    /** Number of samples labelled. */
    int size();

    /** The targets of the samples at {@code indices}, in that order (repeats allowed), in new arrays. */
    Targets subset(int[] indices);

    /**
     * One class index per sample (classification).
     *
     * @param y each in {@code [0, classes)}
     */
    record Labels(int[] y) implements Targets {
        @Override
        public int size() {
            return y.length;
        }

        @Override
        public Labels subset(int[] indices) {
            int[] out = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                out[k] = y[indices[k]];
            }
            return new Labels(out);
        }
    }

    /**
     * One class index per pixel (semantic segmentation), as unsigned bytes, sample-major and row by
     * row: sample {@code i}'s pixel {@code (r, c)} is {@code pixels[(i·height + r)·width + c] & 0xFF}.
     * {@link #IGNORE} (255, as in Pascal VOC) marks pixels that neither count nor train.
     *
     * @param pixels {@code size·height·width} class indices
     */
    record Masks(byte[] pixels, int height, int width) implements Targets {
        /** The label of pixels that are left out of the loss and the metrics. */
        public static final int IGNORE = 255;

        public Masks {
            if (height < 1 || width < 1 || pixels.length % (height * width) != 0) {
                throw new IllegalArgumentException(pixels.length + " mask pixels are not a whole number of " + height
                        + "x" + width + " masks");
            }
        }

        /** Pixels per mask. */
        public int area() {
            return height * width;
        }

        @Override
        public int size() {
            return pixels.length / area();
        }

        /**
         * The most frequent class of sample {@code i}'s mask other than 0 (background) and {@link #IGNORE}, the
         * lowest on a tie; 0 when the mask has no other: what a split is stratified by.
         */
        public int mostFrequent(int i, int classes) {
            int[] count = new int[classes];
            for (int p = 0; p < area(); p++) {
                int c = at(i, p);
                if (c != IGNORE) {
                    count[c]++;
                }
            }
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (count[c] > 0 && (best == 0 || count[c] > count[best])) {
                    best = c;
                }
            }
            return best;
        }

        /** Pixel {@code p} (row-major) of sample {@code i}'s mask, 0..255. */
        public int at(int i, int p) {
            return pixels[i * area() + p] & 0xFF;
        }

        @Override
        public Masks subset(int[] indices) {
            int a = area();
            byte[] out = new byte[Math.multiplyExact(indices.length, a)];
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(pixels, indices[k] * a, out, k * a, a);
            }
            return new Masks(out, height, width);
        }
    }

    /**
     * Objects per sample (object detection): a class and a box each, any number per sample, held flat.
     * Sample {@code i}'s objects are {@code first[i] .. first[i+1]-1}; object {@code j}'s class is
     * {@code classes[j]}, its box {@code corners[4j .. 4j+3]} = (x1, y1, x2, y2) in the sample's pixels,
     * {@link IouConvention#CONTINUOUS} (a box of a one-pixel object at column 0 is 0 to 1), and
     * {@code difficult[j]} PASCAL VOC's flag (neither found nor missed when evaluated, not trained on).
     */
    record Boxes(int[] first, int[] classes, double[] corners, boolean[] difficult) implements Targets {
        public Boxes {
            int n = first.length - 1;
            int objects = classes.length;
            if (n < 0 || first[0] != 0 || first[n] != objects || corners.length != 4L * objects
                    || difficult.length != objects) {
                throw new IllegalArgumentException("boxes: " + first.length + " offsets, " + objects + " classes, "
                        + corners.length + " corners and " + difficult.length + " flags do not describe the same"
                        + " objects");
            }
            for (int i = 0; i < n; i++) {
                if (first[i + 1] < first[i]) {
                    throw new IllegalArgumentException("boxes: sample " + i + "'s objects end before they start");
                }
            }
        }

        /** The boxes of {@code perSample}'s objects, sample by sample. */
        public static Boxes of(List<List<Labelled>> perSample) {
            int total = perSample.stream().mapToInt(List::size).sum();
            int[] first = new int[perSample.size() + 1];
            int[] classes = new int[total];
            double[] corners = new double[4 * total];
            boolean[] difficult = new boolean[total];
            int j = 0;
            for (int i = 0; i < perSample.size(); i++) {
                first[i] = j;
                for (Labelled o : perSample.get(i)) {
                    classes[j] = o.classIndex();
                    corners[4 * j] = o.box().x1();
                    corners[4 * j + 1] = o.box().y1();
                    corners[4 * j + 2] = o.box().x2();
                    corners[4 * j + 3] = o.box().y2();
                    difficult[j] = o.difficult();
                    j++;
                }
            }
            first[perSample.size()] = j;
            return new Boxes(first, classes, corners, difficult);
        }

        /** An object: its class index, its box and whether it is difficult. */
        public record Labelled(int classIndex, Box box, boolean difficult) {
        }

        @Override
        public int size() {
            return first.length - 1;
        }

        /** Sample {@code i}'s objects, in order. */
        public List<Labelled> of(int i) {
            List<Labelled> out = new ArrayList<>(first[i + 1] - first[i]);
            for (int j = first[i]; j < first[i + 1]; j++) {
                out.add(new Labelled(classes[j], box(j), difficult[j]));
            }
            return out;
        }

        /** Object {@code j}'s box. */
        public Box box(int j) {
            return new Box(corners[4 * j], corners[4 * j + 1], corners[4 * j + 2], corners[4 * j + 3]);
        }

        /**
         * The most frequent class among sample {@code i}'s objects that are not difficult, the lowest on a tie,
         * 0 when it has none: what a split is stratified by.
         */
        public int mostFrequent(int i, int classCount) {
            int[] count = new int[classCount];
            int best = -1;
            for (int j = first[i]; j < first[i + 1]; j++) {
                if (!difficult[j]) {
                    count[classes[j]]++;
                }
            }
            for (int c = 0; c < classCount; c++) {
                if (count[c] > 0 && (best < 0 || count[c] > count[best])) {
                    best = c;
                }
            }
            return Math.max(best, 0);
        }

        @Override
        public Boxes subset(int[] indices) {
            List<List<Labelled>> out = new ArrayList<>(indices.length);
            for (int i : indices) {
                out.add(of(i));
            }
            return of(out);
        }
    }
}

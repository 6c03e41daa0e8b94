package dev.gensynth.data;

/**
 * What a dataset's samples are labelled with, in the form its task reads: one class per image, or one
 * class per pixel. (Detection will add boxes here.) Every form can be cut to a subset of the samples in
 * the order given, as {@link Dataset#subset} does with the images.
 */
public sealed interface Targets permits Targets.Labels, Targets.Masks {
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
}

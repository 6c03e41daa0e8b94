package dev.gensynth.data;

import dev.gensynth.UserError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What the composed canvases share, {@link Canvases} (segmentation) and {@link DetectionCanvases} (detection):
 * the check of the item source, an item's tight box, the seeded placement under a box-IoU bound, painting an
 * item where it is brighter than the threshold, and the cache file. Kept in one place so that both sets follow
 * the same rules, stated in their class comments.
 */
final class Composer {
    /** Side of a source item. */
    static final int ITEM = 28;
    /** Placements tried per item before a canvas keeps fewer items. */
    static final int ATTEMPTS = 100;

    private Composer() {
    }

    /** A drawn item: what to paint and its box {top, left, bottom (exclusive), right (exclusive)} on the canvas. */
    record Placed<T>(T what, int[] box) {}

    /** The value of pixel (row, column) of an image that need not exist as an array. */
    @FunctionalInterface
    interface Pixels {
        float at(int row, int column);
    }

    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    @FunctionalInterface
    interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** What is wrong with the fields both canvas recipes have, or null. */
    static String badRecipe(int minItems, int maxItems, double maxOverlap, double threshold, int train, int test) {
        return minItems < 1 || maxItems < minItems ? "items must satisfy 1 <= minItems <= maxItems, got "
                + minItems + " and " + maxItems
                : !(maxOverlap >= 0 && maxOverlap <= 1) ? "maxOverlap is a box IoU in [0, 1], got " + maxOverlap
                : !(threshold >= 0 && threshold < 1) ? "threshold is a pixel value in [0, 1), got " + threshold
                : train < 1 || test < 1 ? "train and test need at least one canvas each, got " + train + " and " + test
                : null;
    }

    /** Refuses a source whose samples are not single-channel 28×28 items. */
    static void requireItems(Dataset items) {
        if (!items.sampleShape().equals(dev.gensynth.spec.Shape.of(1, ITEM, ITEM))) {
            throw new UserError("canvases are composed of 1x28x28 items (Fashion-MNIST or MNIST); " + items.name()
                    + " has samples of " + items.sampleShape());
        }
    }

    /**
     * The items of one canvas: {@code minItems} to {@code maxItems} of them (uniformly many); each is drawn by
     * {@code draw} (null: an item with nothing above the threshold, drawn again) until its box overlaps every
     * earlier box by an IoU of at most {@code maxOverlap}, at most {@value #ATTEMPTS} times, after which the
     * canvas keeps fewer items. The draws are {@code rnd}'s, in this order, so a recipe gives the same canvases.
     */
    static <T> List<Placed<T>> place(SplittableRandom rnd, int minItems, int maxItems, double maxOverlap,
            Function<SplittableRandom, Placed<T>> draw) {
        int n = minItems + rnd.nextInt(maxItems - minItems + 1);
        List<Placed<T>> placed = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Placed<T> p = draw.apply(rnd);
                if (p != null && placed.stream().allMatch(q -> iou(q.box(), p.box()) <= maxOverlap)) {
                    placed.add(p);
                    break;
                }
            }
        }
        return placed;
    }

    /**
     * {top, left, bottom, right} (bottom and right exclusive) of the pixels of a {@code height × width} image
     * brighter than {@code threshold}; empty if none. It scans inwards from each edge and stops at the first
     * row or column that has one, so an image that is only computed pixel by pixel is read little.
     */
    static int[] tightBox(int height, int width, double threshold, Pixels image) {
        int top = 0;
        while (top < height && !rowHas(image, top, 0, width, threshold)) {
            top++;
        }
        if (top == height) {
            return new int[0];
        }
        int bottom = height;
        while (!rowHas(image, bottom - 1, 0, width, threshold)) {
            bottom--;
        }
        int left = 0;
        while (!columnHas(image, left, top, bottom, threshold)) {
            left++;
        }
        int right = width;
        while (!columnHas(image, right - 1, top, bottom, threshold)) {
            right--;
        }
        return new int[] {top, left, bottom, right};
    }

    private static boolean rowHas(Pixels image, int row, int from, int to, double threshold) {
        for (int c = from; c < to; c++) {
            if (image.at(row, c) > threshold) {
                return true;
            }
        }
        return false;
    }

    private static boolean columnHas(Pixels image, int column, int from, int to, double threshold) {
        for (int r = from; r < to; r++) {
            if (image.at(r, column) > threshold) {
                return true;
            }
        }
        return false;
    }

    /** Intersection over union of two {top, left, bottom, right} boxes. */
    static double iou(int[] a, int[] b) {
        long ih = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        long iw = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        long inter = ih * iw;
        long union = (long) (a[2] - a[0]) * (a[3] - a[1]) + (long) (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union == 0 ? 0 : (double) inter / union;
    }

    /**
     * Paints the {@code height × width} image at {@code src[srcFrom…]} onto the canvas at {@code dst[dstFrom…]}
     * (rows of {@code dstWidth}) with its top left corner at (top, left), only where it is brighter than
     * {@code threshold}, so that a later item lies on top; marks those pixels {@code label} in {@code mask}
     * unless that is null.
     */
    static void paint(float[] src, int srcFrom, int height, int width, double threshold, float[] dst, int dstFrom,
            int dstWidth, int top, int left, byte[] mask, byte label) {
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                float v = src[srcFrom + row * width + col];
                if (v > threshold) {
                    int p = dstFrom + (top + row) * dstWidth + left + col;
                    dst[p] = v;
                    if (mask != null) {
                        mask[p] = label;
                    }
                }
            }
        }
    }

    /** Size, class count and a sum of pixels of a source split: a changed file composes anew. */
    static String fingerprint(Dataset d) {
        double sum = 0;
        for (float v : d.x()) {
            sum += v;
        }
        long labels = 0;
        for (int v : d.y()) {
            labels = labels * 31 + v;
        }
        return d.size() + ":" + d.classes() + ":" + sum + ":" + labels;
    }

    /** The cache file of a composed set described by {@code key}. */
    static Path cacheFile(Path cacheDir, String prefix, String key) {
        return cacheDir.resolve(prefix + "-" + dev.gensynth.io.UserCache.fileName(key) + ".bin.gz");
    }

    /**
     * What {@code read} reads from the gzipped {@code file} when it is there and readable, else what
     * {@code compose} makes, then kept in {@code file} by {@code write} (a cache that cannot be written is only
     * a lost shortcut; an unreadable one is composed again, not trusted).
     */
    static <T> T cached(Path file, Reader<T> read, Supplier<T> compose, Writer<T> write) {
        if (Files.isRegularFile(file)) {
            try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)));
                    DataInputStream in = new DataInputStream(gz)) {
                return read.read(in);
            } catch (IOException | RuntimeException e) {
                System.err.println("composed data set cache " + file + " is unreadable (" + e.getMessage()
                        + "); composing it again");
            }
        }
        T value = compose.get();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream gz = new GZIPOutputStream(bytes); DataOutputStream out = new DataOutputStream(gz)) {
                write.write(out, value);
            }
            dev.gensynth.io.AtomicFiles.writeShared(file, bytes.toByteArray());
        } catch (IOException e) {
            System.err.println("could not keep the composed data set in " + file + " (" + e.getMessage() + ")");
        }
        return value;
    }
}

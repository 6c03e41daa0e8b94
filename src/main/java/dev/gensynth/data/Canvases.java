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
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A semantic-segmentation set composed from real single-item images, in the manner of M2NIST: square
 * black canvases with a few items (Fashion-MNIST garments or MNIST digits) at random places, each
 * pixel labelled with the class of the item it shows.
 *
 * <p>The rules, so that the set can be recognised and rebuilt:
 * <ul>
 *   <li>a canvas is {@code size × size}, one channel, values in [0, 1]; it shows {@code minItems} to
 *       {@code maxItems} items (uniformly many), each a random 28×28 item of the source split at a
 *       uniformly random position wholly inside the canvas;</li>
 *   <li>an item's box is the tight box around its pixels brighter than {@code threshold}; a placement
 *       whose box overlaps an earlier item's by an IoU above {@code maxOverlap} is drawn again (an item
 *       and a position, up to {@value #ATTEMPTS} times; after that the canvas keeps fewer items);</li>
 *   <li>items are painted in order, each only where its pixels are brighter than {@code threshold},
 *       so the later item is on top; a pixel's label is the painted item's class + 1, and 0
 *       ("background") where no item was painted;</li>
 *   <li>training canvases draw items from the training split only, test canvases from the test split
 *       only; the draws are seeded, so the same recipe always gives the same canvases.</li>
 * </ul>
 * Composing a set takes seconds; it is still kept in the user cache, keyed by the recipe and the
 * source, so that every run reads the same bytes.
 */
public final class Canvases {
    /** Placements tried per item before a canvas keeps fewer items. */
    static final int ATTEMPTS = 100;
    /** Side of a source item. */
    static final int ITEM = 28;
    /** Seed of the draws: fixed (not a run's seed), so that every run on a recipe sees the same canvases. */
    static final long SEED = 0x5e6L;
    private static final int FORMAT = 1;

    private Canvases() {
    }

    /**
     * How canvases are composed (see the class comment).
     *
     * @param size side of a canvas, in pixels (at least 28)
     * @param minItems fewest items a canvas shows (at least 1)
     * @param maxItems most items a canvas shows
     * @param maxOverlap largest IoU of two items' boxes, in [0, 1]
     * @param threshold a pixel brighter than this belongs to its item, in [0, 1)
     * @param train training canvases (the validation split is taken from these)
     * @param test test canvases
     */
    public record Recipe(int size, int minItems, int maxItems, double maxOverlap, double threshold, int train,
            int test) {
        /** 64×64 canvases with 2 to 4 items whose boxes overlap by an IoU of at most 0.2; 10,000 + 2,000. */
        public static final Recipe DEFAULT = new Recipe(64, 2, 4, 0.2, 0.1, 10_000, 2_000);

        public Recipe {
            String bad = size < ITEM ? "size must be at least " + ITEM + " (an item's side), got " + size
                    : minItems < 1 || maxItems < minItems ? "items must satisfy 1 <= minItems <= maxItems, got "
                            + minItems + " and " + maxItems
                    : !(maxOverlap >= 0 && maxOverlap <= 1) ? "maxOverlap is a box IoU in [0, 1], got " + maxOverlap
                    : !(threshold >= 0 && threshold < 1) ? "threshold is a pixel value in [0, 1), got " + threshold
                    : train < 1 || test < 1 ? "train and test need at least one canvas each, got " + train + " and "
                            + test
                    : null;
            if (bad != null) {
                throw new UserError("data.canvases: " + bad);
            }
        }

        String key() {
            return String.format(Locale.ROOT, "%d|%d|%d|%.6f|%.6f|%d|%d", size, minItems, maxItems, maxOverlap,
                    threshold, train, test);
        }
    }

    /** The class names of canvases of items named {@code itemClasses}: background first. */
    public static List<String> classNames(List<String> itemClasses) {
        List<String> names = new ArrayList<>();
        names.add("background");
        names.addAll(itemClasses);
        return names;
    }

    /**
     * {@code count} canvases of items from {@code items} (single-channel 28×28 images, values in
     * [0, 1]), drawn with {@code seed}.
     */
    public static Dataset compose(Dataset items, Recipe r, int count, long seed, String name) {
        if (!items.sampleShape().equals(dev.gensynth.spec.Shape.of(1, ITEM, ITEM))) {
            throw new UserError("canvases are composed of 1x28x28 items (Fashion-MNIST or MNIST); " + items.name()
                    + " has samples of " + items.sampleShape());
        }
        int area = r.size() * r.size();
        float[] x = new float[Math.multiplyExact(count, area)];
        byte[] masks = new byte[Math.multiplyExact(count, area)];
        int[] y = new int[count];
        int classes = items.classes() + 1;
        int[][] boxes = new int[items.size()][];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int n = r.minItems() + rnd.nextInt(r.maxItems() - r.minItems() + 1);
            List<int[]> placed = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    int item = rnd.nextInt(items.size());
                    int top = rnd.nextInt(r.size() - ITEM + 1);
                    int left = rnd.nextInt(r.size() - ITEM + 1);
                    if (boxes[item] == null) {
                        boxes[item] = tightBox(items.x(), item, r.threshold());
                    }
                    int[] b = boxes[item];
                    if (b.length == 0) {
                        continue; // nothing brighter than the threshold: not an item to place
                    }
                    int[] box = {b[0] + top, b[1] + left, b[2] + top, b[3] + left};
                    if (placed.stream().allMatch(p -> iou(p, box) <= r.maxOverlap())) {
                        placed.add(box);
                        paint(items, item, r, top, left, x, masks, i);
                        break;
                    }
                }
            }
        }
        Targets.Masks m = new Targets.Masks(masks, r.size(), r.size());
        for (int i = 0; i < count; i++) {
            y[i] = m.mostFrequent(i, classes);
        }
        return new Dataset(name, dev.gensynth.spec.Shape.of(1, r.size(), r.size()), x, y, classes,
                classNames(items.classNames()), m);
    }

    /** {top, left, bottom, right} (exclusive) of the item's pixels above the threshold; empty if none. */
    static int[] tightBox(float[] x, int item, double threshold) {
        int top = ITEM;
        int left = ITEM;
        int bottom = -1;
        int right = -1;
        int base = item * ITEM * ITEM;
        for (int r = 0; r < ITEM; r++) {
            for (int c = 0; c < ITEM; c++) {
                if (x[base + r * ITEM + c] > threshold) {
                    top = Math.min(top, r);
                    left = Math.min(left, c);
                    bottom = Math.max(bottom, r + 1);
                    right = Math.max(right, c + 1);
                }
            }
        }
        return bottom < 0 ? new int[0] : new int[] {top, left, bottom, right};
    }

    /** Intersection over union of two {top, left, bottom, right} boxes. */
    static double iou(int[] a, int[] b) {
        long ih = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        long iw = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        long inter = ih * iw;
        long union = (long) (a[2] - a[0]) * (a[3] - a[1]) + (long) (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union == 0 ? 0 : (double) inter / union;
    }

    private static void paint(Dataset items, int item, Recipe r, int top, int left, float[] x, byte[] masks,
            int canvas) {
        int base = item * ITEM * ITEM;
        int label = items.y()[item] + 1;
        for (int row = 0; row < ITEM; row++) {
            for (int col = 0; col < ITEM; col++) {
                float v = items.x()[base + row * ITEM + col];
                if (v > r.threshold()) {
                    int p = canvas * r.size() * r.size() + (top + row) * r.size() + left + col;
                    x[p] = v;
                    masks[p] = (byte) label;
                }
            }
        }
    }

    /**
     * The training and test canvases of {@code r} from the items of {@code trainItems} and
     * {@code testItems}: read from {@code cacheDir} when composed before, else composed and kept there
     * (a cache that cannot be written is only a lost shortcut).
     */
    public static Dataset[] load(Dataset trainItems, Dataset testItems, Recipe r, String name, Path cacheDir) {
        String key = FORMAT + "|" + name + "|" + r.key() + "|" + fingerprint(trainItems) + "|" + fingerprint(testItems);
        Path file = cacheDir.resolve("canvases-" + dev.gensynth.model.UserCache.fileName(key) + ".bin.gz");
        if (Files.isRegularFile(file)) {
            try {
                return read(file, r, trainItems, name);
            } catch (IOException | RuntimeException e) {
                System.err.println("composed data set cache " + file + " is unreadable (" + e.getMessage()
                        + "); composing it again");
            }
        }
        Dataset[] sets = {compose(trainItems, r, r.train(), SEED, name + "/train"),
            compose(testItems, r, r.test(), SEED + 1, name + "/test")};
        try {
            write(file, sets);
        } catch (IOException e) {
            System.err.println("could not keep the composed data set in " + file + " (" + e.getMessage() + ")");
        }
        return sets;
    }

    /** Size, class count and a sum of pixels of a source split: a changed file composes anew. */
    private static String fingerprint(Dataset d) {
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

    private static void write(Path file, Dataset[] sets) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes); DataOutputStream out = new DataOutputStream(gz)) {
            for (Dataset d : sets) {
                Targets.Masks m = (Targets.Masks) d.targets();
                out.writeInt(d.size());
                byte[] pixels = new byte[d.x().length];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (byte) Math.round(d.x()[i] * 255f);
                    if (DataFiles.UNIT_BYTE[pixels[i] & 0xFF] != d.x()[i]) {
                        throw new IOException("its items are not 8-bit images (k / 255), which the cache keeps");
                    }
                }
                out.write(pixels);
                out.write(m.pixels());
            }
        }
        dev.gensynth.model.AtomicFiles.writeShared(file, bytes.toByteArray());
    }

    private static Dataset[] read(Path file, Recipe r, Dataset items, String name) throws IOException {
        int area = r.size() * r.size();
        int classes = items.classes() + 1;
        Dataset[] sets = new Dataset[2];
        try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(file)));
                DataInputStream in = new DataInputStream(gz)) {
            for (int s = 0; s < 2; s++) {
                int n = in.readInt();
                if (n != (s == 0 ? r.train() : r.test())) {
                    throw new IOException("holds " + n + " canvases where the recipe makes " + (s == 0 ? r.train()
                            : r.test()));
                }
                byte[] pixels = new byte[Math.multiplyExact(n, area)];
                in.readFully(pixels);
                byte[] masks = new byte[pixels.length];
                in.readFully(masks);
                float[] x = new float[pixels.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = DataFiles.UNIT_BYTE[pixels[i] & 0xFF];
                }
                Targets.Masks m = new Targets.Masks(masks, r.size(), r.size());
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    y[i] = m.mostFrequent(i, classes);
                }
                sets[s] = new Dataset(name + (s == 0 ? "/train" : "/test"), dev.gensynth.spec.Shape.of(1, r.size(),
                        r.size()), x, y, classes, classNames(items.classNames()), m);
            }
        }
        return sets;
    }
}

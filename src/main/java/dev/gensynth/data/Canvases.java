package dev.gensynth.data;

import dev.gensynth.UserError;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

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
 * source, so that every run reads the same bytes. {@link DetectionCanvases} composes detection canvases by
 * the same rules (the shared parts are in {@link Composer}).
 */
public final class Canvases {
    /** Placements tried per item before a canvas keeps fewer items. */
    static final int ATTEMPTS = Composer.ATTEMPTS;
    /** Side of a source item. */
    static final int ITEM = Composer.ITEM;
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
                    : Composer.badRecipe(minItems, maxItems, maxOverlap, threshold, train, test);
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
        Composer.requireItems(items);
        int area = r.size() * r.size();
        float[] x = new float[Math.multiplyExact(count, area)];
        byte[] masks = new byte[Math.multiplyExact(count, area)];
        int[] y = new int[count];
        int classes = items.classes() + 1;
        int[][] boxes = new int[items.size()][];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            // an item, then its place; {item, top, left} is what is painted
            List<Composer.Placed<int[]>> placed = Composer.place(rnd, r.minItems(), r.maxItems(), r.maxOverlap(), g -> {
                int item = g.nextInt(items.size());
                int top = g.nextInt(r.size() - ITEM + 1);
                int left = g.nextInt(r.size() - ITEM + 1);
                if (boxes[item] == null) {
                    boxes[item] = tightBox(items.x(), item, r.threshold());
                }
                int[] b = boxes[item];
                if (b.length == 0) {
                    return null; // nothing brighter than the threshold: not an item to place
                }
                return new Composer.Placed<>(new int[] {item, top, left},
                        new int[] {b[0] + top, b[1] + left, b[2] + top, b[3] + left});
            });
            for (Composer.Placed<int[]> p : placed) {
                int item = p.what()[0];
                Composer.paint(items.x(), item * ITEM * ITEM, ITEM, ITEM, r.threshold(), x, i * area, r.size(),
                        p.what()[1], p.what()[2], masks, (byte) (items.y()[item] + 1));
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
        int base = item * ITEM * ITEM;
        return Composer.tightBox(ITEM, ITEM, threshold, (row, col) -> x[base + row * ITEM + col]);
    }

    /** Intersection over union of two {top, left, bottom, right} boxes. */
    static double iou(int[] a, int[] b) {
        return Composer.iou(a, b);
    }

    /**
     * The training and test canvases of {@code r} from the items of {@code trainItems} and
     * {@code testItems}: read from {@code cacheDir} when composed before, else composed and kept there
     * (a cache that cannot be written is only a lost shortcut).
     */
    public static Dataset[] load(Dataset trainItems, Dataset testItems, Recipe r, String name, Path cacheDir) {
        String key = FORMAT + "|" + name + "|" + r.key() + "|" + Composer.fingerprint(trainItems) + "|"
                + Composer.fingerprint(testItems);
        return Composer.cached(Composer.cacheFile(cacheDir, "canvases", key), in -> read(in, r, trainItems, name),
                () -> new Dataset[] {compose(trainItems, r, r.train(), SEED, name + "/train"),
                    compose(testItems, r, r.test(), SEED + 1, name + "/test")},
                Canvases::write);
    }

    private static void write(DataOutputStream out, Dataset[] sets) throws IOException {
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

    private static Dataset[] read(DataInputStream in, Recipe r, Dataset items, String name) throws IOException {
        int area = r.size() * r.size();
        int classes = items.classes() + 1;
        Dataset[] sets = new Dataset[2];
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
        return sets;
    }
}

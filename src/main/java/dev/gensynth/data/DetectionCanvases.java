package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.GroundTruth;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An object-detection set composed from real single-item images, the detection counterpart of
 * {@link Canvases}: square black canvases with a few items (Fashion-MNIST garments or MNIST digits), each
 * item rescaled and placed at random, each object's box the tight box around its item's pixels.
 *
 * <p>The rules, so that the set can be recognised and rebuilt:
 * <ul>
 *   <li>a canvas is {@code size × size}, one channel, values k/255 in [0, 1]; it shows {@code minItems} to
 *       {@code maxItems} items (uniformly many), each a random 28×28 item of the source split;</li>
 *   <li>each item is resized to S×S pixels, S = round(28·s) for a factor s drawn uniformly in
 *       [{@code minScale}, {@code maxScale}), by bilinear interpolation with half-pixel centres (output pixel
 *       i reads the item at (i + ½)·28/S − ½, clamped to the item: the rule of torch's
 *       {@code interpolate(mode='bilinear', align_corners=False)} and OpenCV's {@code INTER_LINEAR}), then
 *       rounded to 8 bits (k/255) as an image file would hold it; it goes at a uniformly random position
 *       wholly inside the canvas;</li>
 *   <li>an object's box is the tight box around its resized item's pixels brighter than {@code threshold}:
 *       (x1, y1) the top left corner of its first column and row, (x2, y2) the bottom right corner of its last
 *       ones, so x2 and y2 are exclusive and the box reads in {@code IouConvention.CONTINUOUS}; its class is
 *       the item's class, its label that class's name;</li>
 *   <li>a placement whose box overlaps an earlier item's by an IoU above {@code maxOverlap} is drawn again (an
 *       item, a factor and a position, up to {@value Composer#ATTEMPTS} times; after that the canvas keeps
 *       fewer items);</li>
 *   <li>items are painted in order, each only where its pixels are brighter than {@code threshold}, so the
 *       later item is on top. A box is <em>not</em> recomputed when a later item covers part of its item: it
 *       stays the item's own tight box, as an annotator would draw the whole object; the IoU bound keeps such
 *       occlusion small;</li>
 *   <li>training canvases draw items from the training split only, test canvases from the test split only;
 *       the draws are seeded, so the same recipe always gives the same canvases.</li>
 * </ul>
 * Composing is kept in the user cache, keyed by the recipe and the source, as {@link Canvases} is.
 */
public final class DetectionCanvases {
    /** Seed of the draws: fixed (not a run's seed), so that every run on a recipe sees the same canvases. */
    static final long SEED = 0xde7L;
    private static final int ITEM = Composer.ITEM;
    private static final int FORMAT = 1;

    private DetectionCanvases() {
    }

    /**
     * How canvases are composed (see the class comment).
     *
     * @param size side of a canvas, in pixels (at least an item's largest resized side)
     * @param minItems fewest items a canvas shows (at least 1)
     * @param maxItems most items a canvas shows
     * @param minScale smallest resizing factor (> 0)
     * @param maxScale largest resizing factor (the factor is drawn in [minScale, maxScale))
     * @param maxOverlap largest IoU of two items' boxes, in [0, 1]
     * @param threshold a pixel brighter than this belongs to its item, in [0, 1)
     * @param train training canvases (the validation split is taken from these)
     * @param test test canvases
     */
    public record Recipe(int size, int minItems, int maxItems, double minScale, double maxScale, double maxOverlap,
            double threshold, int train, int test) {
        /** 96×96 canvases with 1 to 6 items resized by 1 to 2, boxes overlapping by an IoU of at most 0.2. */
        public static final Recipe DEFAULT = new Recipe(96, 1, 6, 1.0, 2.0, 0.2, 0.1, 10_000, 2_000);

        public Recipe {
            String bad = !(minScale > 0 && minScale <= maxScale && Double.isFinite(maxScale))
                    ? "scales must satisfy 0 < minScale <= maxScale, got " + minScale + " and " + maxScale
                    : side(minScale) < 1 ? "minScale " + minScale + " leaves no pixel of a 28x28 item"
                    : size < side(maxScale) ? "size must be at least " + side(maxScale)
                            + " (an item's largest side), got " + size
                    : Composer.badRecipe(minItems, maxItems, maxOverlap, threshold, train, test);
            if (bad != null) {
                throw new UserError("detection canvases: " + bad);
            }
        }

        /** S, the side of an item resized by {@code scale}. */
        static int side(double scale) {
            return (int) Math.round(ITEM * scale);
        }

        String key() {
            return String.format(Locale.ROOT, "%d|%d|%d|%.6f|%.6f|%.6f|%.6f|%d|%d", size, minItems, maxItems, minScale,
                    maxScale, maxOverlap, threshold, train, test);
        }
    }

    /**
     * One object of a canvas and the draw that put it there.
     *
     * @param truth its box and class name, in the image named {@link Composed#imageId}
     * @param classIndex its class, an index into {@link Composed#classes()}
     * @param item the index of its item in the source split
     * @param side S, the side the item was resized to
     * @param top the canvas row of the resized item's first row
     * @param left the canvas column of its first column
     */
    public record Placement(GroundTruth truth, int classIndex, int item, int side, int top, int left) {}

    /**
     * Composed canvases: {@code pixels} holds canvas i's pixel (r, c) as the unsigned byte
     * {@code pixels[(i·size + r)·size + c]}, value / 255 (every value is k/255, so nothing is lost).
     */
    public record Composed(String name, int size, List<String> classes, byte[] pixels, List<List<Placement>> objects) {
        public Composed {
            classes = List.copyOf(classes);
            objects = objects.stream().map(List::copyOf).toList();
            if (pixels.length != (long) objects.size() * size * size) {
                throw new IllegalArgumentException(objects.size() + " canvases of " + size + "x" + size + " need "
                        + (long) objects.size() * size * size + " pixels, got " + pixels.length);
            }
        }

        /** How many canvases. */
        public int count() {
            return objects.size();
        }

        /** Canvas {@code i}'s pixels in [0, 1], row by row. */
        public float[] image(int i) {
            int area = size * size;
            float[] x = new float[area];
            for (int p = 0; p < area; p++) {
                x[p] = DataFiles.UNIT_BYTE[pixels[i * area + p] & 0xFF];
            }
            return x;
        }

        /** Canvas {@code i}'s objects as ground truths. */
        public List<GroundTruth> truths(int i) {
            return objects.get(i).stream().map(Placement::truth).toList();
        }

        /**
         * The canvases as a dataset to train and evaluate on: one channel, values k/255, each canvas's objects as
         * {@link Targets.Boxes} (none difficult), each canvas stratified by its most frequent class.
         */
        public Dataset dataset() {
            float[] x = new float[pixels.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = DataFiles.UNIT_BYTE[pixels[i] & 0xFF];
            }
            Targets.Boxes boxes = Targets.Boxes.of(objects.stream().map(o -> o.stream()
                    .map(p -> new Targets.Boxes.Labelled(p.classIndex(), p.truth().box(), false)).toList()).toList());
            int[] y = new int[objects.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = boxes.mostFrequent(i, classes.size());
            }
            return new Dataset(name, Shape.of(1, size, size), x, y, classes.size(), classes, boxes);
        }

        /** Every canvas's objects, canvas by canvas. */
        public List<GroundTruth> truths() {
            return objects.stream().flatMap(o -> o.stream().map(Placement::truth)).toList();
        }

        /** What canvas {@code i} is called in its ground truths: its index (COCO's image order is then theirs). */
        public static String imageId(int i) {
            return Integer.toString(i);
        }
    }

    /** {@code count} canvases of items from {@code items} (single-channel 28×28 images), drawn with {@code seed}. */
    public static Composed compose(Dataset items, Recipe r, int count, long seed, String name) {
        Composer.requireItems(items);
        int area = r.size() * r.size();
        byte[] pixels = new byte[Math.multiplyExact(count, area)];
        List<List<Placement>> objects = new ArrayList<>(count);
        float[] canvas = new float[area];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            String image = Composed.imageId(i);
            // an item, its factor, then its place
            List<Composer.Placed<Placement>> placed = Composer.place(rnd, r.minItems(), r.maxItems(),
                    r.maxOverlap(), g -> {
                        int item = g.nextInt(items.size());
                        int side = Recipe.side(r.minScale() + (r.maxScale() - r.minScale()) * g.nextDouble());
                        int top = g.nextInt(r.size() - side + 1);
                        int left = g.nextInt(r.size() - side + 1);
                        ResizedItem s = new ResizedItem(items.x(), item, side);
                        int[] b = Composer.tightBox(side, side, r.threshold(), s::at);
                        if (b.length == 0) {
                            return null; // nothing brighter than the threshold: not an item to place
                        }
                        int[] box = {b[0] + top, b[1] + left, b[2] + top, b[3] + left};
                        int c = items.y()[item];
                        GroundTruth t = new GroundTruth(image, items.classNames().get(c),
                                new Box(box[1], box[0], box[3], box[2])); // x1 = left, y1 = top, ...
                        return new Composer.Placed<>(new Placement(t, c, item, side, top, left), box);
                    });
            java.util.Arrays.fill(canvas, 0f);
            for (Composer.Placed<Placement> p : placed) {
                Placement o = p.what();
                Composer.paint(new ResizedItem(items.x(), o.item(), o.side()).pixels(), 0, o.side(), o.side(),
                        r.threshold(), canvas, 0, r.size(), o.top(), o.left(), null, (byte) 0);
            }
            for (int q = 0; q < area; q++) {
                pixels[i * area + q] = (byte) Math.round(canvas[q] * 255f); // exact: every value is k/255
            }
            objects.add(placed.stream().map(Composer.Placed::what).toList());
        }
        return new Composed(name, r.size(), items.classNames(), pixels, objects);
    }

    /**
     * The training and test canvases of {@code r} from the items of {@code trainItems} and {@code testItems}:
     * read from {@code cacheDir} when composed before, else composed and kept there.
     */
    public static Composed[] load(Dataset trainItems, Dataset testItems, Recipe r, String name, Path cacheDir) {
        String key = FORMAT + "|" + name + "|" + r.key() + "|" + Composer.fingerprint(trainItems) + "|"
                + Composer.fingerprint(testItems);
        return Composer.cached(Composer.cacheFile(cacheDir, "detection-canvases", key),
                in -> new Composed[] {read(in, r, r.train(), trainItems, name + "/train"),
                    read(in, r, r.test(), testItems, name + "/test")},
                () -> new Composed[] {compose(trainItems, r, r.train(), SEED, name + "/train"),
                    compose(testItems, r, r.test(), SEED + 1, name + "/test")},
                DetectionCanvases::write);
    }

    private static void write(DataOutputStream out, Composed[] sets) throws IOException {
        for (Composed d : sets) {
            out.writeInt(d.count());
            out.write(d.pixels());
            for (List<Placement> canvas : d.objects()) {
                out.writeInt(canvas.size());
                for (Placement o : canvas) {
                    Box b = o.truth().box();
                    for (int v : new int[] {o.classIndex(), o.item(), o.side(), o.top(), o.left(), (int) b.x1(),
                        (int) b.y1(), (int) b.x2(), (int) b.y2()}) {
                        out.writeInt(v);
                    }
                }
            }
        }
    }

    private static Composed read(DataInputStream in, Recipe r, int expected, Dataset items, String name)
            throws IOException {
        int n = in.readInt();
        if (n != expected) {
            throw new IOException("holds " + n + " canvases where the recipe makes " + expected);
        }
        byte[] pixels = new byte[Math.multiplyExact(n, r.size() * r.size())];
        in.readFully(pixels);
        List<List<Placement>> objects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = in.readInt();
            if (k < 0 || k > r.maxItems()) {
                throw new IOException("canvas " + i + " holds " + k + " objects");
            }
            List<Placement> canvas = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                int[] v = new int[9];
                for (int q = 0; q < v.length; q++) {
                    v[q] = in.readInt();
                }
                GroundTruth t = new GroundTruth(Composed.imageId(i), items.classNames().get(v[0]),
                        new Box(v[5], v[6], v[7], v[8]));
                canvas.add(new Placement(t, v[0], v[1], v[2], v[3], v[4]));
            }
            objects.add(canvas);
        }
        return new Composed(name, r.size(), items.classNames(), pixels, objects);
    }
}

package dev.gensynth.data;

import dev.gensynth.spec.Shape;
import java.util.List;

/**
 * A labelled image dataset held fully in memory.
 *
 * <p>{@code x} holds {@code size() * sampleShape.elements()} floats, sample-major in NCHW order
 * (sample 0's channel 0 row by row, then its channel 1, ..., then sample 1). {@code y} holds one
 * class index per sample: a classifier's label, and for other tasks the class a split is stratified
 * by (for a mask or a set of boxes, its most frequent labelled class). {@code targets} is what the task
 * learns: the labels {@code y} themselves for classification, a {@link Targets.Masks mask} per sample, or
 * {@link Targets.Boxes boxes}.
 *
 * <p>The arrays are <em>not</em> copied, because a training split can be hundreds of megabytes;
 * treat them as read-only. Every method that changes data ({@link #subset}, {@link #normalized})
 * returns a new dataset with fresh arrays. As with any record holding arrays, {@code equals}
 * compares the arrays by identity.
 *
 * @param name        human-readable name, e.g. {@code "fashion-mnist/train"}
 * @param sampleShape shape of one sample without the batch axis, e.g. {@code 1x28x28}
 * @param x           pixel data, NCHW, usually scaled to [0, 1] by the readers
 * @param y           one label per sample, each in {@code [0, classes)}
 * @param classes     number of classes
 * @param classNames  one display name per class index
 * @param targets     what each sample is labelled with ({@code y} itself for a classifier)
 */
public record Dataset(String name, Shape sampleShape, float[] x, int[] y, int classes, List<String> classNames,
        Targets targets) {

    /** A classification dataset: the targets are the labels {@code y}. */
    public Dataset(String name, Shape sampleShape, float[] x, int[] y, int classes, List<String> classNames) {
        this(name, sampleShape, x, y, classes, classNames, new Targets.Labels(y));
    }

    public Dataset {
        classNames = List.copyOf(classNames);
        if (targets.size() != y.length) {
            throw new IllegalArgumentException("dataset " + name + " has " + y.length + " samples but targets for "
                    + targets.size());
        }
        if (targets instanceof Targets.Labels l && l.y() != y) {
            throw new IllegalArgumentException("dataset " + name + ": a classifier's targets are its labels y");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("dataset " + name + " needs at least one class, got " + classes);
        }
        if (classNames.size() != classes) {
            throw new IllegalArgumentException("dataset " + name + " has " + classes + " classes but "
                    + classNames.size() + " class names");
        }
        long expected = (long) y.length * sampleShape.elements();
        if (x.length != expected) {
            throw new IllegalArgumentException("dataset " + name + ": " + y.length + " samples of shape "
                    + sampleShape + " need " + expected + " floats, got " + x.length);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException("dataset " + name + ": label " + y[i] + " of sample " + i
                        + " is outside [0, " + classes + ")");
            }
        }
        if (targets instanceof Targets.Masks m) {
            if (!sampleShape.isMap() || m.height() != sampleShape.height() || m.width() != sampleShape.width()) {
                throw new IllegalArgumentException("dataset " + name + ": masks of " + m.height() + "x" + m.width()
                        + " for images of " + sampleShape + " (a mask has one class per pixel of its image)");
            }
            if (classes >= Targets.Masks.IGNORE) {
                throw new IllegalArgumentException("dataset " + name + ": masks hold at most "
                        + (Targets.Masks.IGNORE - 1) + " classes, got " + classes);
            }
            for (int i = 0; i < m.pixels().length; i++) {
                int c = m.pixels()[i] & 0xFF;
                if (c >= classes && c != Targets.Masks.IGNORE) {
                    throw new IllegalArgumentException("dataset " + name + ": pixel " + i % m.area() + " of mask "
                            + i / m.area() + " has class " + c + ", outside [0, " + classes + ") and not "
                            + Targets.Masks.IGNORE + " (ignore)");
                }
            }
        }
        if (targets instanceof Targets.Boxes b) {
            checkBoxes(name, sampleShape, classes, b);
        }
    }

    private static void checkBoxes(String name, Shape sampleShape, int classes, Targets.Boxes b) {
        if (!sampleShape.isMap()) {
            throw new IllegalArgumentException("dataset " + name + ": boxes need images, not samples of " + sampleShape);
        }
        for (int i = 0; i < b.size(); i++) {
            for (int j = b.first()[i]; j < b.first()[i + 1]; j++) {
                double[] c = b.corners();
                if (b.classes()[j] < 0 || b.classes()[j] >= classes) {
                    throw new IllegalArgumentException("dataset " + name + ": object " + (j - b.first()[i])
                            + " of sample " + i + " has class " + b.classes()[j] + ", outside [0, " + classes + ")");
                }
                if (!(c[4 * j] >= 0 && c[4 * j + 1] >= 0 && c[4 * j + 2] <= sampleShape.width()
                        && c[4 * j + 3] <= sampleShape.height() && c[4 * j + 2] > c[4 * j]
                        && c[4 * j + 3] > c[4 * j + 1])) {
                    throw new IllegalArgumentException("dataset " + name + ": object " + (j - b.first()[i])
                            + " of sample " + i + " has box " + b.box(j) + ", not a box of positive size within its "
                            + sampleShape.width() + "x" + sampleShape.height() + " image");
                }
            }
        }
    }

    /** This dataset with other images of the same samples (same labels and targets). */
    public Dataset withImages(float[] images) {
        return new Dataset(name, sampleShape, images, y, classes, classNames, targets);
    }

    /** Number of samples. */
    public int size() {
        return y.length;
    }

    /** Floats per sample ({@code C*H*W}). */
    public int sampleElements() {
        return (int) sampleShape.elements();
    }

    /** A copy of sample {@code i}'s floats, in CHW order. */
    public float[] sample(int i) {
        int e = sampleElements();
        float[] s = new float[e];
        System.arraycopy(x, Math.multiplyExact(i, e), s, 0, e);
        return s;
    }

    /** The samples at {@code indices}, in that order (repeats allowed), copied into new arrays. */
    public Dataset subset(int[] indices) {
        int e = sampleElements();
        float[] nx = new float[Math.multiplyExact(indices.length, e)];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(x, indices[k] * e, nx, k * e, e);
        }
        Targets t = targets.subset(indices);
        return t instanceof Targets.Labels l
                ? new Dataset(name, sampleShape, nx, l.y(), classes, classNames)
                : new Dataset(name, sampleShape, nx, new Targets.Labels(y).subset(indices).y(), classes, classNames, t);
    }

    /**
     * The first {@code min(n, size())} samples. Clamping rather than failing lets callers say
     * "at most n" (e.g. a {@code --limit} flag) without checking the size first.
     */
    public Dataset head(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("head(" + n + "): n must not be negative");
        }
        int[] idx = new int[Math.min(n, size())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return subset(idx);
    }

    /** This dataset with {@code n} applied; see {@link Normalization#apply}. */
    public Dataset normalized(Normalization n) {
        return n.apply(this);
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ": " + size() + " x " + sampleShape + ", " + classes + " classes"
                + (targets instanceof Targets.Masks m ? ", " + m.height() + "x" + m.width() + " masks"
                        : targets instanceof Targets.Boxes b ? ", " + b.classes().length + " boxes" : "") + "]";
    }
}

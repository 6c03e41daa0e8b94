package dev.gensynth.data;

import dev.gensynth.spec.Shape;
import java.util.List;

/**
 * A labelled image dataset held fully in memory.
 *
 * <p>{@code x} holds {@code size() * sampleShape.elements()} floats, sample-major in NCHW order
 * (sample 0's channel 0 row by row, then its channel 1, ..., then sample 1). {@code y} holds one
 * class index per sample: this is a classification dataset. Segmentation will add per-pixel
 * targets as a separate field later; {@code y} will stay the per-sample label.
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
 */
public record Dataset(String name, Shape sampleShape, float[] x, int[] y, int classes, List<String> classNames) {

    public Dataset {
        classNames = List.copyOf(classNames);
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
        int[] ny = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            System.arraycopy(x, i * e, nx, k * e, e);
            ny[k] = y[i];
        }
        return new Dataset(name, sampleShape, nx, ny, classes, classNames);
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
        return "Dataset[" + name + ": " + size() + " x " + sampleShape + ", " + classes + " classes]";
    }
}

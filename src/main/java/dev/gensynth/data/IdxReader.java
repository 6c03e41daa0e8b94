package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic
 * {@code 0x00000803} for unsigned-byte 3-D image tensors, {@code 0x00000801} for 1-D label
 * vectors, then one int per dimension) followed by the raw bytes. Files may be gzipped or raw.
 */
public final class IdxReader {
    static final int IMAGE_MAGIC = 0x00000803;
    static final int LABEL_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Reads an image/label file pair whose classes are named {@code "0"}, {@code "1"}, .... */
    public static Dataset read(Path images, Path labels, String name, int classes) {
        return read(images, labels, name, IntStream.range(0, classes).mapToObj(String::valueOf).toList());
    }

    /**
     * Reads an image/label file pair into a {@code 1 x rows x cols} dataset with pixels scaled to
     * [0, 1].
     *
     * @throws UserError if a file is missing, is not the right kind of IDX file, is shorter than
     *                   its header promises, or the counts or labels do not fit together
     */
    public static Dataset read(Path images, Path labels, String name, List<String> classNames) {
        byte[] img = DataFiles.readMaybeGzip(images, "IDX image file");
        byte[] lab = DataFiles.readMaybeGzip(labels, "IDX label file");

        checkMagic(images, img, IMAGE_MAGIC, 16, "image");
        int n = DataFiles.bigEndianInt(img, 4);
        int rows = DataFiles.bigEndianInt(img, 8);
        int cols = DataFiles.bigEndianInt(img, 12);
        if (n < 0 || rows <= 0 || cols <= 0) {
            throw new UserError("IDX image file " + images + " has a corrupt header (" + n + " images of " + rows
                    + "x" + cols + "); fetch the file again.");
        }
        long pixels = (long) n * rows * cols;
        checkLength(images, img.length, 16 + pixels, n + " images of " + rows + "x" + cols);

        checkMagic(labels, lab, LABEL_MAGIC, 8, "label");
        int nLabels = DataFiles.bigEndianInt(lab, 4);
        checkLength(labels, lab.length, 8L + Math.max(0, nLabels), nLabels + " labels");
        if (nLabels != n) {
            throw new UserError("IDX image file " + images + " holds " + n + " images but label file " + labels
                    + " holds " + nLabels + " labels; they must come from the same split (train-* with train-*, "
                    + "t10k-* with t10k-*).");
        }
        if (pixels > Integer.MAX_VALUE - 16) {
            throw new UserError("IDX image file " + images + " holds " + pixels
                    + " pixels, more than one Java array can hold; use a subset of the data.");
        }

        float[] x = new float[(int) pixels];
        for (int i = 0; i < x.length; i++) {
            x[i] = DataFiles.UNIT_BYTE[img[16 + i] & 0xFF];
        }
        int classes = classNames.size();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab[8 + i] & 0xFF;
            if (y[i] >= classes) {
                throw new UserError("IDX label file " + labels + " has label " + y[i] + " at index " + i
                        + " but the dataset has only " + classes + " classes (0.." + (classes - 1)
                        + "); check that this is the right label file.");
            }
        }
        return new Dataset(name, Shape.of(1, rows, cols), x, y, classes, classNames);
    }

    private static void checkMagic(Path file, byte[] data, int magic, int headerBytes, String kind) {
        if (data.length < 4) {
            throw new UserError("IDX " + kind + " file " + file + " is only " + data.length
                    + " bytes long, too short for an IDX header; fetch the file again.");
        }
        int found = DataFiles.bigEndianInt(data, 0);
        if (found != magic) {
            String hint = found == (magic == IMAGE_MAGIC ? LABEL_MAGIC : IMAGE_MAGIC)
                    ? "it is an IDX " + (kind.equals("image") ? "label" : "image") + " file: images and labels seem swapped."
                    : "check that you passed the right file.";
            throw new UserError(file + " is not an IDX " + kind + " file: it starts with magic 0x"
                    + String.format("%08x", found) + ", expected 0x" + String.format("%08x", magic) + "; " + hint);
        }
        if (data.length < headerBytes) {
            throw new UserError("IDX " + kind + " file " + file + " is truncated: its header needs " + headerBytes
                    + " bytes but the file has " + data.length + "; fetch the file again.");
        }
    }

    private static void checkLength(Path file, int found, long expected, String what) {
        if (found < expected) {
            throw new UserError("IDX file " + file + " is truncated: its header promises " + what + ", i.e. "
                    + expected + " bytes (after decompression), but only " + found
                    + " were found; the download was probably cut short: fetch the file again.");
        }
    }
}

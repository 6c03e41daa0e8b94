package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CIFAR-10 binary version ({@code cifar-10-binary.tar.gz}, unpacked): files of
 * 3073-byte records, each one label byte followed by the 32x32 red, green and blue planes. The
 * planes are already in CHW order, so a record's pixels copy straight into NCHW.
 */
public final class Cifar10Reader {
    /** The standard class names, used when {@code batches.meta.txt} is absent. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    static final int PIXELS = 3 * 32 * 32;
    static final int RECORD = 1 + PIXELS;
    static final String SUBDIR = "cifar-10-batches-bin";

    private Cifar10Reader() {
    }

    /**
     * Loads {@code data_batch_1.bin} .. {@code data_batch_5.bin} (train, 50000 samples) or
     * {@code test_batch.bin} (10000 samples) from {@code dir} or its
     * {@code cifar-10-batches-bin} sub-directory, as a {@code 3x32x32} dataset scaled to [0, 1].
     *
     * @throws UserError if the directory or a batch is missing, or a batch is truncated
     */
    public static Dataset load(Path dir, boolean train) {
        if (!Files.isDirectory(dir)) {
            throw new UserError("CIFAR-10 directory " + dir + " does not exist; run 'gensynth download cifar10 --dir "
                    + "DIR' (or download and unpack cifar-10-binary.tar.gz from "
                    + "https://www.cs.toronto.edu/~kriz/cifar.html) and pass --data DIR.");
        }
        Path base = Files.isDirectory(dir.resolve(SUBDIR)) ? dir.resolve(SUBDIR) : dir;
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(base.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(base.resolve("test_batch.bin"));
        }
        List<byte[]> batches = new ArrayList<>();
        long records = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new UserError("CIFAR-10 batch " + f + " is missing; " + base + " should hold data_batch_1.bin "
                        + ".. data_batch_5.bin and test_batch.bin from the binary version of CIFAR-10 "
                        + "(not the Python or MATLAB version).");
            }
            byte[] b = DataFiles.read(f, "CIFAR-10 batch");
            if (b.length % RECORD != 0) {
                throw new UserError("CIFAR-10 batch " + f + " is " + b.length + " bytes, not a multiple of the "
                        + RECORD + "-byte record size (" + b.length / RECORD + " whole records and " + b.length % RECORD
                        + " stray bytes); the file is truncated or not a CIFAR-10 binary batch: fetch it again.");
            }
            batches.add(b);
            records += b.length / RECORD;
        }
        List<String> names = classNames(base);
        float[] x = new float[Math.toIntExact(records * PIXELS)];
        int[] y = new int[(int) records];
        int n = 0;
        for (int k = 0; k < batches.size(); k++) {
            byte[] b = batches.get(k);
            for (int r = 0; r < b.length / RECORD; r++, n++) {
                int off = r * RECORD;
                y[n] = b[off] & 0xFF;
                if (y[n] >= names.size()) {
                    throw new UserError("CIFAR-10 batch " + files.get(k) + " has label " + y[n] + " in record " + r
                            + " but there are only " + names.size() + " classes; is this a CIFAR-100 file?");
                }
                int out = n * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    x[out + p] = DataFiles.UNIT_BYTE[b[off + 1 + p] & 0xFF];
                }
            }
        }
        return new Dataset("cifar10/" + (train ? "train" : "test"), Shape.of(3, 32, 32), x, y, names.size(), names);
    }

    private static List<String> classNames(Path base) {
        Path meta = base.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) {
            return CLASSES;
        }
        try {
            List<String> names = Files.readAllLines(meta).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (names.size() != CLASSES.size()) {
                throw new UserError("CIFAR-10 class list " + meta + " names " + names.size()
                        + " classes, expected 10 (one per line); restore the original file or delete it to use the "
                        + "standard names.");
            }
            return names;
        } catch (IOException e) {
            throw new UserError("cannot read CIFAR-10 class list " + meta + " (" + e.getMessage()
                    + "); fix its permissions or delete it to use the standard names.", e);
        }
    }
}

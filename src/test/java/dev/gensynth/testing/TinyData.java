package dev.gensynth.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a tiny, learnable MNIST-layout dataset (gzipped IDX): 28x28 noisy images of one of
 * four textures (horizontal bars, vertical bars, diagonal bars, a checkerboard), the texture
 * being the label; textures survive global pooling, so any of our architectures can learn them. Small enough that the
 * whole synthesis loop runs in seconds, structured enough that training must really work.
 */
public final class TinyData {
    private TinyData() {
    }

    public static Path write(Path dir, int train, int test, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(seed);
        split(dir, "train", train, rnd);
        split(dir, "t10k", test, rnd);
        return dir;
    }

    private static void split(Path dir, String prefix, int n, SplittableRandom rnd) throws IOException {
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int y = rnd.nextInt(4);
            labels[i] = (byte) y;
            for (int p = 0; p < 784; p++) {
                images[i * 784 + p] = (byte) rnd.nextInt(100);
            }
            int phase = rnd.nextInt(4);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    int k = switch (y) {
                        case 0 -> r;
                        case 1 -> c;
                        case 2 -> r + c;
                        default -> (r / 2 + c / 2) * 2;
                    };
                    if (((k + phase) / 2) % 2 == 0) {
                        images[i * 784 + r * 28 + c] = (byte) (150 + rnd.nextInt(100));
                    }
                }
            }
        }
        try (DataOutputStream out = gz(dir.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            out.write(images);
        }
        try (DataOutputStream out = gz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x801);
            out.writeInt(n);
            out.write(labels);
        }
    }

    private static DataOutputStream gz(Path f) throws IOException {
        OutputStream o = Files.newOutputStream(f);
        return new DataOutputStream(new GZIPOutputStream(o));
    }
}

package dev.gensynth.train;

import dev.gensynth.data.Targets;
import dev.gensynth.spec.Shape;
import java.util.SplittableRandom;

/**
 * Random crop after zero padding, and horizontal flip, applied in place to an NCHW batch, and the same
 * to its masks when the targets are per pixel (padding there is {@link Targets.Masks#IGNORE}: no class); targets
 * that are not per pixel (a detector's boxes) hear each row's move instead ({@link Moves}).
 */
final class Augment {
    private Augment() {
    }

    /**
     * What was done to row {@code row}: output pixel (x, y) shows the padded source pixel
     * ({@code (mirrored ? w − 1 − x : x) + dx}, {@code y + dy}).
     */
    interface Moves {
        void moved(int row, int dx, int dy, boolean mirrored);
    }

    /** Whether these settings change samples of this shape (only image-like maps are augmented). */
    static boolean changes(Shape shape, int padding, boolean flip) {
        return (padding > 0 || flip) && shape.isMap();
    }

    /** @param masks {@code n} masks of {@code shape}'s height x width to move with their images, or null */
    static void apply(float[] batch, int[] masks, int n, Shape shape, int padding, boolean flip,
            SplittableRandom rnd) {
        apply(batch, masks, null, n, shape, padding, flip, rnd);
    }

    /** As {@link #apply(float[], int[], int, Shape, int, boolean, SplittableRandom)}, telling {@code moves} (or not: null). */
    static void apply(float[] batch, int[] masks, Moves moves, int n, Shape shape, int padding, boolean flip,
            SplittableRandom rnd) {
        if (!changes(shape, padding, flip)) {
            return;
        }
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        float[] tmp = new float[h * w];
        int[] moved = masks == null ? null : new int[h * w];
        for (int i = 0; i < n; i++) {
            int dy = padding == 0 ? 0 : rnd.nextInt(2 * padding + 1) - padding;
            int dx = padding == 0 ? 0 : rnd.nextInt(2 * padding + 1) - padding;
            boolean mirror = flip && rnd.nextBoolean();
            if (moves != null) {
                moves.moved(i, dx, dy, mirror);
            }
            if (masks != null) {
                int base = i * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        moved[y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? Targets.Masks.IGNORE
                                : masks[base + sy * w + sx];
                    }
                }
                System.arraycopy(moved, 0, masks, base, h * w);
            }
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        tmp[y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : batch[base + sy * w + sx];
                    }
                }
                System.arraycopy(tmp, 0, batch, base, h * w);
            }
        }
    }
}

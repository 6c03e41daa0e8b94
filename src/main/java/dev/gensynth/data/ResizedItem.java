package dev.gensynth.data;

/**
 * Item {@code item} of {@code x} (28×28 items in a row) resized to side × side by the rule
 * {@link DetectionCanvases} states (bilinear with half-pixel centres, clamped at the edges, then 8-bit),
 * computed pixel by pixel, so that finding the tight box of a rejected draw reads little more than its edges.
 */
final class ResizedItem {
    private final float[] x;
    private final int base;
    private final int side;
    /** Per output row (and column): the first source row read, and the share of the one after it. */
    private final int[] from;
    private final float[] weight;

    ResizedItem(float[] x, int item, int side) {
        this.x = x;
        this.base = item * Composer.ITEM * Composer.ITEM;
        this.side = side;
        from = new int[side];
        weight = new float[side];
        double ratio = (double) Composer.ITEM / side;
        for (int i = 0; i < side; i++) {
            double src = Math.max(0, ratio * (i + 0.5) - 0.5); // clamped at the top and left edges
            from[i] = (int) src;
            weight[i] = (float) (src - from[i]);
        }
    }

    float at(int row, int col) {
        int r0 = from[row];
        int c0 = from[col];
        int r1 = Math.min(r0 + 1, Composer.ITEM - 1); // clamped at the bottom and right edges
        int c1 = Math.min(c0 + 1, Composer.ITEM - 1);
        float wr = weight[row];
        float wc = weight[col];
        int n = Composer.ITEM;
        float upper = (1 - wc) * x[base + r0 * n + c0] + wc * x[base + r0 * n + c1];
        float lower = (1 - wc) * x[base + r1 * n + c0] + wc * x[base + r1 * n + c1];
        float v = (1 - wr) * upper + wr * lower;
        return DataFiles.UNIT_BYTE[Math.max(0, Math.min(255, Math.round(v * 255f)))];
    }

    float[] pixels() {
        float[] out = new float[side * side];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                out[r * side + c] = at(r, c);
            }
        }
        return out;
    }
}

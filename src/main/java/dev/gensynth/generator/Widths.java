package dev.gensynth.generator;

import dev.gensynth.UserError;

/**
 * How many channels a group of a generated network may keep: at least {@code min}, and a multiple
 * of {@code multiple} unless the group is narrower or keeps its full width. Kernels work on channel
 * blocks (8 floats in AVX2, 16 in AVX-512, 4 in NEON), so odd widths waste them: in ONNX Runtime a
 * generated network with odd widths ran 2.5x slower than a uniformly narrowed one of the same MACs,
 * and here a network with any width off a multiple of 8 trains in NCHW, not channels-last.
 *
 * @param min every group keeps at least this many channels (or its full width, if narrower)
 * @param multiple kept widths are rounded to the nearest multiple of this (1: any width)
 */
public record Widths(int min, int multiple) {
    /** The multiple of the default search. */
    public static final int DEFAULT_MULTIPLE = 8;

    public Widths {
        if (min < 1 || multiple < 1) {
            throw new UserError("search: minChannels and widthMultiple must be >= 1 (got " + min + ", " + multiple
                    + ")");
        }
    }

    /** Any width of at least {@code min} channels. */
    public static Widths atLeast(int min) {
        return new Widths(min, 1);
    }

    /**
     * The width a group of {@code width} channels keeps when {@code wanted} of them were drawn: the
     * nearest multiple (halves up), at least the floor ({@code min} rounded up to a multiple), at
     * most the group's width.
     */
    public int of(double wanted, int width) {
        int k = (int) Math.round(Math.max(wanted, 0) / multiple) * multiple;
        return Math.min(width, Math.max(narrowest(width), k));
    }

    /** The narrowest width a group of {@code width} channels can have. */
    public int narrowest(int width) {
        return Math.min(width, ceilTo(min));
    }

    private int ceilTo(int n) {
        return (n + multiple - 1) / multiple * multiple;
    }
}

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
        return of(wanted, width, 0);
    }

    /** The narrowest width a group of {@code width} channels can have. */
    public int narrowest(int width) {
        return narrowest(width, 0);
    }

    /** {@link #of(double, int)} for group {@code g} of {@code groups}: also at least the head outputs it feeds. */
    public int of(double wanted, ChannelGroups groups, int g) {
        return of(wanted, groups.width(g), groups.headFloor(g));
    }

    private int of(double wanted, int width, int headFloor) {
        int k = (int) Math.round(Math.max(wanted, 0) / multiple) * multiple;
        return Math.min(width, Math.max(narrowest(width, headFloor), k));
    }

    /** The narrowest width group {@code g} of {@code groups} can have (see {@link ChannelGroups#headFloor}). */
    public int narrowest(ChannelGroups groups, int g) {
        return narrowest(groups.width(g), groups.headFloor(g));
    }

    private int narrowest(int width, int headFloor) {
        return Math.min(width, ceilTo(Math.max(min, headFloor)));
    }

    private int ceilTo(int n) {
        return (n + multiple - 1) / multiple * multiple;
    }
}

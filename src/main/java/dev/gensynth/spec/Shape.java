package dev.gensynth.spec;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of one sample's tensor, without the batch axis: {@code [C, H, W]} for feature
 * maps, {@code [F]} for flat vectors. Nothing here assumes an image classifier: a
 * segmentation head simply ends in a {@code [classes, H, W]} map.
 */
public record Shape(List<Integer> dims) {
    public Shape {
        dims = List.copyOf(dims);
        if (dims.isEmpty()) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
    }

    public static Shape of(int... dims) {
        return new Shape(Arrays.stream(dims).boxed().toList());
    }

    public int rank() {
        return dims.size();
    }

    /** Channels (first axis) of a feature map, or features of a flat vector. */
    public int channels() {
        return dims.get(0);
    }

    public int height() {
        return dims.get(1);
    }

    public int width() {
        return dims.get(2);
    }

    public boolean isMap() {
        return dims.size() == 3;
    }

    public long elements() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    public Shape withChannels(int c) {
        Integer[] d = dims.toArray(new Integer[0]);
        d[0] = c;
        return new Shape(List.of(d));
    }

    /** The same shape with a leading batch axis, as DJL wants it. */
    public long[] withBatch(long batch) {
        long[] s = new long[dims.size() + 1];
        s[0] = batch;
        for (int i = 0; i < dims.size(); i++) {
            s[i + 1] = dims.get(i);
        }
        return s;
    }

    @Override
    public String toString() {
        return dims.stream().map(String::valueOf).collect(Collectors.joining("x"));
    }
}

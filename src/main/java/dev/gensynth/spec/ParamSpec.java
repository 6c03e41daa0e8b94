package dev.gensynth.spec;

import java.util.Arrays;

/**
 * One parameter tensor a layer owns, as the spec determines it. Running statistics of batch
 * norm are parameters of the model file but are not trainable, so they are not counted.
 */
public record ParamSpec(String name, long[] shape, boolean trainable) {
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.trainable == trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}

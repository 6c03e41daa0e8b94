package dev.gensynth.model;

import java.util.Arrays;

/**
 * A float32 tensor held in plain Java memory. Weights live in this form between trainings so
 * that the generator can slice them and exporters can write them without touching native
 * memory or DJL blocks.
 */
public record Tensor(long[] shape, float[] data) {
    public Tensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got "
                    + data.length);
        }
    }

    public static Tensor zeros(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new Tensor(shape.clone(), new float[Math.toIntExact(n)]);
    }

    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}

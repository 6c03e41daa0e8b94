package dev.gensynth.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant on tensors that take part in a backward pass. Use these, not DJL's
 * {@code NDArray.mul(Number)}, {@code div(Number)}, {@code pow(Number)} or {@code minimum(Number)}
 * (nor {@code Activation.relu6}, which calls the last), wherever a gradient flows.
 *
 * <p>Why: on the PyTorch engine those DJL methods copy the number into a direct {@code ByteBuffer},
 * wrap that memory as a tensor without copying it, and close the tensor as soon as the operation
 * returns. Autograd keeps the tensor for the backward pass (the gradient of {@code x · c} is
 * {@code g · c}), but its memory belongs to the buffer, which the garbage collector frees whenever
 * it runs; the backward pass then reads whatever was allocated there since. Trainings diverged at
 * random (about one test run in ten) and, under a collector that runs often, every time. A tensor
 * made by {@code full} owns native memory that autograd's reference keeps alive.
 */
public final class Scalars {
    private Scalars() {
    }

    /** A 0-dimensional tensor holding {@code value}, in {@code like}'s manager, type and device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code x · c}. */
    public static NDArray times(NDArray x, double c) {
        return x.mul(of(x, c));
    }

    /** {@code x / c}. */
    public static NDArray over(NDArray x, double c) {
        return x.div(of(x, c));
    }

    /**
     * {@code min(max(x, 0), 6)}. With gradients on, libtorch's hardtanh through {@link Hardtanh} (its gradient passes
     * where 0 < x < 6, as PyTorch's ReLU6): DJL has none, and a minimum with a tensor 6 or a clamp spent a quarter of
     * mobilenet_v2's training step in their backward passes (comparisons, {@code where}, masked fills, which libtorch
     * 2.1 runs as scalar loops). Without, one clamp.
     */
    public static NDArray relu6(NDArray x) {
        return ai.djl.pytorch.jni.JniUtils.isGradMode() ? Hardtanh.relu6(x) : x.clip(0, 6);
    }
}

package dev.gensynth.train;

/**
 * The parts of one training step, in the order the {@link Trainer} runs them, so a profiler
 * ({@code dev.gensynth.bench.StepProfile}) can say where a step's time goes. CPU kernels run
 * synchronously, so the wall time between two marks is the cost of that part.
 */
public enum StepPhase {
    /** Drawing the batch's samples into Java arrays, augmenting them, a classifier's precomputed teacher targets. */
    ASSEMBLE,
    /**
     * Copying the batch from Java memory into native tensors, and a teacher that scores each batch (segmentation,
     * detection) running on it; with shards side by side, all of a step's passes count as its forward.
     */
    UPLOAD,
    FORWARD,
    LOSS,
    /** Reading the loss value back to Java (and checking that it is finite). */
    SYNC,
    BACKWARD,
    /** The running share of hits the progress shows (the task counts them: {@code Task.hits}). */
    METRICS,
    /** The update of every parameter, and zeroing the gradients (PyTorch accumulates them). */
    OPTIMIZER,
    /** Freeing the step's native tensors. */
    RELEASE
}

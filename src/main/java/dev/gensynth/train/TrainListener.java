package dev.gensynth.train;

/** Hears about a training as it runs; progress bars and logs implement it. */
public interface TrainListener {
    TrainListener SILENT = new TrainListener() {
    };

    default void onStart(String network, long totalUpdates) {
    }

    /** After each update: running mean loss and top-1 (%) on the training batches, throughput. */
    default void onBatch(long update, double loss, double top1, double imagesPerSecond) {
    }

    /** After each full pass and at the end; {@code validationTop1} is NaN without validation data. */
    default void onEpoch(int epoch, double trainLoss, double validationTop1) {
    }

    default void onEnd() {
    }

    /** After each part of every step; only profilers listen (it is called ten times a step). */
    default void afterPhase(StepPhase phase) {
    }
}

package dev.gensynth.train;

/** Hears about a training as it runs; progress bars and logs implement it. */
public interface TrainListener {
    TrainListener SILENT = new TrainListener() {
    };

    /** Before {@link #onStart}: what the batches' share of hits is and what validation measures, by name. */
    default void onMetrics(String training, String validation) {
    }

    default void onStart(String network, long totalUpdates) {
    }

    /** After each update: running mean loss and share of hits (%) on the training batches, throughput. */
    default void onBatch(long update, double loss, double top1, double imagesPerSecond) {
    }

    /** After each full pass and at the end: the task's metric on validation, NaN without validation data. */
    default void onEpoch(int epoch, double trainLoss, double validationQuality) {
    }

    default void onEnd() {
    }

    /** After each part of every step; only profilers listen (it is called ten times a step). */
    default void afterPhase(StepPhase phase) {
    }
}

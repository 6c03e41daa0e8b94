package dev.gensynth.train;

import dev.gensynth.model.Weights;
import java.util.List;

/**
 * What a training produced. {@code weights} are the best on validation when validation data
 * was given (the network is left holding them too), else the last. The validation figures are in
 * the task's metric (top-1 of a classifier, mIoU of a segmenter), the training ones the share of
 * the batches' samples (or labelled pixels) predicted right, in percent.
 */
public record TrainResult(Weights weights, double bestValidationQuality, int bestEpoch, List<EpochStats> epochs,
        double epochsRun, double imagesPerSecond, double seconds) {

    public record EpochStats(int epoch, double trainLoss, double trainTop1,
            @com.fasterxml.jackson.annotation.JsonAlias("validationTop1") double validationQuality) {
    }
}

package dev.gensynth.train;

import dev.gensynth.model.Weights;
import java.util.List;

/**
 * What a training produced. {@code weights} are the best on validation when validation data
 * was given (the network is left holding them too), else the last.
 */
public record TrainResult(Weights weights, double bestValidationTop1, int bestEpoch, List<EpochStats> epochs,
        double epochsRun, double imagesPerSecond, double seconds) {

    public record EpochStats(int epoch, double trainLoss, double trainTop1, double validationTop1) {
    }
}

package dev.gensynth.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gensynth.UserError;

/**
 * A training recipe. The defaults are the project's default recipe: SGD with Nesterov
 * momentum, cosine schedule with one warm-up epoch, light weight decay, label smoothing and
 * crop/flip augmentation off (flips are wrong for digits; crops are cheap to turn on).
 *
 * @param epochs full passes over the training split (may be fractional: 0.25 = a quarter pass)
 * @param warmupEpochs linear warm-up from 0 before the cosine decay
 * @param cropPadding random crop after zero padding by this many pixels; 0 disables
 * @param seed every random choice of a training (shuffling, augmentation, dropout) derives from it
 * @param shards each batch is split into this many passes (1 or 2; 0 in a file = the default, 2),
 *     each with its own batch-norm statistics, which run side by side on the cores; a shard has at
 *     least 16 samples, so smaller batches use fewer shards
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TrainConfig(double epochs, int batchSize, String optimizer, double learningRate, double momentum,
        boolean nesterov, double weightDecay, double warmupEpochs, double minLearningRate, double labelSmoothing,
        int cropPadding, boolean horizontalFlip, long seed, int shards) {
    /** The shards of the default recipe. */
    public static final int DEFAULT_SHARDS = 2;

    public static TrainConfig defaults() {
        return new TrainConfig(10, 128, "sgd", 0.1, 0.9, true, 5e-4, 1, 0, 0.0, 0, false, 42, DEFAULT_SHARDS);
    }

    public TrainConfig {
        if (!(epochs > 0)) {
            throw new UserError("training 'epochs' must be > 0, got " + epochs);
        }
        if (batchSize < 1) {
            throw new UserError("training 'batchSize' must be >= 1, got " + batchSize);
        }
        if (optimizer == null || !(optimizer.equals("sgd") || optimizer.equals("adam"))) {
            throw new UserError("training 'optimizer' must be sgd or adam, got '" + optimizer + "'");
        }
        if (!(learningRate > 0) || minLearningRate < 0 || minLearningRate > learningRate) {
            throw new UserError("training 'learningRate' must be > 0 and 0 <= 'minLearningRate' <= learningRate"
                    + " (got " + learningRate + ", " + minLearningRate + ")");
        }
        if (momentum < 0 || momentum >= 1 || weightDecay < 0 || warmupEpochs < 0) {
            throw new UserError("training 'momentum' must be in [0, 1), 'weightDecay' and 'warmupEpochs' >= 0");
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1 || cropPadding < 0) {
            throw new UserError("training 'labelSmoothing' must be in [0, 1) and 'cropPadding' >= 0");
        }
        if (shards == 0) {
            shards = DEFAULT_SHARDS;
        }
        if (shards < 1 || shards > Shards.MAX) {
            throw new UserError("training 'shards' must be 1 or " + Shards.MAX + " (0 or absent: " + DEFAULT_SHARDS
                    + "), got " + shards);
        }
    }

    public TrainConfig withEpochs(double e) {
        return new TrainConfig(e, batchSize, optimizer, learningRate, momentum, nesterov, weightDecay,
                Math.min(warmupEpochs, e / 2), minLearningRate, labelSmoothing, cropPadding, horizontalFlip, seed, shards);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, optimizer, lr, momentum, nesterov, weightDecay, warmupEpochs,
                Math.min(minLearningRate, lr), labelSmoothing, cropPadding, horizontalFlip, seed, shards);
    }

    public TrainConfig withWarmupEpochs(double w) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, nesterov, weightDecay, w,
                minLearningRate, labelSmoothing, cropPadding, horizontalFlip, seed, shards);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, nesterov, weightDecay,
                warmupEpochs, minLearningRate, labelSmoothing, cropPadding, horizontalFlip, s, shards);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, optimizer, learningRate, momentum, nesterov, weightDecay, warmupEpochs,
                minLearningRate, labelSmoothing, cropPadding, horizontalFlip, seed, shards);
    }

    public TrainConfig withShards(int k) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, nesterov, weightDecay,
                warmupEpochs, minLearningRate, labelSmoothing, cropPadding, horizontalFlip, seed, k);
    }

    public TrainConfig withAugmentation(int padding, boolean flip) {
        return new TrainConfig(epochs, batchSize, optimizer, learningRate, momentum, nesterov, weightDecay,
                warmupEpochs, minLearningRate, labelSmoothing, padding, flip, seed, shards);
    }
}

package dev.gensynth.bench;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;

/**
 * Untimed training before a timed one, in the same JVM, until the JIT compiler has had its time: for
 * the first ~10 s of training, HotSpot's C2 compiler takes a share of the 2 cores the kernels run
 * on (a 30 ms step of a small network took 33-42 ms after 1 s of training, 23-25 ms after 10 s).
 * A training run of minutes, as users run them, spends nearly all its time warm; Python has no JIT
 * to wait for, so its side needs none of this.
 */
final class JitWarmup {
    /** Thrown by the listener to end the untimed training when its time is up. */
    private static final class TimeUp extends RuntimeException {
        TimeUp() {
            super(null, null, false, false);
        }
    }

    private JitWarmup() {
    }

    /** Trains a copy of {@code spec} with {@code recipe}'s settings for {@code seconds}; returns the steps it made. */
    static long run(NetworkSpec spec, Weights initial, Dataset train, TrainConfig recipe, double seconds) {
        if (seconds <= 0) {
            return 0;
        }
        long[] steps = {0};
        long[] deadline = {Long.MAX_VALUE};
        // a plan far longer than the time: the listener ends it
        TrainConfig endless = recipe.withEpochs(1000);
        try (Network net = Network.create(spec, initial)) {
            Trainer.train(net, train, null, endless, new TrainListener() {
                @Override
                public void onStart(String network, long totalUpdates) {
                    deadline[0] = System.nanoTime() + (long) (seconds * 1e9); // training time, not start-up
                }

                @Override
                public void onBatch(long update, double loss, double top1, double imagesPerSecond) {
                    steps[0] = update;
                    if (System.nanoTime() > deadline[0]) {
                        throw new TimeUp();
                    }
                }
            });
        } catch (TimeUp done) {
            // the time is up
        }
        return steps[0];
    }
}

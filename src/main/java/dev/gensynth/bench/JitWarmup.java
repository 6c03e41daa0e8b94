package dev.gensynth.bench;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;

/**
 * Untimed trainings before a timed one, in the same JVM, until the JIT compiler has had its time: for
 * the first ~10 s of training, HotSpot's C2 compiler takes a share of the 2 cores the kernels run
 * on (a 30 ms step of a small network took 33-42 ms after 1 s of training, 23-25 ms after 10 s).
 * A training run of minutes, as users run them, spends nearly all its time warm; Python has no JIT
 * to wait for, so its side needs none of this.
 *
 * <p>Each untimed training is the timed one over again: the same plan, on a fresh copy of the network, with the
 * same listener. Training one copy under a listener of its own, stopped by an exception when the time was up, left
 * the timed run's call sites with a second listener class: C2 compiled the trainer's loop again during the measured
 * batches, and 10 of 30 steps of the small generated network took 1.7x their time.
 */
final class JitWarmup {
    private JitWarmup() {
    }

    /**
     * Trains copies of {@code spec} from {@code initial} with {@code recipe}, telling {@code listener}, one after
     * another until {@code seconds} have passed; returns how many it trained (none when {@code seconds} is 0).
     */
    static int run(NetworkSpec spec, Weights initial, Dataset train, TrainConfig recipe, TrainListener listener,
            double seconds) {
        if (seconds <= 0) {
            return 0;
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int runs = 0;
        do {
            try (Network net = Network.create(spec, initial)) {
                Trainer.train(net, train, null, recipe, listener);
            }
            runs++;
        } while (System.nanoTime() < end);
        return runs;
    }
}

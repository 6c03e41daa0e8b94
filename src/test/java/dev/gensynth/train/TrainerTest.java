package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.metrics.Accuracy;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final String TINY = """
            name: tiny
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu}
              - {name: p1, kind: maxpool, kernel: 2}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 4}
            """;

    /** Four classes: a bright 3x3 patch in one of the four quadrants, on noise. */
    static Dataset quadrants(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(4);
            for (int p = 0; p < 64; p++) {
                x[i * 64 + p] = (float) rnd.nextDouble() * 0.5f;
            }
            int oy = (y[i] / 2) * 4 + rnd.nextInt(2);
            int ox = (y[i] % 2) * 4 + rnd.nextInt(2);
            for (int dy = 0; dy < 3; dy++) {
                for (int dx = 0; dx < 3; dx++) {
                    x[i * 64 + (oy + dy) * 8 + ox + dx] += 1f;
                }
            }
        }
        return new Dataset("quadrants", Shape.of(1, 8, 8), x, y, 4, List.of("a", "b", "c", "d"));
    }

    @Test
    void trainsTinyNetworkWellAboveChance() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        Dataset train = quadrants(512, 1);
        Dataset val = quadrants(256, 2);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(6).withBatchSize(32).withLearningRate(0.05);
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            double before = Accuracy.top1(net, val, 64);
            TrainResult r = Trainer.train(net, train, val, cfg, TrainListener.SILENT);
            double after = Accuracy.top1(net, val, 64);
            assertThat(after).isGreaterThan(80).isGreaterThan(before + 30);
            assertThat(r.bestValidationQuality()).isEqualTo(after);
            assertThat(r.epochs()).hasSize(6);
            assertThat(r.weights()).isEqualTo(net.weights());
        }
    }

    @Test
    void aValidationSplitTooSmallToSelectOnKeepsTheLastEpochAndALargeOneTheBest() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        Dataset train = quadrants(256, 1);
        // a learning rate high enough that validation top-1 goes up and down from epoch to epoch
        TrainConfig cfg = TrainConfig.defaults().withEpochs(8).withBatchSize(32).withLearningRate(0.8)
                .withWarmupEpochs(0);
        Dataset small = quadrants(Trainer.SELECTION_MIN_IMAGES - 1, 2);
        Dataset large = quadrants(Trainer.SELECTION_MIN_IMAGES, 2);
        TrainResult onLarge;
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            onLarge = Trainer.train(net, train, large, cfg, TrainListener.SILENT);
            double best = onLarge.epochs().stream().mapToDouble(TrainResult.EpochStats::validationQuality).max().orElseThrow();
            assertThat(onLarge.bestValidationQuality()).isEqualTo(best);
            assertThat(onLarge.bestEpoch()).isLessThan(8); // this recipe's best epoch is not its last
        }
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            TrainResult r = Trainer.train(net, train, small, cfg, TrainListener.SILENT);
            assertThat(r.bestEpoch()).isEqualTo(8);
            assertThat(r.bestValidationQuality()).isEqualTo(r.epochs().get(7).validationQuality());
            assertThat(r.weights()).isEqualTo(net.weights());
        }
    }

    @Test
    void reportsOneEntryPerEpochWhenBatchesDoNotDivideTheSplit() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        Dataset train = quadrants(120, 1);
        // 4 epochs of 120 samples in batches of 32: 15 whole batches, 3.75 per epoch
        TrainConfig cfg = TrainConfig.defaults().withEpochs(4).withBatchSize(32);
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            TrainResult r = Trainer.train(net, train, quadrants(64, 2), cfg, TrainListener.SILENT);
            assertThat(r.epochs()).extracting(TrainResult.EpochStats::epoch).containsExactly(1, 2, 3, 4);
            assertThat(r.epochsRun()).isEqualTo(15 * 32 / 120.0);
        }
    }

    @Test
    void sameSeedSameWeights() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        Dataset train = quadrants(128, 1);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(32).withAugmentation(1, true);
        Weights a;
        Weights b;
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            a = Trainer.train(net, train, null, cfg, TrainListener.SILENT).weights();
        }
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            b = Trainer.train(net, train, null, cfg, TrainListener.SILENT).weights();
        }
        assertThat(a).isEqualTo(b);
    }

    @Test
    void aDivergingLossStopsTheTrainingInItsFirstEpoch() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        // 3 epochs of 4 batches; a learning rate of 1e6 overflows the weights within a few steps
        TrainConfig cfg = TrainConfig.defaults().withEpochs(3).withBatchSize(32).withLearningRate(1e6);
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            assertThatThrownBy(() -> Trainer.train(net, quadrants(128, 1), quadrants(64, 2), cfg,
                    TrainListener.SILENT))
                    .isInstanceOfSatisfying(DivergedException.class, e -> {
                        assertThat(e.epoch()).isEqualTo(1);
                        assertThat(e.batch()).isBetween(2L, 4L);
                        assertThat(e.what()).matches("loss (NaN|-?Infinity)|weight .* has (NaN|-?Infinity)");
                        assertThat(e.reason()).isEqualTo("diverged at epoch 1 batch " + e.batch() + ": " + e.what());
                        assertThat(e.epochsRun()).isEqualTo(e.batch() * 32 / 128.0);
                    });
        }
    }

    @Test
    void weightsThatStopBeingFiniteWhileTheLossStaysFiniteStopTheTrainingAtTheEpochsEnd() {
        NetworkSpec spec = SpecIO.parse(TINY, true, "tiny");
        // training-mode batch norm normalises with the batch's statistics, so the loss stays finite while
        // the running variance it keeps for inference stays infinite
        Map<String, Tensor> t = new LinkedHashMap<>(Weights.initial(spec, 3).tensors());
        Tensor var = t.get("b1.runningVar");
        float[] inf = var.data().clone();
        java.util.Arrays.fill(inf, Float.POSITIVE_INFINITY);
        t.put("b1.runningVar", new Tensor(var.shape(), inf));
        TrainConfig cfg = TrainConfig.defaults().withEpochs(2).withBatchSize(32);
        try (Network net = Network.create(spec, new Weights(t))) {
            assertThatThrownBy(() -> Trainer.train(net, quadrants(128, 1), null, cfg, TrainListener.SILENT))
                    .isInstanceOfSatisfying(DivergedException.class, e -> {
                        assertThat(e.epoch()).isEqualTo(1);
                        assertThat(e.batch()).isEqualTo(4);
                        assertThat(e.what()).isEqualTo("weight b1.runningVar has Infinity");
                    });
        }
    }

    @Test
    void cosineScheduleWarmsUpThenDecays() {
        CosineSchedule s = new CosineSchedule(1f, 0f, 10, 110);
        assertThat(s.getNewValue(0)).isEqualTo(0.1f);
        assertThat(s.getNewValue(9)).isEqualTo(1f);
        assertThat(s.getNewValue(60)).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(s.getNewValue(110)).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-6f));
    }
}

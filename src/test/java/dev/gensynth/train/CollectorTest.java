package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.zoo.Zoo;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A training computes the same numbers whether or not the garbage collector runs during its steps. Tensors that
 * a backward pass reads must own native memory: a constant wrapped from a Java buffer, as DJL's
 * {@code mul(Number)} makes one, is freed by the collector before the gradient reads it (see
 * {@link dev.gensynth.djl.Scalars}). Here a thread runs the collector every millisecond, which made every one of
 * these trainings diverge or drift before the fix.
 */
class CollectorTest {
    /** relu6 and hard-swish activations, two shards and a teacher: each multiplies by a constant. */
    private static final String MOBILE = """
            name: mobile
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu6}
              - {name: c2, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: b2, kind: batchnorm}
              - {name: h2, kind: hardswish}
              - {name: p1, kind: maxpool, kernel: 2}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 4}
            """;

    private static Weights collecting(Supplier<Weights> training) {
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "collector");
        collector.setDaemon(true);
        collector.start();
        try {
            return training.get();
        } finally {
            collector.interrupt();
        }
    }

    private static void sameWithTheCollector(Supplier<Weights> training) {
        Weights quiet = training.get();
        Weights collected = collecting(training);
        assertThat(collected.firstNonFinite()).isNull();
        quiet.tensors().forEach((k, t) -> assertThat(collected.get(k).data()).as(k).containsExactly(t.data()));
    }

    private static Weights trained(NetworkSpec spec, long init, Dataset train, TrainConfig cfg, Distillation d) {
        try (Network net = Network.create(spec, Weights.initial(spec, init))) {
            Trainer.train(net, train, null, cfg, d, TrainListener.SILENT);
            return net.weights();
        }
    }

    private static Distillation teacher(NetworkSpec spec, Dataset train, TrainConfig cfg, double temperature) {
        try (Network t = Network.create(spec, Weights.initial(spec, 1))) {
            Trainer.train(t, train, null, cfg, TrainListener.SILENT);
            return Distillation.of(t, train, 0.5, temperature);
        }
    }

    @Test
    void aClassifierWithConstantsInItsActivationsAndLoss() {
        NetworkSpec spec = SpecIO.parse(MOBILE, true, "mobile");
        Dataset train = TrainerTest.quadrants(256, 1);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(4).withBatchSize(64).withLearningRate(0.05).withShards(2);
        Distillation d = teacher(spec, train, cfg, 2.0);
        sameWithTheCollector(() -> trained(spec, 2, train, cfg, d));
    }

    @Test
    void aSegmenterTaughtPerBatch() {
        NetworkSpec spec = SpecIO.parse(SegmentationTrainingTest.SEGMENTER, true, "segmenter");
        Dataset train = SegmentationTrainingTest.squares(256, 3);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(4).withBatchSize(32).withLearningRate(0.05).withShards(1);
        Distillation d = teacher(spec, train, cfg, 2.0);
        sameWithTheCollector(() -> trained(spec, 6, train, cfg, d));
    }

    @Test
    void aDetectorWithItsFocalLoss() {
        Dataset train = DetectionTrainingTest.squares(192, 1);
        NetworkSpec spec = Zoo.get("centernet_resnet", train.sampleShape(), 2, 0.125);
        TrainConfig cfg = DetectionTrainingTest.sgd(3);
        Distillation d = teacher(spec, train, cfg, 1.0);
        sameWithTheCollector(() -> trained(spec, 4, train, cfg, d));
    }
}

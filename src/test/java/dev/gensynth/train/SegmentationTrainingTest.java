package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDList;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.task.PixelCounts;
import dev.gensynth.task.Segmentation;
import dev.gensynth.task.Task;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SegmentationTrainingTest {
    /** Logits for 3 classes at every pixel of an 8x8 input. */
    static final String SEGMENTER = """
            name: segmenter
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu}
              - {name: c2, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: b2, kind: batchnorm}
              - {name: r2, kind: relu}
              - {name: head, kind: conv, out: 3, kernel: 1, bias: true}
            """;

    /**
     * 8x8 noise with a bright square (class 1) and a dim one (class 2) at random places, the dim one on top;
     * background 0, and a random pixel of each image ignored (255).
     */
    static Dataset squares(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        byte[] m = new byte[n * 64];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 64; p++) {
                x[i * 64 + p] = (float) rnd.nextDouble() * 0.2f;
            }
            for (int k = 1; k <= 2; k++) {
                int oy = rnd.nextInt(6);
                int ox = rnd.nextInt(6);
                for (int dy = 0; dy < 3; dy++) {
                    for (int dx = 0; dx < 3; dx++) {
                        int p = i * 64 + (oy + dy) * 8 + ox + dx;
                        x[p] = k == 1 ? 1f : 0.55f;
                        m[p] = (byte) k;
                    }
                }
            }
            m[i * 64 + rnd.nextInt(64)] = (byte) Targets.Masks.IGNORE;
        }
        Targets.Masks masks = new Targets.Masks(m, 8, 8);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = masks.mostFrequent(i, 3);
        }
        return new Dataset("squares", Shape.of(1, 8, 8), x, y, 3, List.of("background", "bright", "dim"), masks);
    }

    @Test
    void aSegmenterLearnsEveryPixelsClassAndKeepsTheBestEpochByMeanIoU() {
        NetworkSpec spec = SpecIO.parse(SEGMENTER, true, "segmenter");
        Dataset train = squares(384, 1);
        Dataset val = squares(128, 2);
        assertThat(Task.of(train)).isSameAs(Segmentation.TASK);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(6).withBatchSize(32).withLearningRate(0.05);
        try (Network net = Network.create(spec, Weights.initial(spec, 3))) {
            double before = Segmentation.TASK.quality(net, val, 64);
            TrainResult r = Trainer.train(net, train, val, cfg, TrainListener.SILENT);
            PixelCounts after = Segmentation.counts(net, val, 64);
            assertThat(after.meanIoU()).isGreaterThan(80).isGreaterThan(before + 30);
            assertThat(after.pixelAccuracy()).isGreaterThan(90);
            assertThat(after.labelled()).isEqualTo(128 * 63); // one ignored pixel per image
            assertThat(r.bestValidationQuality()).isEqualTo(after.meanIoU());
            assertThat(r.epochs().get(5).trainTop1()).isGreaterThan(80); // per-pixel accuracy of the batches
        }
    }

    @Test
    void augmentationAndATeacherWorkPerPixel() {
        NetworkSpec spec = SpecIO.parse(SEGMENTER, true, "segmenter");
        Dataset train = squares(384, 3);
        Dataset val = squares(128, 4);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(6).withBatchSize(32).withLearningRate(0.05);
        try (Network teacher = Network.create(spec, Weights.initial(spec, 5))) {
            Trainer.train(teacher, train, val, cfg, TrainListener.SILENT);
            assertThat(Segmentation.TASK.quality(teacher, val, 64)).isGreaterThan(80);
            Distillation d = Distillation.of(teacher, train, 0.5, 2.0);
            assertThat(d.targets()).isNull(); // scored per batch, not precomputed
            // a batch's targets are softmax(teacher logits / T) over the classes at every pixel
            float[] x = java.util.Arrays.copyOf(train.x(), 8 * 64);
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                float[] soft = d.targetsOf(teacher, m.create(x, new ai.djl.ndarray.types.Shape(
                        train.sampleShape().withBatch(8)))).toFloatArray();
                assertThat(soft).hasSize(8 * 3 * 64);
                float[] ref = m.create(teacher.predict(x, 8), new ai.djl.ndarray.types.Shape(8, 3, 8, 8)).div(2f)
                        .softmax(1).toFloatArray();
                for (int i = 0; i < ref.length; i++) {
                    assertThat(soft[i]).isCloseTo(ref[i], org.assertj.core.api.Assertions.within(1e-6f));
                }
            }
            // (at this size the teacher's soft maps teach less than the labels: measured 59 % against 73 % without
            // it, so the student is only held to learning)
            try (Network student = Network.create(spec, Weights.initial(spec, 6))) {
                double before = Segmentation.TASK.quality(student, val, 64);
                Trainer.train(student, train, val, cfg.withAugmentation(1, true), d, TrainListener.SILENT);
                assertThat(Segmentation.TASK.quality(student, val, 64)).isGreaterThan(50).isGreaterThan(before + 20);
            }
        }
    }

    @Test
    void theTeachersScoresAreSoftenedPerPixelAndMatchingThemCostsNothing() {
        // 2 samples x 3 classes x 4 pixels, laid out [N, C, H, W] as the network outputs them
        float[] scores = new float[24];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.sin(i * 1.7) * 3;
        }
        float[] soft = new float[24];
        for (int n = 0; n < 2; n++) {
            for (int p = 0; p < 4; p++) {
                Distillation.softmax(scores, n * 12 + p, 3, 4, 2.0, soft, n * 12 + p);
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += soft[n * 12 + c * 4 + p];
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
            }
        }
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray logits = m.create(scores, new ai.djl.ndarray.types.Shape(2, 3, 2, 2));
            ai.djl.ndarray.NDArray targets = m.create(soft, new ai.djl.ndarray.types.Shape(2, 3, 2, 2));
            assertThat(Segmentation.TASK.distillationLoss(logits, targets, 2.0).getFloat())
                    .isCloseTo(0f, org.assertj.core.api.Assertions.within(1e-5f));
            assertThat(Segmentation.TASK.distillationLoss(logits.neg(), targets, 2.0).getFloat()).isGreaterThan(0.1f);
            // the loss leaves the ignored pixel out: a wrong score there costs nothing
            byte[] truth = {0, 1, 2, (byte) 255, 0, 1, 2, 0};
            int[] t = new int[8];
            for (int i = 0; i < 8; i++) {
                t[i] = truth[i] & 0xFF;
            }
            ai.djl.ndarray.NDArray masks = m.create(t, new ai.djl.ndarray.types.Shape(2, 2, 2));
            float base = Segmentation.TASK.loss(new NDList(logits), masks, 3, 0).getFloat();
            float[] changed = scores.clone();
            changed[3] += 5; // sample 0, class 0, pixel 3: the ignored one
            assertThat(Segmentation.TASK.loss(new NDList(m.create(changed, new ai.djl.ndarray.types.Shape(2, 3, 2, 2))), masks, 3, 0)
                    .getFloat()).isEqualTo(base);
            changed[3] -= 5;
            changed[2] += 5; // pixel 2 of sample 0 is labelled 2: more score for class 0 costs
            assertThat(Segmentation.TASK.loss(new NDList(m.create(changed, new ai.djl.ndarray.types.Shape(2, 3, 2, 2))), masks, 3, 0)
                    .getFloat()).isGreaterThan(base);
        }
    }

    @Test
    void cropsAndFlipsMoveTheMasksWithTheirImages() {
        Dataset d = squares(16, 7);
        float[] x = d.x().clone();
        int[] m = new int[16 * 64];
        for (int i = 0; i < m.length; i++) {
            m[i] = ((Targets.Masks) d.targets()).pixels()[i] & 0xFF;
        }
        Augment.apply(x, m, 16, d.sampleShape(), 2, true, new SplittableRandom(1));
        int padded = 0;
        for (int p = 0; p < m.length; p++) {
            // the classes still sit on their pixels: bright on 1, dim on 0.55, padding ignored and black
            if (m[p] == 1) {
                assertThat(x[p]).isEqualTo(1f);
            } else if (m[p] == 2) {
                assertThat(x[p]).isEqualTo(0.55f);
            } else if (m[p] == 0) {
                assertThat(x[p]).isLessThan(0.2f);
            } else {
                padded += x[p] == 0f ? 1 : 0;
            }
        }
        assertThat(padded).isGreaterThan(16); // crops at up to 2 pixels do pad
    }

    @Test
    void aClassifierCannotTrainOnMasks() {
        NetworkSpec classifier = SpecIO.parse(TrainerTest.TINY, true, "tiny");
        try (Network net = Network.create(classifier, Weights.initial(classifier, 1))) {
            assertThatThrownBy(() -> Trainer.train(net, squares(32, 1), null, TrainConfig.defaults().withEpochs(1),
                    TrainListener.SILENT)).isInstanceOf(UserError.class)
                    .hasMessageContaining("a segmentation network outputs [3x8x8]");
        }
    }
}

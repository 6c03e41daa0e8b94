package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.metrics.Accuracy;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistillationTest {
    @Test
    void aStudentLearnsTheTeachersFunctionEvenFromWrongLabels() {
        NetworkSpec spec = SpecIO.parse(TrainerTest.TINY, true, "tiny");
        Dataset train = TrainerTest.quadrants(512, 1);
        Dataset val = TrainerTest.quadrants(256, 2);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(6).withBatchSize(32).withLearningRate(0.05);
        // the same images with labels drawn at random: nothing to learn from the labels
        int[] wrong = new int[train.size()];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = rnd.nextInt(4);
        }
        Dataset noisy = new Dataset("noisy", train.sampleShape(), train.x(), wrong, 4, train.classNames());
        try (Network teacher = Network.create(spec, Weights.initial(spec, 3))) {
            Trainer.train(teacher, train, null, cfg, TrainListener.SILENT);
            assertThat(Accuracy.top1(teacher, val, 64)).isGreaterThan(80);
            Distillation d = Distillation.of(teacher, noisy, 1.0, 2.0);
            double fromTeacher;
            double fromLabels;
            try (Network student = Network.create(spec, Weights.initial(spec, 4))) {
                Trainer.train(student, noisy, null, cfg, d, TrainListener.SILENT);
                fromTeacher = Accuracy.top1(student, val, 64);
            }
            try (Network student = Network.create(spec, Weights.initial(spec, 4))) {
                Trainer.train(student, noisy, null, cfg, TrainListener.SILENT);
                fromLabels = Accuracy.top1(student, val, 64);
            }
            assertThat(fromTeacher).isGreaterThan(75);
            assertThat(fromLabels).isLessThan(50);
        }
    }

    @Test
    void withAugmentationTheTeacherScoresTheSamplesAsTheStudentSeesThem() {
        NetworkSpec spec = SpecIO.parse(TrainerTest.TINY, true, "tiny");
        Dataset train = TrainerTest.quadrants(512, 1);
        Dataset val = TrainerTest.quadrants(256, 2);
        TrainConfig cfg = TrainConfig.defaults().withEpochs(6).withBatchSize(32).withLearningRate(0.05);
        try (Network teacher = Network.create(spec, Weights.initial(spec, 3))) {
            Trainer.train(teacher, train, null, cfg, TrainListener.SILENT);
            assertThat(Accuracy.top1(teacher, val, 64)).isGreaterThan(80);
            // a flip moves the patch to the other side, so the mirrored sample belongs to the mirrored class:
            // the unflipped sample's targets would teach the wrong side half the time (about 50 % top-1)
            Distillation d = Distillation.of(teacher, train, 1.0, 2.0);
            try (Network student = Network.create(spec, Weights.initial(spec, 4))) {
                Trainer.train(student, train, null, cfg.withAugmentation(0, true), d, TrainListener.SILENT);
                assertThat(Accuracy.top1(student, val, 64)).isGreaterThan(80);
            }
        }
    }

    @Test
    void targetsAreTheTeachersSoftenedProbabilities() {
        float[] scores = {2f, 0f, -1f, 1f};
        float[] sharp = new float[4];
        float[] soft = new float[4];
        Distillation.softmax(scores, 0, 4, 1, 1.0, sharp, 0);
        Distillation.softmax(scores, 0, 4, 1, 4.0, soft, 0);
        double sum = 0;
        for (float v : soft) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
        assertThat(sharp[0]).isCloseTo((float) (Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-1) + Math.exp(1))),
                within(1e-6f));
        // a higher temperature spreads the probability over the other classes
        assertThat(soft[0]).isLessThan(sharp[0]);
        assertThat(soft[2]).isGreaterThan(sharp[2]);
    }

    @Test
    void distillationLossIsZeroWhenTheStudentMatchesTheTeacher() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            float[] scores = {2f, 0f, -1f, 1f, 0.5f, 0.5f, 3f, -2f};
            float[] t = new float[8];
            Distillation.softmax(scores, 0, 4, 1, 3.0, t, 0);
            Distillation.softmax(scores, 4, 4, 1, 3.0, t, 4);
            var logits = m.create(scores, new ai.djl.ndarray.types.Shape(2, 4));
            var targets = m.create(t, new ai.djl.ndarray.types.Shape(2, 4));
            assertThat(dev.gensynth.task.Classification.TASK.distillationLoss(logits, targets, 3.0).getFloat()).isCloseTo(0f, within(1e-5f));
            var other = m.create(new float[] {0f, 2f, -1f, 1f, 0.5f, 0.5f, -2f, 3f}, new ai.djl.ndarray.types.Shape(2, 4));
            assertThat(dev.gensynth.task.Classification.TASK.distillationLoss(other, targets, 3.0).getFloat()).isGreaterThan(0.1f);
        }
    }

    @Test
    void badSettingsAreUserErrors() {
        assertThatThrownBy(() -> Distillation.check(0, 4)).isInstanceOf(UserError.class)
                .hasMessageContaining("weight");
        assertThatThrownBy(() -> Distillation.check(0.5, -1)).isInstanceOf(UserError.class)
                .hasMessageContaining("temperature");
    }
}

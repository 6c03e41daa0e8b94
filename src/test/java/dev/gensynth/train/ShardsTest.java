package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.task.Classification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {
    private static final String NO_NORM = """
            name: nonorm
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1}
              - {name: r1, kind: relu}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 4}
            """;
    private static final String NORM_FIRST = """
            name: normfirst
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: b0, kind: batchnorm}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 4}
            """;
    private static final Shards.LossFunction CE = (outputs, labels, soft) -> Classification.crossEntropy(outputs.get(0), labels,
            4, 0);

    /** Every parameter's gradient after one pass over {@code batch} samples, and the running statistics. */
    private static Map<String, float[]> gradients(String yaml, int shards, boolean sideBySide, int batch) {
        return gradients(yaml, shards, sideBySide, batch, false);
    }

    /**
     * As above; {@code taught}: a teacher (the same architecture, other weights) scores each shard's rows on the
     * shard's thread, and the loss mixes the labels with its softened scores.
     */
    private static Map<String, float[]> gradients(String yaml, int shards, boolean sideBySide, int batch,
            boolean taught) {
        NetworkSpec spec = SpecIO.parse(yaml, true, "t");
        Dataset d = TrainerTest.quadrants(batch, 5);
        Map<String, float[]> out = new LinkedHashMap<>();
        Distillation distill = new Distillation(null, 4, 0.5, 3, spec, Weights.initial(spec, 11));
        Shards.LossFunction loss = taught ? (outputs, labels, soft) -> {
            NDArray scores = outputs.get(0);
            NDArray student = dev.gensynth.djl.Scalars.over(scores, 3).logSoftmax(1);
            NDArray kd = soft.mul(student).sum(new int[] {1}).neg().mean();
            return CE.of(outputs, labels, soft).add(kd);
        } : CE;
        try (Network net = Network.create(spec, Weights.initial(spec, 3));
                Network teacher = taught ? distill.openTeacher() : null;
                ai.djl.training.Trainer attach = net.model().newTrainer(
                        new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.l2Loss()))) {
            try (Shards s = new Shards(net, shards, Shape.of(1, 8, 8), Classification.TASK, d, sideBySide,
                    taught ? in -> distill.targetsOf(teacher, in) : null)) {
                List<Shards.Result> r = s.run(d.x(), d.y(), null, batch, loss, new TrainListener() {
                });
                assertThat(r).hasSize(shards);
                net.block().getParameters().forEach(p -> {
                    NDArray w = p.getValue().getArray();
                    if (p.getValue().requiresGradient() && w.hasGradient()) {
                        out.put(p.getKey() + "/" + p.getValue().getName() + ".grad", w.getGradient().toFloatArray());
                    }
                });
            }
            // closed: the shards' statistics are folded into the network's
            net.weights().tensors().forEach((k, t) -> out.put(k, t.data()));
        }
        return out;
    }

    /** A 2-core machine runs the shards side by side at 1 thread each; a 1-core one runs them in turn. */
    @Test
    void sideBySideGivesTheSameNumbersAsOneAfterTheOther() {
        Map<String, float[]> together = gradients(TrainerTest.TINY, 2, true, 64);
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads(); // the engine is loaded now
        Map<String, float[]> apart;
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        try {
            apart = gradients(TrainerTest.TINY, 2, false, 64);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        assertThat(together.keySet()).isEqualTo(apart.keySet()).anyMatch(k -> k.endsWith(".grad"));
        together.forEach((k, v) -> assertThat(v).as(k).containsExactly(apart.get(k)));
    }

    /** Each shard runs the teacher on its own thread: the same numbers as when the shards take turns. */
    @Test
    void aTeacherScoringEachShardGivesTheSameNumbersSideBySideAsInTurn() {
        Map<String, float[]> together = gradients(TrainerTest.TINY, 2, true, 64, true);
        int threads = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        Map<String, float[]> apart;
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        try {
            apart = gradients(TrainerTest.TINY, 2, false, 64, true);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        assertThat(together.keySet()).isEqualTo(apart.keySet()).anyMatch(k -> k.endsWith(".grad"));
        together.forEach((k, v) -> assertThat(v).as(k).containsExactly(apart.get(k)));
        // and the teacher counts: its term moves the gradients
        Map<String, float[]> untaught = gradients(TrainerTest.TINY, 2, true, 64, false);
        assertThat(untaught.entrySet()).anyMatch(e -> e.getKey().endsWith(".grad")
                && !java.util.Arrays.equals(e.getValue(), together.get(e.getKey())));
    }

    @Test
    void withoutBatchNormTwoShardsGiveTheGradientOfOnePass() {
        Map<String, float[]> two = gradients(NO_NORM, 2, true, 64);
        Map<String, float[]> one = gradients(NO_NORM, 1, false, 64);
        one.forEach((k, v) -> {
            float[] w = two.get(k);
            for (int i = 0; i < v.length; i++) {
                assertThat(w[i]).as(k + "[" + i + "]").isCloseTo(v[i], within(1e-5f + 1e-4f * Math.abs(v[i])));
            }
        });
    }

    @Test
    void runningStatisticsAreTheMeanOfTheShardsMovingAverages() {
        int batch = 64;
        Dataset d = TrainerTest.quadrants(batch, 5);
        Map<String, float[]> w = gradients(NORM_FIRST, 2, true, batch);
        // PyTorch: running = (1 - 0.1) running + 0.1 batch statistic (unbiased variance), from 0 and 1
        double[] mean = new double[2];
        double[] var = new double[2];
        for (int s = 0; s < 2; s++) {
            double sum = 0;
            double sq = 0;
            int n = batch / 2 * 64;
            for (int i = s * n; i < (s + 1) * n; i++) {
                sum += d.x()[i];
                sq += (double) d.x()[i] * d.x()[i];
            }
            mean[s] = sum / n;
            var[s] = (sq - sum * sum / n) / (n - 1);
        }
        float runningMean = w.get("b0.runningMean")[0];
        float runningVar = w.get("b0.runningVar")[0];
        assertThat((double) runningMean).isCloseTo(0.1 * (mean[0] + mean[1]) / 2, within(1e-6));
        assertThat((double) runningVar).isCloseTo(0.9 + 0.1 * (var[0] + var[1]) / 2, within(1e-5));
        assertThat(mean[0]).isNotCloseTo(mean[1], within(1e-4)); // the halves differ, so each shard counted
    }

    @Test
    void aShardHasAtLeastSixteenSamples() {
        assertThat(Shards.countFor(2, 128)).isEqualTo(2);
        assertThat(Shards.countFor(2, 31)).isEqualTo(1);
        assertThat(Shards.countFor(2, 8)).isEqualTo(1);
        assertThat(Shards.countFor(1, 128)).isEqualTo(1);
    }

    @Test
    void recipesSayHowManyShards() {
        TrainConfig d = TrainConfig.defaults();
        assertThat(d.shards()).isEqualTo(2);
        assertThat(d.withShards(0).shards()).isEqualTo(2); // absent from a file
        assertThat(d.withShards(1).shards()).isEqualTo(1);
        assertThatThrownBy(() -> d.withShards(3)).isInstanceOf(UserError.class).hasMessageContaining("'shards'");
    }
}

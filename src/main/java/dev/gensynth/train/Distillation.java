package dev.gensynth.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.djl.Scalars;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.task.Task;

/**
 * Knowledge distillation from a teacher (in synthesis: the trained prototype) while training a
 * smaller network: the loss becomes {@code (1 - weight) · CE(labels) + weight · T² · KL(teacher's
 * softened scores ‖ the student's)}. Cut networks start close to their parent; the teacher's full score vectors
 * tell them more per sample than the labels do, so they recover faster from each cut.
 *
 * <p>A classifier's scores are computed once for the whole training split, so that without
 * augmentation distillation costs one inference pass of the teacher, not one per training step. A
 * segmentation teacher scores every pixel ({@code classes × H × W} per sample, hundreds of megabytes
 * for a split), so it scores each batch instead, softened per pixel.
 * A recipe with augmentation shows the student samples the teacher never scored (a flip can even
 * change which class a sample looks like), so there the trainer runs the teacher on every augmented
 * batch instead: one teacher forward pass per step.
 *
 * @param targets softmax(teacher scores / T) of every training sample, {@code classes} per sample; null
 *     when the teacher scores each batch
 * @param weight share of the distillation term in the loss, in (0, 1]
 * @param teacherSpec the teacher, with {@code teacherWeights}, for scoring augmented batches
 */
public record Distillation(float[] targets, int classes, double weight, double temperature, NetworkSpec teacherSpec,
        Weights teacherWeights) {
    public Distillation {
        check(weight, temperature);
    }

    /** The settings' bounds, checked where a config is read as well as here. */
    public static void check(double weight, double temperature) {
        if (!(weight > 0 && weight <= 1) || !(temperature > 0)) {
            throw new UserError("distill: weight must be in (0, 1] and temperature > 0 (got " + weight + ", "
                    + temperature + ")");
        }
    }

    /** Softened teacher scores for every sample of {@code data}, in its order (for a classifier). */
    public static Distillation of(Network teacher, Dataset data, double weight, double temperature) {
        int per = (int) data.sampleShape().elements();
        int k = data.classes();
        if (Task.of(data).teacherScoresEachBatch()) {
            return new Distillation(null, k, weight, temperature, teacher.spec(), teacher.weights());
        }
        float[] t = new float[data.size() * k];
        int batch = 256;
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            float[] x = new float[n * per];
            System.arraycopy(data.x(), start * per, x, 0, n * per);
            float[] scores = teacher.predict(x, n);
            if (scores.length != n * k) {
                throw new UserError("distill: teacher '" + teacher.spec().name() + "' gives " + scores.length / n
                        + " scores per sample but dataset " + data.name() + " has " + k + " classes");
            }
            soften(scores, n, k, temperature, t, start);
        }
        return new Distillation(t, k, weight, temperature, teacher.spec(), teacher.weights());
    }

    /** The teacher, runnable, to score augmented batches (owns native memory; close it). */
    Network openTeacher() {
        return Network.create(teacherSpec, teacherWeights);
    }

    /**
     * The teacher's targets for a batch already in native memory ({@code input}): softmax(scores / T) over the channels of
     * its first output, or, for a teacher with several outputs (a detector's heatmap, size and offset maps), all of
     * them as they are, one after the other along the channels (its heatmap is already a probability, and its box maps
     * are no scores to soften). Computed without autograd, so that each shard scores its own rows on its own thread and
     * the maps never travel to Java and back. A 92 M-MAC resunet teaching one of 35 M: 1.04 s a step of 128 canvases
     * (median of 3 runs of 10 steps; 0.37-0.46 s untaught), where scoring on one thread and softening pixel by pixel
     * in Java took 1.23 s. The teacher's inner maps are freed before the student's pass (only the targets join the
     * input's manager), or they would stay allocated through its forward and backward passes.
     */
    NDArray targetsOf(Network teacher, NDArray input) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        NDManager owner = input.getManager();
        try (NDManager scratch = owner.newSubManager()) {
            input.tempAttach(scratch); // back to its owner when scratch closes
            NDList out = teacher.forward(input);
            NDArray t = out.size() > 1 ? NDArrays.concat(out, 1) : Scalars.over(out.get(0), temperature).softmax(1);
            t.attach(owner);
            return t;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Softmax(scores / T) over the {@code k} classes of each of {@code n} rows, into {@code out} from row {@code toRow}. */
    private static void soften(float[] scores, int n, int k, double temperature, float[] out, int toRow) {
        for (int i = 0; i < n; i++) {
            softmax(scores, i * k, k, 1, temperature, out, (toRow + i) * k);
        }
    }

    /** Softmax(s / T) of the {@code k} scores at {@code from}, {@code from + stride}, ... into {@code out} alike. */
    static void softmax(float[] s, int from, int k, int stride, double temperature, float[] out, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, s[from + c * stride] / temperature);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(s[from + c * stride] / temperature - max);
        }
        for (int c = 0; c < k; c++) {
            out[to + c * stride] = (float) (Math.exp(s[from + c * stride] / temperature - max) / sum);
        }
    }

    /** Copies sample {@code idx}'s targets into row {@code row} of a batch buffer. */
    void copy(int idx, float[] batch, int row) {
        System.arraycopy(targets, idx * classes, batch, row * classes, classes);
    }
}

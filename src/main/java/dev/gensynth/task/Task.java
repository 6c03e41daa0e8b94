package dev.gensynth.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import dev.gensynth.djl.Network;
import dev.gensynth.djl.Scalars;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * What a network is trained to do: the form of its targets, how a batch of them is built, the loss,
 * and the metric its quality is read in. The trainer, the evaluation and the synthesis ask the task
 * instead of assuming a classifier. A dataset's targets say which task it is for ({@link #of}).
 */
public interface Task {
    /** The task of data labelled as {@code data} is: a class per image, a class per pixel, or boxes. */
    static Task of(Dataset data) {
        Targets t = data.targets();
        return t instanceof Targets.Masks ? Segmentation.TASK
                : t instanceof Targets.Boxes ? ObjectDetection.TASK : Classification.TASK;
    }

    /** {@code classification}, {@code segmentation} or {@code detection}. */
    String name();

    /** The primary metric, in percent, that requirements, utilities and the best epoch are read in. */
    String metric();

    /** What {@link #hits} counts, as a share of the training batches shown while training runs. */
    String hitsMetric();

    /** Checks that the network's first output fits the data; a clear error naming what to change otherwise. */
    void checkFits(NetworkSpec spec, Dataset data);

    /** Target values per sample in a batch buffer: 1 label, or one class per pixel. */
    int targetsPerSample(Dataset data);

    /** Copies sample {@code sample}'s targets into row {@code row} of a batch buffer. */
    void copyTargets(Dataset data, int sample, int[] batch, int row);

    /** Whether a crop or flip of an image moves its targets with it (they are per pixel). */
    boolean targetsFollowPixels();

    /**
     * Where in a sample's row of a batch buffer a crop or flip of its image is written, as dx, dy and 1 when
     * mirrored ({@code Augment}'s moves), for targets that are not per pixel and move by reading them; -1 when the
     * targets do not need it (a class per image stays, a mask moves with its pixels).
     */
    default int moveSlot() {
        return -1;
    }

    /** Rows {@code from..from+rows} of a batch buffer, as {@link #loss} reads them. */
    NDArray upload(NDManager m, int[] batch, int from, int rows, Dataset data);

    /** The mean loss of a batch: the network's outputs (a classifier's or segmenter's first) against its targets. */
    NDArray loss(NDList outputs, NDArray targets, int classes, double smoothing);

    /**
     * T² · KL(teacher's softened scores ‖ the student's) over the classes (axis 1), averaged over
     * everything else: the samples, and a segmenter's pixels (the ignored ones too: the teacher scores
     * them). The T² keeps its gradients on the scale of the label term (Hinton et al.). KL rather than
     * cross-entropy: same gradients, but the reported loss goes to 0 as the student matches the teacher.
     */
    default NDArray distillationLoss(NDArray output, NDArray teacherTargets, double temperature) {
        NDArray logStudent = Scalars.over(output, temperature).logSoftmax(1);
        NDArray logTeacher = teacherTargets.clip(1e-12f, 1f).log();
        return Scalars.times(teacherTargets.mul(logTeacher.sub(logStudent)).sum(new int[] {1}).mean(),
                temperature * temperature);
    }

    /** The distillation loss of all the student's outputs; a classifier's and a segmenter's read the first. */
    default NDArray distillationLoss(NDList outputs, NDArray teacherTargets, double temperature) {
        return distillationLoss(outputs.get(0), teacherTargets, temperature);
    }

    /**
     * The shape of one sample's teacher targets: the first output's (softened scores) unless a task reads more of
     * the teacher (a detector: all its maps, one after the other along the channels).
     */
    default Shape teacherShape(NetworkSpec spec) {
        return spec.shapes().get(spec.outputs().get(0));
    }

    /** Whether the teacher scores each batch rather than every sample once (its targets are too large to keep). */
    default boolean teacherScoresEachBatch() {
        return targetsFollowPixels();
    }

    /**
     * This task as it applies to network {@code spec}: itself, unless the task reads networks of different shapes
     * differently (a detector's targets are drawn at its output stride).
     */
    default Task forNetwork(NetworkSpec spec) {
        return this;
    }

    /** The network must take the data's samples as they are. */
    static void checkInput(NetworkSpec spec, Dataset data) {
        if (!spec.input().equals(data.sampleShape())) {
            throw new UserError("network '" + spec.name() + "' takes input [" + spec.input()
                    + "] but dataset " + data.name() + " has samples of [" + data.sampleShape() + "]");
        }
    }

    /**
     * {right, counted} of the arg-max over channels of {@code firstOutput}, the network's first output for rows
     * {@code from..from+rows} of a batch whose targets {@link #upload} made {@code targets}: the share of hits the
     * progress shows while training.
     */
    long[] hits(NDArray firstOutput, NDArray targets, int[] batch, int from, int rows, Dataset data);

    /** The arg-max over channels (axis 1) of {@code output}, copied to Java: a class per row, or per row and position. */
    static long[] argMax(NDArray output) {
        return Network.channelArgMax(output).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    }

    /** The primary metric of {@code net} on {@code data}, in percent. */
    double quality(Network net, Dataset data, int batchSize);

    /** The primary metric of {@code net} on {@code data}, in percent, in {@code data}'s task, in batches of 256. */
    static double qualityOf(Network net, Dataset data) {
        return of(data).quality(net, data, 256);
    }

    /** What {@code net} got right on each sample of {@code data}, for its metric and paired comparisons. */
    SampleResults judge(Network net, Dataset data, int batchSize);
}

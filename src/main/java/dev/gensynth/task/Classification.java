package dev.gensynth.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.metrics.Accuracy;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.Arrays;

/** One class per image, scored by top-1 accuracy; softmax cross-entropy with optional label smoothing. */
public final class Classification implements Task {
    public static final Classification TASK = new Classification();

    private Classification() {
    }

    @Override
    public String name() {
        return "classification";
    }

    @Override
    public String metric() {
        return "top-1";
    }

    @Override
    public String hitsMetric() {
        return "top-1";
    }

    /** A classifier's output must have one score per class of the data, and its input the data's shape. */
    @Override
    public void checkFits(NetworkSpec spec, Dataset data) {
        Shape out = spec.shapes().get(spec.outputs().get(0));
        Task.checkInput(spec, data);
        if (!out.equals(Shape.of(data.classes()))) {
            throw new UserError("network '" + spec.name() + "' outputs [" + out + "] but dataset " + data.name()
                    + " has " + data.classes() + " classes; set the last layer's 'out' to " + data.classes());
        }
    }

    @Override
    public int targetsPerSample(Dataset data) {
        return 1;
    }

    @Override
    public void copyTargets(Dataset data, int sample, int[] batch, int row) {
        batch[row] = data.y()[sample];
    }

    @Override
    public boolean targetsFollowPixels() {
        return false;
    }

    @Override
    public NDArray upload(NDManager m, int[] batch, int from, int rows, Dataset data) {
        return m.create(Arrays.copyOfRange(batch, from, from + rows));
    }

    @Override
    public NDArray loss(NDList outputs, NDArray labels, int classes, double smoothing) {
        return crossEntropy(outputs.get(0), labels, classes, smoothing);
    }

    /** Softmax cross-entropy with optional label smoothing, averaged over the batch. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, int classes, double smoothing) {
        NDArray logp = logits.logSoftmax(1);
        NDArray target = labels.oneHot(classes);
        if (smoothing > 0) {
            target = target.mul(1 - smoothing).add(smoothing / classes);
        }
        return logp.mul(target).sum(new int[] {1}).mean().neg();
    }

    @Override
    public long[] hits(NDArray firstOutput, NDArray targets, int[] batch, int from, int rows, Dataset data) {
        long[] predictions = Task.argMax(firstOutput);
        long right = 0;
        for (int i = 0; i < rows; i++) {
            right += predictions[i] == batch[from + i] ? 1 : 0;
        }
        return new long[] {right, rows};
    }

    @Override
    public double quality(Network net, Dataset data, int batchSize) {
        return Accuracy.top1(net, data, batchSize);
    }

    @Override
    public SampleResults judge(Network net, Dataset data, int batchSize) {
        return new Hits(Accuracy.correct(net, data, batchSize));
    }

    /** Which images a network classifies right: top-1, and the paired error of a top-1 difference. */
    public record Hits(boolean[] right) implements SampleResults {
        @Override
        public double quality() {
            return Accuracy.percent(right);
        }

        @Override
        public int size() {
            return right.length;
        }

        /** A binomial proportion's, at {@code at} (kept within 1..99 %, where the estimate means something). */
        @Override
        public double standardError(double at) {
            double p = Double.isNaN(at) ? 0.5 : Math.min(0.99, Math.max(0.01, at / 100));
            return 100 * Math.sqrt(p * (1 - p) / Math.max(1, right.length));
        }

        /** The standard error of the mean per-image difference in correctness (0 or ±1). */
        @Override
        public double pairedError(SampleResults other) {
            boolean[] b = ((Hits) other).right;
            int n = right.length;
            if (b.length != n) {
                throw new IllegalArgumentException("paired over " + n + " and " + b.length + " images");
            }
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                int d = (right[i] ? 1 : 0) - (b[i] ? 1 : 0);
                sum += d;
                sq += d * d;
            }
            double mean = sum / n;
            double var = n > 1 ? (sq - n * mean * mean) / (n - 1) : 0;
            return 100 * Math.sqrt(Math.max(0, var) / n);
        }
    }
}

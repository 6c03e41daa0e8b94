package dev.gensynth.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.NativeGate;
import dev.gensynth.djl.Network;

/** Accuracy of a network on a dataset, in inference mode, batch by batch. */
public final class Accuracy {
    private Accuracy() {
    }

    /** Top-1 accuracy in percent. */
    public static double top1(Network net, Dataset data, int batchSize) {
        return percent(correct(net, data, batchSize));
    }

    /** The share of {@code right} that is true, in percent (0 for none). */
    public static double percent(boolean[] right) {
        long c = 0;
        for (boolean r : right) {
            c += r ? 1 : 0;
        }
        return right.length == 0 ? 0 : 100.0 * c / right.length;
    }

    /** Which samples the network classifies right: for paired comparisons of two networks on the same images. */
    public static boolean[] correct(Network net, Dataset data, int batchSize) {
        boolean[] right = new boolean[data.size()];
        int per = (int) data.sampleShape().elements();
        try (NativeGate.Region gate = NativeGate.JVM.enter()) {
            for (int start = 0; start < data.size(); start += batchSize) {
                NativeGate.JVM.between();
                correct(net, data, start, Math.min(batchSize, data.size() - start), per, right);
            }
        }
        return right;
    }

    /** Marks which of the {@code n} samples from {@code start} the network classifies right. */
    private static void correct(Network net, Dataset data, int start, int n, int per, boolean[] right) {
        float[] x = new float[n * per];
        System.arraycopy(data.x(), start * per, x, 0, n * per);
        try (NDManager m = net.model().getNDManager().newSubManager()) {
            NDArray in = m.create(x, new ai.djl.ndarray.types.Shape(data.sampleShape().withBatch(n)));
            long[] pred = net.forward(in).get(0).argMax(1).toType(ai.djl.ndarray.types.DataType.INT64, false)
                    .toLongArray();
            for (int i = 0; i < n; i++) {
                right[start + i] = pred[i] == data.y()[start + i];
            }
        }
    }
}

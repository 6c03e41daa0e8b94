package dev.gensynth.metrics;

import dev.gensynth.data.Dataset;
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
        int[] y = data.y();
        net.argMax(data, batchSize, (start, n, pred) -> {
            for (int i = 0; i < n; i++) {
                right[start + i] = pred[i] == y[start + i];
            }
        });
        return right;
    }
}

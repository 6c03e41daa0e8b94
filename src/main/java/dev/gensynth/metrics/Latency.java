package dev.gensynth.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gensynth.djl.NativeGate;
import dev.gensynth.djl.Network;
import java.util.Arrays;

/**
 * Batch-1 CPU latency as GENSYNTH.md defines it: the median wall time of one forward pass
 * after warm-up, with the intra-op thread count stated next to it.
 */
public final class Latency {
    private Latency() {
    }

    public record Measurement(double medianMs, int threads, int runs) {
    }

    /** Intra-op threads PyTorch was told to use (the launcher sets the property). */
    public static int threads() {
        String t = System.getProperty("ai.djl.pytorch.num_threads");
        return t == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(t.trim());
    }

    public static Measurement measure(Network net, int warmup, int runs) {
        double[] ms = new double[runs];
        try (NativeGate.Region gate = NativeGate.JVM.enter();
                NDManager m = net.model().getNDManager().newSubManager()) {
            NDArray x = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(net.spec().input().withBatch(1)));
            for (int i = 0; i < warmup + runs; i++) {
                NativeGate.JVM.between();
                try (NDManager step = m.newSubManager()) {
                    NDArray in = x.duplicate();
                    in.attach(step);
                    long t0 = System.nanoTime();
                    net.forward(in).get(0).toFloatArray(); // forces the result to be computed
                    long t1 = System.nanoTime();
                    if (i >= warmup) {
                        ms[i - warmup] = (t1 - t0) / 1e6;
                    }
                }
            }
        }
        return new Measurement(median(ms), threads(), runs);
    }

    /** The median of {@code v} (the mean of the middle two for an even count; 0 for none). */
    public static double median(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}

package dev.gensynth.inquisitor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.DepthwiseGradients;
import dev.gensynth.djl.NativeGate;
import dev.gensynth.djl.Network;
import dev.gensynth.generator.StructuralUnit;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.task.Task;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import java.util.List;
import dev.gensynth.train.Trainer;

/**
 * A reaction Y of a network to stimuli X: how much each channel matters. First-order Taylor
 * importance (Molchanov et al., 2019): for every parameter slice that belongs to a channel
 * (its filters, biases and batch-norm scale and shift), the squared sum of weight × gradient
 * of the loss on a batch estimates the loss change if the channel were removed; summed over
 * the channel's slices and averaged over batches. The forward pass runs in inference mode so
 * observing a network never changes its batch-norm statistics.
 */
public final class Importance {
    private Importance() {
    }

    public static double[][] taylor(Network net, ChannelGroups groups, Dataset stimuli, int batchSize) {
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new double[groups.width(g)];
        }
        int batches = 0;
        for (int start = 0; start + batchSize <= stimuli.size(); start += batchSize) {
            try (NativeGate.Region gate = NativeGate.JVM.enter();
                    NDManager m = net.model().getNDManager().newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ai.djl.util.PairList<String, Object> options = new ai.djl.util.PairList<>();
                DepthwiseGradients depthwise = DepthwiseGradients.addTo(options);
                gc.backward(loss(net, m, stimuli, start, batchSize, options));
                depthwise.backward();
            }
            for (Layer l : groups.spec().layers()) {
                if (l instanceof Conv || l instanceof Linear) {
                    int g = groups.groupOf(l.name());
                    if (g >= 0) {
                        accumulate(imp[g], net.block().parameter(l.name() + ".weight"));
                        accumulate(imp[g], net.block().parameter(l.name() + ".bias"));
                    }
                } else if (l instanceof BatchNorm) {
                    int g = groups.groupOf(l.name());
                    if (g >= 0) {
                        accumulate(imp[g], net.block().parameter(l.name() + ".gamma"));
                        accumulate(imp[g], net.block().parameter(l.name() + ".beta"));
                    }
                }
            }
            Trainer.zeroGradients(net);
            batches++;
        }
        for (double[] row : imp) {
            for (int c = 0; c < row.length; c++) {
                row[c] /= Math.max(1, batches);
            }
        }
        return imp;
    }

    /**
     * How much each structural unit of the given kinds matters: the rise of the mean loss on the stimuli
     * when the network runs with that one unit changed (a block left out, an operator replaced by its
     * inherited approximation; all other weights unchanged, batch norm in inference mode). Measured, not a
     * first-order estimate: such a change is no small perturbation.
     */
    public static java.util.Map<String, Double> unitLoss(NetworkSpec spec, dev.gensynth.model.Weights weights,
            java.util.Set<StructuralUnit.Kind> kinds, Dataset stimuli, int batchSize) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        List<StructuralUnit> units = StructuralUnit.of(spec, kinds);
        if (units.isEmpty()) {
            return out;
        }
        double base = meanLoss(spec, weights, stimuli, batchSize);
        for (StructuralUnit u : units) {
            StructuralUnit.Changed c = u.change(spec, weights);
            out.put(u.key(), meanLoss(c.spec(), c.weights(), stimuli, batchSize) - base);
        }
        return out;
    }

    private static double meanLoss(NetworkSpec spec, dev.gensynth.model.Weights weights, Dataset stimuli,
            int batchSize) {
        double sum = 0;
        int n = 0;
        try (Network net = Network.create(spec, weights)) {
            for (int start = 0; start + batchSize <= stimuli.size(); start += batchSize) {
                try (NativeGate.Region gate = NativeGate.JVM.enter();
                        NDManager m = net.model().getNDManager().newSubManager()) {
                    sum += loss(net, m, stimuli, start, batchSize, null).getFloat() * batchSize;
                    n += batchSize;
                }
            }
        }
        return sum / Math.max(1, n);
    }

    /**
     * The task's mean loss on the batch of stimuli at {@code start} (cross-entropy per image or per labelled
     * pixel), the forward pass in inference mode.
     */
    private static NDArray loss(Network net, NDManager m, Dataset stimuli, int start, int batchSize,
            ai.djl.util.PairList<String, Object> options) {
        int per = (int) stimuli.sampleShape().elements();
        float[] x = new float[batchSize * per];
        System.arraycopy(stimuli.x(), start * per, x, 0, batchSize * per);
        Task task = Task.of(stimuli).forNetwork(net.spec());
        int[] targets = new int[batchSize * task.targetsPerSample(stimuli)];
        for (int i = 0; i < batchSize; i++) {
            task.copyTargets(stimuli, start + i, targets, i);
        }
        NDArray in = m.create(x, new ai.djl.ndarray.types.Shape(stimuli.sampleShape().withBatch(batchSize)));
        NDList out = net.block().forward(new ParameterStore(m, false), new NDList(in), false, options);
        return task.loss(out, task.upload(m, targets, 0, batchSize, stimuli), stimuli.classes(), 0);
    }

    /** Adds (Σ w·∂L/∂w over each output channel's slice)² to the channel's importance. */
    private static void accumulate(double[] imp, Parameter p) {
        if (p == null || !p.getArray().hasGradient()) {
            return;
        }
        NDArray w = p.getArray();
        float[] wv = w.toFloatArray();
        float[] gv;
        try (NDArray g = w.getGradient()) {
            gv = g.toFloatArray();
        }
        int per = wv.length / imp.length;
        for (int c = 0; c < imp.length; c++) {
            double s = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                s += (double) wv[i] * gv[i];
            }
            imp[c] += s * s;
        }
    }
}

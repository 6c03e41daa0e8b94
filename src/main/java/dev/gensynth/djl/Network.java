package dev.gensynth.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.gensynth.data.Dataset;
import dev.gensynth.engine.EngineCheck;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;

/**
 * A spec made runnable: a DJL model whose block is a {@link SpecBlock}, holding the given
 * weights. Owns native memory; close it.
 */
public final class Network implements AutoCloseable {
    private final Model model;
    private final SpecBlock block;

    private Network(Model model, SpecBlock block) {
        this.model = model;
        this.block = block;
    }

    /**
     * @throws dev.gensynth.UserError when the engine's kernels fail the self-check on this machine
     *     ({@link EngineCheck}): no network is built on kernels that compute wrong numbers
     */
    public static Network create(NetworkSpec spec, Weights weights) {
        EngineCheck.ensure();
        SpecBlock block = new SpecBlock(spec);
        Model model = Model.newInstance(spec.name(), "PyTorch");
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32,
                new ai.djl.ndarray.types.Shape(spec.input().withBatch(1)));
        block.setWeights(weights);
        return new Network(model, block);
    }

    public Model model() {
        return model;
    }

    public SpecBlock block() {
        return block;
    }

    public NetworkSpec spec() {
        return block.spec();
    }

    public Weights weights() {
        return block.weights();
    }

    /** Inference-mode forward pass; the outputs live in the input's manager. */
    public NDList forward(NDArray input) {
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        return block.forward(ps, new NDList(input), false);
    }

    /** Inference on a batch held in plain memory (NCHW floats); returns the first output's values. */
    public float[] predict(float[] batch, int n) {
        try (NativeGate.Region gate = NativeGate.JVM.enter();
                NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.create(batch, new ai.djl.ndarray.types.Shape(spec().input().withBatch(n)));
            return forward(x).get(0).toFloatArray();
        }
    }

    /** Inference on a batch held in plain memory (NCHW floats); every output's values, in order. */
    public float[][] predictAll(float[] batch, int n) {
        try (NativeGate.Region gate = NativeGate.JVM.enter();
                NDManager m = model.getNDManager().newSubManager()) {
            NDList out = forward(m.create(batch, new ai.djl.ndarray.types.Shape(spec().input().withBatch(n))));
            float[][] values = new float[out.size()][];
            for (int o = 0; o < values.length; o++) {
                values[o] = out.get(o).toFloatArray();
            }
            return values;
        }
    }

    /**
     * The arg-max over channels (axis 1) of {@code output}. A map's is taken along the last axis of its [N, H, W, C]
     * layout (a view when the network ran channels-last, else a copy): libtorch's arg-max along axis 1 of an NCHW
     * map of 128 x 11 x 64 x 64 took 110 ms, along the last axis of the copy 10.
     */
    public static NDArray channelArgMax(NDArray output) {
        ai.djl.ndarray.types.Shape s = output.getShape();
        return s.dimension() != 4 ? output.argMax(1)
                : output.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1)).argMax(3);
    }

    /** One batch of {@link #argMax}: its first sample's index, its size, and the classes. */
    @FunctionalInterface
    public interface Classes {
        void accept(int start, int n, long[] classes);
    }

    /**
     * The arg-max over channels of the first output, batch by batch over {@code data} in inference mode: one
     * class per sample for a classifier, one per pixel (sample-major) for a dense output.
     */
    public void argMax(Dataset data, int batchSize, Classes out) {
        batches(data, batchSize, (start, n, outputs) ->
                out.accept(start, n, channelArgMax(outputs.get(0)).toType(DataType.INT64, false).toLongArray()));
    }

    /** One batch of {@link #outputs}: its first sample's index, its size, and every output's values, in order. */
    @FunctionalInterface
    public interface Outputs {
        void accept(int start, int n, float[][] outputs);
    }

    /** Every output's values, batch by batch over {@code data} in inference mode (a detector's maps, say). */
    public void outputs(Dataset data, int batchSize, Outputs out) {
        batches(data, batchSize, (start, n, outputs) -> {
            float[][] values = new float[outputs.size()][];
            for (int o = 0; o < values.length; o++) {
                values[o] = outputs.get(o).toFloatArray();
            }
            out.accept(start, n, values);
        });
    }

    private interface Batch {
        void accept(int start, int n, NDList outputs);
    }

    private void batches(Dataset data, int batchSize, Batch out) {
        int per = data.sampleElements();
        try (NativeGate.Region gate = NativeGate.JVM.enter()) {
            for (int start = 0; start < data.size(); start += batchSize) {
                NativeGate.JVM.between();
                int n = Math.min(batchSize, data.size() - start);
                float[] x = new float[n * per];
                System.arraycopy(data.x(), start * per, x, 0, n * per);
                try (NDManager m = model.getNDManager().newSubManager()) {
                    NDArray in = m.create(x, new ai.djl.ndarray.types.Shape(data.sampleShape().withBatch(n)));
                    out.accept(start, n, forward(in));
                }
            }
        }
    }

    @Override
    public void close() {
        model.close();
    }
}

package dev.gensynth.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.DepthwiseGradients;
import dev.gensynth.djl.NativeGate;
import dev.gensynth.djl.Network;
import dev.gensynth.djl.Scalars;
import dev.gensynth.djl.SpecBlock;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.Task;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The forward and backward passes of one training batch, split into shards of consecutive rows:
 * each shard is its own pass with its own batch-norm statistics ("ghost batch norm", Hoffer et al.
 * 2017), and their gradients add up on the shared weights. Each shard's loss is its mean weighted
 * by its share of the batch, so the summed gradient is that of the batch's mean loss.
 *
 * <p>Why: on 2 cores libtorch's kernels at 2 threads run a small network's step only 1.1-1.3x
 * faster than at 1 thread (channels-last batch norm is even slower at 2), while two passes over
 * half the batch at 1 thread each, side by side, take about as long as one of them alone. So when
 * there are at least as many native threads as shards, the shards run at the same time with an
 * equal share of the threads each; otherwise (1 thread) one after the other. Either way each
 * shard runs on one thread at 1 or 2 threads, so a 1-core and a 2-core machine compute the same
 * numbers, and with two shards each gradient is 0 + a + b in whichever order a and b arrive,
 * which is exact. A network with dropout runs its shards one after the other on all threads (its
 * masks come from one random generator, whose draws must keep their order).
 */
final class Shards implements AutoCloseable {
    /** Most shards a step is split into: with more, the order in which gradients add up would vary. */
    static final int MAX = 2;
    /** Fewest rows a shard's batch-norm statistics are computed over. */
    static final int MIN_ROWS = 16;

    /** What one shard's pass gives the step: its weighted loss, its {right, counted} hits, and how many rows it had. */
    record Result(float loss, long[] hits, int rows) {
    }

    /** The loss of a shard's outputs: the mean over its rows (the shard weighs it). */
    interface LossFunction {
        NDArray of(NDList outputs, NDArray labels, NDArray softTargets);
    }

    private final Network net;
    private final int count;
    private final Shape sample;
    private final Task task;
    private final Dataset data;
    /** The shape of a sample's teacher targets, without the batch axis ({@link Task#teacherShape}). */
    private final Shape outShape;
    private final int threadsBefore;
    private final ExecutorService pool;
    /** A batch's teacher targets from its input, computed in each shard; null when they come from Java or not at all. */
    private final java.util.function.UnaryOperator<NDArray> teacher;
    private final List<ParameterStore> stores = new ArrayList<>();

    /** The shards a batch of {@code batch} rows is split into for a recipe that asks for {@code wanted}. */
    static int countFor(int wanted, int batch) {
        return Math.max(1, Math.min(wanted, batch / MIN_ROWS));
    }

    /**
     * Shards of batches of {@code data}'s samples (of shape {@code sample}), whose targets {@code task} reads; each
     * pass gets its teacher targets from {@code teacher} applied to the shard's input (null: from the caller's
     * {@code soft}, or none).
     */
    Shards(Network net, int count, Shape sample, Task task, Dataset data, java.util.function.UnaryOperator<NDArray> teacher) {
        this(net, count, sample, task, data, count > 1 && JniUtils.getNumThreads() >= count
                && net.spec().layers().stream().noneMatch(l -> l instanceof dev.gensynth.spec.Dropout), teacher);
    }

    /** @param sideBySide whether shards run at the same time (else one after the other) */
    Shards(Network net, int count, Shape sample, Task task, Dataset data, boolean sideBySide) {
        this(net, count, sample, task, data, sideBySide, null);
    }

    Shards(Network net, int count, Shape sample, Task task, Dataset data, boolean sideBySide,
            java.util.function.UnaryOperator<NDArray> teacher) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException("shards must be 1.." + MAX + ", got " + count);
        }
        this.net = net;
        this.count = count;
        this.sample = sample;
        this.task = task;
        this.data = data;
        this.teacher = teacher;
        this.outShape = task.teacherShape(net.spec());
        this.threadsBefore = JniUtils.getNumThreads();
        for (int s = 0; s < count; s++) {
            stores.add(new ParameterStore(net.model().getNDManager(), false));
        }
        net.block().openShards(count);
        if (count > 1 && sideBySide) {
            int each = Math.max(1, threadsBefore / count);
            JniUtils.setNumThreads(each);
            pool = Executors.newFixedThreadPool(count - 1, r -> {
                Thread t = new Thread(r, "gensynth-shard");
                t.setDaemon(true);
                return t;
            });
            // OpenMP's thread count is per thread: the worker sets its own before any kernel runs (the
            // setting also clears libtorch's kernel cache, which must not happen while a pass runs)
            join(pool.submit(() -> {
                JniUtils.setNumThreads(each);
                return null;
            }), 1);
        } else {
            pool = null;
        }
    }

    /**
     * Forward, loss and backward of every shard of the batch {@code x} ({@code batch} samples,
     * targets {@code y} as the task lays them out, soft targets or null), in shard order. A shard whose loss is not finite
     * skips its backward pass (the caller stops the training). With one shard, {@code phases}
     * hears each part of the step as it ends; with several, whose parts overlap in time, the whole
     * counts as the forward pass.
     */
    List<Result> run(float[] x, int[] y, float[] soft, int batch, LossFunction loss, TrainListener phases) {
        if (count == 1) {
            return List.of(pass(0, x, y, soft, batch, loss, phases));
        }
        TrainListener quiet = new TrainListener() {
        };
        phases.afterPhase(StepPhase.UPLOAD);
        List<Future<Result>> pending = new ArrayList<>();
        for (int s = 1; pool != null && s < count; s++) {
            int shard = s;
            pending.add(pool.submit(() -> {
                try (NativeGate.Region gate = NativeGate.JVM.enter()) {
                    return pass(shard, x, y, soft, batch, loss, quiet);
                }
            }));
        }
        Result[] done = new Result[count];
        done[0] = pass(0, x, y, soft, batch, loss, quiet);
        for (int s = 1; s < count; s++) {
            done[s] = pool == null ? pass(s, x, y, soft, batch, loss, quiet) : join(pending.get(s - 1), s);
        }
        for (StepPhase p : List.of(StepPhase.FORWARD, StepPhase.LOSS, StepPhase.SYNC, StepPhase.BACKWARD,
                StepPhase.METRICS)) {
            phases.afterPhase(p);
        }
        return Arrays.asList(done);
    }

    private static <T> T join(Future<T> f, int shard) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while shard " + shard + " trained", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("shard " + shard + " failed", e.getCause());
        }
    }

    private Result pass(int s, float[] x, int[] y, float[] soft, int batch, LossFunction lossFn, TrainListener ph) {
        int from = (int) ((long) batch * s / count);
        int rows = (int) ((long) batch * (s + 1) / count) - from;
        int per = (int) sample.elements();
        boolean gradMode = JniUtils.isGradMode(); // per thread in PyTorch; the optimizer wants it off
        JniUtils.setGradMode(true);
        try (NDManager m = net.model().getNDManager().newSubManager()) {
            NDArray in = m.create(FloatBuffer.wrap(x, from * per, rows * per),
                    new ai.djl.ndarray.types.Shape(sample.withBatch(rows)));
            NDArray labels = task.upload(m, y, from, rows, data);
            int softPer = (int) outShape.elements();
            NDArray softTargets = teacher != null ? teacher.apply(in) : soft == null ? null
                    : m.create(FloatBuffer.wrap(soft, from * softPer, rows * softPer),
                            new ai.djl.ndarray.types.Shape(outShape.withBatch(rows)));
            ph.afterPhase(StepPhase.UPLOAD);
            PairList<String, Object> params = new PairList<>();
            params.add(SpecBlock.SHARD, s);
            DepthwiseGradients depthwise = DepthwiseGradients.addTo(params);
            NDList outputs = net.block().forward(stores.get(s), new NDList(in), true, params);
            NDArray logits = outputs.get(0);
            ph.afterPhase(StepPhase.FORWARD);
            NDArray loss = lossFn.of(outputs, labels, softTargets);
            if (count > 1) {
                loss = Scalars.times(loss, (double) rows / batch);
            }
            ph.afterPhase(StepPhase.LOSS);
            float value = loss.getFloat();
            ph.afterPhase(StepPhase.SYNC);
            if (Float.isFinite(value)) {
                JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape(), loss.getDataType()), false,
                        false);
                depthwise.backward();
            }
            ph.afterPhase(StepPhase.BACKWARD);
            long[] hits = task.hits(logits, labels, y, from, rows, data);
            ph.afterPhase(StepPhase.METRICS);
            return new Result(value, hits, rows);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Runs {@code work} (an evaluation between epochs) with every native thread the training has. */
    <T> T withAllThreads(Supplier<T> work) {
        if (pool == null) {
            return work.get();
        }
        JniUtils.setNumThreads(threadsBefore);
        try {
            return work.get();
        } finally {
            JniUtils.setNumThreads(Math.max(1, threadsBefore / count));
        }
    }

    /** Folds the shards' batch-norm statistics together (before the weights are read). */
    void merge() {
        net.block().mergeShards();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            JniUtils.setNumThreads(threadsBefore);
        }
        net.block().closeShards();
    }
}

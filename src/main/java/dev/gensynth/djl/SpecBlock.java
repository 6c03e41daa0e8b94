package dev.gensynth.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.ChannelShuffle;
import dev.gensynth.spec.ChannelSlice;
import dev.gensynth.spec.Concat;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Flatten;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.Upsample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DJL block that runs a {@link NetworkSpec}. Built from the spec, never the other way
 * round: layers with parameters become DJL child blocks (keyed by layer name here, so
 * weights map one-to-one onto spec parameter keys), everything else is a tensor operation in
 * {@link #forwardInternal}. Intermediate tensors are dropped as soon as their last reader has
 * run, which keeps the peak memory of a forward pass near that of the widest layer.
 */
public final class SpecBlock extends AbstractBlock {
    private final NetworkSpec spec;
    private final Map<String, Shape> shapes;
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, Integer> lastUse = new HashMap<>();
    /**
     * Convolutions that run in NCHW order inside a channels-last network, because oneDNN 3.1's channels-last kernels
     * for them are slow or wrong: the backward-data step of a depthwise convolution has only a reference kernel
     * (3 s a step in mobilenet_v2; in NCHW a GEMM per image and channel, which {@link DepthwiseGradients} avoids in
     * training), and the AVX-512 backward-weights kernel of a strided 1x1 convolution over fewer than 16 input
     * channels writes out of bounds (from 48x48 inputs: the JVM crashed in 2 of 6 short trainings of a generated
     * resunet and the others ended with different numbers for the same seed; the engine self-check has the case).
     */
    private final java.util.Set<String> nchwOnly = new java.util.HashSet<>();
    /**
     * The depthwise convolutions among {@link #nchwOnly}: only a backward-data step needs NCHW, so they run
     * channels-last without gradients, and so do those a pass with {@link DepthwiseGradients} defers.
     */
    private final java.util.Set<String> depthwiseNchwOnly = new java.util.HashSet<>();
    /** Whether this network runs channels-last (see {@link #CHANNELS_LAST}). */
    private final boolean channelsLast;
    /**
     * Where a pass with {@link DepthwiseGradients} cuts autograd's graph: the depthwise convolutions whose input
     * gradient it computes after the loss's backward pass ({@code deferred}: their input gets a gradient, and their
     * padding fits inside their kernel), and the tensors it cuts ({@code cuts}: those convolutions' inputs and
     * outputs, and every tensor that gets a gradient and is read twice).
     */
    private record CutPlan(java.util.Set<String> deferred, java.util.Set<String> cuts) {
    }

    /** The cuts of a pass whose input needs no gradient (training, importance). */
    private final CutPlan cutPlan;
    /** The cuts of a pass whose input needs one too (the engine self-check's gradient of the input). */
    private final CutPlan cutPlanWithInput;
    /** The batch-norm statistics of shards 1.. of a sharded training step; null when none is open. */
    private ShardStats shardStats;

    public SpecBlock(NetworkSpec spec) {
        boolean friendlyWidths = true;
        this.spec = spec;
        Map<String, List<Layer>> consumers = spec.consumers();
        this.shapes = spec.shapes();
        for (Layer l : spec.layers()) {
            Block b = childFor(l);
            if (b != null) {
                blocks.put(l.name(), addChildBlock(l.name(), b));
            }
            if (l instanceof Conv c) {
                Shape in = shapes.get(c.inputs().get(0));
                boolean depthwise = in.channels() > 1 && c.groupsFor(in) == in.channels();
                if (depthwise || c.kernel() == 1 && c.stride() > 1 && in.channels() < NARROW_STRIDED_1X1) {
                    nchwOnly.add(l.name());
                }
                if (depthwise) {
                    depthwiseNchwOnly.add(l.name());
                }
                friendlyWidths &= (c.outFor(in) % CHANNELS_LAST_MULTIPLE == 0 || !reachesConv(consumers, l.name()))
                        && (in.channels() == 1 || in.channels() % CHANNELS_LAST_MULTIPLE == 0);
            }
        }
        this.channelsLast = CHANNELS_LAST && friendlyWidths;
        this.cutPlan = planCuts(consumers, false);
        this.cutPlanWithInput = planCuts(consumers, true);
        for (int i = 0; i < spec.layers().size(); i++) {
            for (String in : spec.layers().get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
    }

    public NetworkSpec spec() {
        return spec;
    }

    /**
     * Whether tensor {@code name} is read by a convolution, directly or through layers that are not convolutions:
     * one that is not is an output head (a segmenter's class scores, a detector's maps), whose odd width costs only
     * its own convolution in channels-last order.
     */
    private static boolean reachesConv(Map<String, List<Layer>> consumers, String name) {
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(List.of(name));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            for (Layer l : consumers.getOrDefault(todo.pop(), List.of())) {
                if (l instanceof Conv) {
                    return true;
                }
                if (seen.add(l.name())) {
                    todo.push(l.name());
                }
            }
        }
        return false;
    }

    /** Where a pass with {@link DepthwiseGradients} cuts, when its input needs a gradient or not. */
    private CutPlan planCuts(Map<String, List<Layer>> consumers, boolean inputGetsGradient) {
        java.util.Set<String> graded = new java.util.HashSet<>(); // tensors that get a gradient
        if (inputGetsGradient) {
            graded.add(Layer.INPUT);
        }
        java.util.Set<String> deferred = new java.util.HashSet<>();
        java.util.Set<String> cut = new java.util.HashSet<>();
        for (Layer l : spec.layers()) {
            boolean weighted = blocks.containsKey(l.name()) && !(l instanceof dev.gensynth.spec.Dropout);
            if (weighted || l.inputs().stream().anyMatch(graded::contains)) {
                graded.add(l.name());
            }
            String input = l.inputs().get(0);
            if (DEFER_DEPTHWISE && l instanceof Conv c && depthwiseNchwOnly.contains(l.name())
                    && !input.equals(Layer.INPUT) && graded.contains(input) && DepthwiseGradients.handles(c)) {
                deferred.add(l.name());
                cut.add(l.name());
                cut.add(input);
            }
        }
        for (Layer l : spec.layers()) {
            long readers = consumers.getOrDefault(l.name(), List.of()).stream().map(Layer::name).distinct().count()
                    + (spec.outputs().contains(l.name()) ? 1 : 0);
            if (!deferred.isEmpty() && readers > 1 && graded.contains(l.name())) {
                cut.add(l.name());
            }
        }
        return new CutPlan(java.util.Set.copyOf(deferred), java.util.Set.copyOf(cut));
    }

    private Block childFor(Layer l) {
        if (l instanceof Conv c) {
            Shape in = shapes.get(c.inputs().get(0));
            ai.djl.ndarray.types.Shape k = new ai.djl.ndarray.types.Shape(c.kernel(), c.kernel());
            return Conv2d.builder().setFilters(c.outFor(in)).setKernelShape(k)
                    .optStride(new ai.djl.ndarray.types.Shape(c.stride(), c.stride()))
                    .optPadding(new ai.djl.ndarray.types.Shape(c.padding(), c.padding()))
                    .optDilation(new ai.djl.ndarray.types.Shape(c.dilation(), c.dilation()))
                    .optGroups(c.groupsFor(in)).optBias(c.bias()).build();
        }
        if (l instanceof dev.gensynth.spec.BatchNorm bn) {
            // DJL's momentum weighs the old running value; PyTorch's (ours) weighs the new one.
            return BatchNorm.builder().optEpsilon((float) bn.epsilon()).optMomentum((float) (1 - bn.momentum()))
                    .build();
        }
        if (l instanceof dev.gensynth.spec.Linear lin) {
            return Linear.builder().setUnits(lin.out()).optBias(lin.bias()).build();
        }
        if (l instanceof dev.gensynth.spec.Dropout d) {
            return Dropout.builder().optRate((float) d.rate()).build();
        }
        return null;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType,
            ai.djl.ndarray.types.Shape... inputShapes) {
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            Shape in = shapes.get(spec.layer(e.getKey()).inputs().get(0));
            e.getValue().initialize(manager, dataType, new ai.djl.ndarray.types.Shape(in.withBatch(1)));
        }
    }

    @Override
    public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return spec.outputs().stream()
                .map(o -> new ai.djl.ndarray.types.Shape(shapes.get(o).withBatch(batch)))
                .toArray(ai.djl.ndarray.types.Shape[]::new);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        Map<String, NDArray> live = new HashMap<>();
        NDArray input = inputs.singletonOrThrow();
        Object shardParam = params == null ? null : params.get(SHARD);
        int shard = shardParam == null ? 0 : (Integer) shardParam;
        DepthwiseGradients cutsOf = params != null ? (DepthwiseGradients) params.get(DEPTHWISE_GRADIENTS) : null;
        CutPlan plan = cutsOf == null ? null
                : JniUtils.requiresGrad((PtNDArray) input) ? cutPlanWithInput : cutPlan;
        if (plan != null && plan.deferred().isEmpty()) {
            cutsOf = null;
        }
        java.util.Set<String> deferred = cutsOf == null ? java.util.Set.of() : plan.deferred();
        java.util.Set<String> cuts = cutsOf == null ? java.util.Set.of() : plan.cuts();
        // whether libtorch may run a depthwise convolution's backward-data step after this pass (see nchwOnly);
        // the deferred ones take their own branch below
        boolean depthwiseBackward = !depthwiseNchwOnly.isEmpty() && JniUtils.isGradMode();
        // a 1-channel input too: its conversion is a view, and it makes the first convolution write
        // channels-last (otherwise oneDNN writes NCHW, which costs two copies of that output a step)
        boolean nhwc = channelsLast && spec.input().isMap();
        live.put(Layer.INPUT, nhwc ? channelsLast(input) : input);
        List<Layer> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            List<NDArray> in = new ArrayList<>(l.inputs().size());
            for (String name : l.inputs()) {
                in.add(live.get(name));
            }
            Block b = blocks.get(l.name());
            NDArray out;
            boolean inputsNhwc = nhwc;
            if (deferred.contains(l.name())) {
                // no backward-data step (its input's gradient comes later, see DepthwiseGradients), so it runs in the
                // network's memory order, like in inference
                out = b.forward(ps, new NDList(in.get(0).stopGradient()), training, params).singletonOrThrow();
            } else if (nhwc && nchwOnly.contains(l.name())
                    && (depthwiseBackward || !depthwiseNchwOnly.contains(l.name()))) {
                out = channelsLast(b.forward(ps, new NDList(contiguous(in.get(0))), training, params)
                        .singletonOrThrow());
            } else if (shard > 0 && b instanceof BatchNorm) {
                out = shardStats.batchNorm(ps, (dev.gensynth.spec.BatchNorm) l, b, in.get(0), training, shard);
            } else {
                out = b != null
                        ? b.forward(ps, new NDList(in.get(0)), training, params).singletonOrThrow()
                        : apply(l, in);
            }
            if (channelsLast && !nhwc && out.getShape().dimension() == 4 && out.getShape().get(1) > 1) {
                out = channelsLast(out);
                nhwc = true;
            }
            if (cuts.contains(l.name())) {
                out = deferred.contains(l.name())
                        ? cutsOf.cutDepthwise((Conv) l, out, l.inputs().get(0),
                                b.getParameters().get("weight").getArray(), shapes.get(l.inputs().get(0)), inputsNhwc)
                        : cutsOf.cut(l.name(), out);
            }
            live.put(l.name(), out);
            for (String name : l.inputs()) {
                // Keep outputs, and tensors read later, alive; let the rest be collected early.
                if (lastUse.get(name) == i && !spec.outputs().contains(name)) {
                    live.remove(name);
                }
            }
        }
        NDList result = new NDList();
        for (String o : spec.outputs()) {
            result.add(live.get(o));
        }
        return result;
    }

    /**
     * Whether activations may run in channels-last memory order. A network does when every
     * convolution's channel counts are multiples of {@link #CHANNELS_LAST_MULTIPLE} (the first
     * one's input aside, and the output width of a head that no convolution reads: {@link #reachesConv}):
     * measured at batch 128 on 2 cores, that trains resnet, plain and
     * mobilenet_v2 1.1-1.4x faster than NCHW, where oneDNN reorders every tensor into its blocked
     * layout and back at each convolution, but a generated network with odd widths 2x slower; with the heads
     * exempt, fcn_resnet (11 classes at 64x64) trains 2.1x and centernet_resnet 1.4x faster than in NCHW.
     * {@code -Dgensynth.channelsLast=false} keeps every network in NCHW, for comparisons.
     */
    public static final boolean CHANNELS_LAST = Boolean.parseBoolean(System.getProperty("gensynth.channelsLast",
            "true"));
    static final int CHANNELS_LAST_MULTIPLE = 8;
    /** Input channels from which a strided 1x1 convolution runs channels-last (see {@link #nchwOnly}). */
    private static final int NARROW_STRIDED_1X1 = 16;
    /** DJL's interpolation mode for nearest neighbour ({@code torch.nn.functional.interpolate(mode="nearest")}). */
    private static final int NEAREST = 0;

    /** The same values in the default (NCHW) memory order. */
    static NDArray contiguous(NDArray x) {
        return x.flatten().reshape(x.getShape());
    }

    /**
     * The same values in channels-last memory order (NCHW shape, NHWC strides): a copy into NHWC
     * order viewed back as NCHW. Convolutions, batch norm and element-wise operations keep that
     * order for their outputs, so one conversion near the input puts the whole network in it.
     */
    static NDArray channelsLast(NDArray x) {
        ai.djl.ndarray.types.Shape s = x.getShape();
        return x.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
    }

    private static NDArray apply(Layer l, List<NDArray> in) {
        NDArray x = in.get(0);
        if (l instanceof dev.gensynth.spec.Activation a) {
            switch (a.function()) {
                case RELU:
                    return Activation.relu(x);
                case RELU6:
                    return Scalars.relu6(x);
                case HARDSWISH:
                    return Scalars.over(x.mul(Scalars.relu6(x.add(3f))), 6);
                case SIGMOID:
                    return Activation.sigmoid(x);
                default:
                    throw new IllegalStateException(a.function().toString());
            }
        }
        if (l instanceof dev.gensynth.spec.Pool p) {
            ai.djl.ndarray.types.Shape k = new ai.djl.ndarray.types.Shape(p.kernel(), p.kernel());
            ai.djl.ndarray.types.Shape s = new ai.djl.ndarray.types.Shape(p.stride(), p.stride());
            ai.djl.ndarray.types.Shape pad = new ai.djl.ndarray.types.Shape(p.padding(), p.padding());
            return p.op() == dev.gensynth.spec.Pool.Op.MAX
                    ? Pool.maxPool2d(x, k, s, pad, false)
                    : Pool.avgPool2d(x, k, s, pad, false, true);
        }
        if (l instanceof GlobalAvgPool) {
            return x.mean(new int[] {3}, true).mean(new int[] {2}, true); // PyTorch engine: one axis per mean
        }
        if (l instanceof Add) {
            NDArray sum = x;
            for (int i = 1; i < in.size(); i++) {
                sum = sum.add(in.get(i));
            }
            return sum;
        }
        if (l instanceof dev.gensynth.spec.Mul) {
            return x.mul(in.get(1)); // a C×1×1 gate broadcasts over height and width
        }
        if (l instanceof Concat) {
            return NDArrays.concat(new NDList(in), 1);
        }
        if (l instanceof ChannelShuffle cs) {
            long[] s = x.getShape().getShape();
            int g = cs.groups();
            return x.reshape(s[0], g, s[1] / g, s[2], s[3]).transpose(0, 2, 1, 3, 4).reshape(s);
        }
        if (l instanceof ChannelSlice sl) {
            int[] r = sl.range((int) x.getShape().get(1));
            return x.get(":, " + r[0] + ":" + r[1]);
        }
        if (l instanceof Upsample u) {
            long[] size = {x.getShape().get(2) * u.scale(), x.getShape().get(3) * u.scale()};
            // nearest-neighbour interpolation to exactly scale x the size: each value repeated scale x scale times (two
            // repeats along the axes took 2.4x as long to train a U-Net, most of it in their backward pass)
            NDArray up = JniUtils.interpolate((PtNDArray) x, size, NEAREST, false);
            if (in.size() == 2) {
                long h = in.get(1).getShape().get(2);
                long w = in.get(1).getShape().get(3);
                if (h != up.getShape().get(2) || w != up.getShape().get(3)) {
                    up = up.get(":, :, :" + h + ", :" + w);
                }
            }
            return up;
        }
        if (l instanceof Flatten) {
            return x.reshape(x.getShape().get(0), -1);
        }
        throw new IllegalStateException("no DJL operation for layer kind " + l.kind());
    }

    /** The forward-pass parameter naming the shard of a sharded training step (an Integer, 0 if absent). */
    public static final String SHARD = "gensynth.shard";
    /**
     * Key of the forward pass's parameter that carries a {@link DepthwiseGradients}: the pass (in training or
     * inference mode) then leaves the input gradients of depthwise convolutions to its
     * {@link DepthwiseGradients#backward}, which the caller must run right after the loss's backward pass (without
     * it, the layers before them get no gradient).
     */
    public static final String DEPTHWISE_GRADIENTS = "gensynth.depthwiseGradients";
    /**
     * Whether training passes compute depthwise convolutions' input gradients as forward convolutions
     * ({@link DepthwiseGradients}); {@code -Dgensynth.depthwiseGradients=false} leaves them to libtorch, for
     * comparisons.
     */
    public static final boolean DEFER_DEPTHWISE = Boolean.parseBoolean(System.getProperty(
            "gensynth.depthwiseGradients", "true"));

    /**
     * Whether a training pass with a {@link DepthwiseGradients} defers anything: the network has depthwise
     * convolutions whose input gets a gradient and whose padding fits inside their kernel.
     */
    public boolean defersDepthwise() {
        return !cutPlan.deferred().isEmpty();
    }

    /**
     * Opens {@code shards} shards of a training step: shard 0 uses each batch-norm layer's own
     * running statistics, shards 1.. get copies of them, so that shards run at the same time
     * without writing the same memory. {@link #mergeShards} folds them back.
     */
    public void openShards(int shards) {
        closeShards();
        shardStats = new ShardStats(blocks, shards);
    }

    /** Sets every batch-norm layer's running statistics, and each shard's copy, to their mean ({@link ShardStats}). */
    public void mergeShards() {
        if (shardStats != null) {
            shardStats.merge();
        }
    }

    /** Merges the shards' statistics ({@link #mergeShards}) and frees their copies. */
    public void closeShards() {
        if (shardStats != null) {
            shardStats.close();
            shardStats = null;
        }
    }

    /** Copies weights into the (initialized) child blocks; they must fit the spec. */
    public void setWeights(Weights w) {
        w.checkFits(spec, "for '" + spec.name() + "'");
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            for (Parameter p : paramsOf(e.getValue())) {
                Tensor t = w.get(e.getKey() + "." + p.getName());
                NDArray a = p.getArray();
                a.set(t.data());
            }
        }
    }

    /** Copies the current parameter values out to plain Java memory. */
    public Weights weights() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        Map<String, dev.gensynth.spec.ParamSpec> order = spec.parameters();
        Map<String, Parameter> byKey = new HashMap<>();
        for (Map.Entry<String, Block> e : blocks.entrySet()) {
            for (Parameter p : paramsOf(e.getValue())) {
                byKey.put(e.getKey() + "." + p.getName(), p);
            }
        }
        for (Map.Entry<String, dev.gensynth.spec.ParamSpec> e : order.entrySet()) {
            Parameter p = byKey.get(e.getKey());
            t.put(e.getKey(), new Tensor(e.getValue().shape(), p.getArray().toFloatArray()));
        }
        return new Weights(t);
    }

    /** The DJL parameter behind a spec parameter key such as {@code conv1.weight}, or null. */
    public Parameter parameter(String key) {
        int dot = key.lastIndexOf('.');
        Block b = blocks.get(key.substring(0, dot));
        if (b == null) {
            return null;
        }
        for (Parameter p : paramsOf(b)) {
            if (p.getName().equals(key.substring(dot + 1))) {
                return p;
            }
        }
        return null;
    }

    /** Trainable parameter count as DJL sees it (a cross-check of the spec's count). */
    public long djlTrainableParameters() {
        long n = 0;
        for (Block b : blocks.values()) {
            for (Parameter p : paramsOf(b)) {
                if (p.requiresGradient()) {
                    n += p.getArray().size();
                }
            }
        }
        return n;
    }

    static List<Parameter> paramsOf(Block b) {
        List<Parameter> out = new ArrayList<>();
        b.getParameters().forEach(pair -> out.add(pair.getValue()));
        return out;
    }
}

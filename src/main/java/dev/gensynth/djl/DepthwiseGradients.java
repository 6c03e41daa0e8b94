package dev.gensynth.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The input gradients of one training pass's depthwise convolutions, computed after the loss's backward pass as
 * forward convolutions.
 *
 * <p>Why: libtorch 2.1.1 runs a depthwise convolution's backward-data step on plain-layout tensors, for which oneDNN
 * 3.1 has no depthwise kernel and falls back to a GEMM per image and channel: 392 of the 620 ms of a mobilenet_v2
 * step on 2 cores (bench/results/step_profile_mobilenet_v2_before.md). That gradient is the transposed convolution
 * of the output's gradient; for a depthwise convolution, that is a depthwise forward convolution with the kernel
 * flipped, over the gradient spread out with zeros when the convolution is strided. The forward convolution runs
 * oneDNN's JIT kernel: 2.7-7.5x faster per mobilenet_v2 layer at stride 1, 1-2.5x at stride 2 (forward and
 * backward, 64 images, 1 thread).
 *
 * <p>How: in a pass that carries an instance of this class ({@link SpecBlock#DEPTHWISE_GRADIENTS}), the block cuts
 * autograd's graph at every depthwise convolution's input and output and at every tensor that is read more than
 * once (by two layers, or by a layer and the loss). The readers of a cut tensor get a detached copy (a leaf) that
 * collects their gradient, and the depthwise convolution reads its input without a gradient, so the loss's backward
 * pass stops at the cuts. {@link #backward} then walks the cuts from last to first: each sends the gradient its leaf
 * collected, plus the input gradients of the depthwise convolutions that read it, back through the part of the
 * graph that made it, which ends at earlier cuts. Each part of the graph is walked once (a tensor read twice is a
 * cut, so no part leads to two cuts), each cut after every cut that reads it, and the weights end with the same
 * gradients as from one backward pass, up to the order of float additions.
 */
public final class DepthwiseGradients {
    /** A cut: the tensor as computed (the root of the graph that made it) and the leaf its readers got. */
    private static final class Cut {
        final NDArray root;
        final NDArray leaf;
        /** The depthwise convolution whose output this is, or null. */
        final Depthwise conv;
        /** The input gradients of depthwise convolutions that read this tensor, summed; null if none. */
        NDArray fromDepthwise;

        Cut(NDArray root, NDArray leaf, Depthwise conv) {
            this.root = root;
            this.leaf = leaf;
            this.conv = conv;
        }
    }

    /** A depthwise convolution: where its input's gradient goes, its weight and geometry. */
    private record Depthwise(Cut input, NDArray weight, Conv spec, Shape in, boolean channelsLast) {
        /** The gradient of the input from that of the output: the transposed convolution, as a forward one. */
        NDArray inputGradient(NDArray g) {
            int k = spec.kernel();
            int s = spec.stride();
            int d = spec.dilation();
            int groups = spec.groupsFor(in);
            ai.djl.ndarray.types.Shape gs = g.getShape();
            NDArray spread = g;
            if (s > 1) {
                long rows = spreadSize(gs.get(2), in.height());
                long cols = spreadSize(gs.get(3), in.width());
                // zeros in the input's memory order (a channels-last view when it runs so), g written into them
                spread = channelsLast
                        ? g.getManager().zeros(new ai.djl.ndarray.types.Shape(gs.get(0), rows, cols, gs.get(1)))
                                .transpose(0, 3, 1, 2)
                        : g.getManager().zeros(new ai.djl.ndarray.types.Shape(gs.get(0), gs.get(1), rows, cols));
                spread.set(new NDIndex(":, :, ::{}, ::{}", s, s), g);
            }
            // a view of the weight in the pass's manager, so that it and what is made from it go with the pass
            // (made in the weight's manager, they would stay until the network is closed)
            NDArray w = weight.stopGradient();
            w.attach(g.getManager());
            NDArray flipped = w.reshape(groups, gs.get(1) / groups, k, k).flip(2, 3);
            int q = transposedPadding(spec);
            // the convolution writes in its input's memory order, which is the network's: an element-wise backward
            // step over tensors in two orders runs a scalar loop (ReLU6's took 2.5 ms instead of 0.7 in mobilenet_v2)
            return spread.getNDArrayInternal().convolution(spread, flipped, null,
                    new ai.djl.ndarray.types.Shape(1, 1), new ai.djl.ndarray.types.Shape(q, q),
                    new ai.djl.ndarray.types.Shape(d, d), groups).singletonOrThrow();
        }

        /**
         * Rows (or columns) of the output's gradient spread out with zeros: one per input row the convolution's
         * window can start at, plus the input rows past the last window (a transposed convolution's output padding).
         */
        private long spreadSize(long outSize, int inSize) {
            int s = spec.stride();
            long covered = (outSize - 1) * s - 2L * spec.padding() + (long) spec.dilation() * (spec.kernel() - 1) + 1;
            return (outSize - 1) * s + 1 + (inSize - covered);
        }
    }

    private final List<Cut> cuts = new ArrayList<>();
    private final Map<String, Cut> byName = new HashMap<>();

    private DepthwiseGradients() {
    }

    /**
     * A new instance for one forward pass, added to its {@code params} under {@link SpecBlock#DEPTHWISE_GRADIENTS}.
     * A pass with no depthwise convolution to defer leaves it empty, and its {@link #backward} does nothing.
     */
    public static DepthwiseGradients addTo(ai.djl.util.PairList<String, Object> params) {
        DepthwiseGradients g = new DepthwiseGradients();
        params.add(SpecBlock.DEPTHWISE_GRADIENTS, g);
        return g;
    }

    /** Whether a depthwise convolution's input gradient can be computed here (its padding fits inside its kernel). */
    static boolean handles(Conv c) {
        return transposedPadding(c) >= 0;
    }

    private static int transposedPadding(Conv c) {
        return c.dilation() * (c.kernel() - 1) - c.padding();
    }

    /** Cuts tensor {@code name} as computed ({@code root}); returns the leaf its readers get. */
    NDArray cut(String name, NDArray root) {
        return add(name, new Cut(root, leafOf(root), null));
    }

    /**
     * Cuts the output {@code root} of depthwise convolution {@code conv}, which read the cut tensor {@code input}
     * (shape {@code in}, in channels-last memory order or not) without a gradient, with {@code weight}; returns the
     * leaf its readers get.
     */
    NDArray cutDepthwise(Conv conv, NDArray root, String input, NDArray weight, Shape in, boolean channelsLast) {
        Cut from = byName.get(input);
        if (from == null) {
            throw new IllegalStateException("depthwise convolution " + conv.name() + " reads " + input
                    + ", which was not cut");
        }
        return add(conv.name(), new Cut(root, leafOf(root), new Depthwise(from, weight, conv, in, channelsLast)));
    }

    private NDArray add(String name, Cut c) {
        cuts.add(c);
        byName.put(name, c);
        return c.leaf;
    }

    private static NDArray leafOf(NDArray root) {
        NDArray leaf = root.stopGradient();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    /** Sends every cut's gradient back through the graph, last cut first (after the loss's backward pass). */
    public void backward() {
        for (int i = cuts.size() - 1; i >= 0; i--) {
            Cut c = cuts.get(i);
            NDArray g = JniUtils.getGradient((PtNDArray) c.leaf); // null when no reader passed one back
            if (c.fromDepthwise != null) {
                g = g == null ? c.fromDepthwise : g.add(c.fromDepthwise);
            }
            if (g == null) {
                continue;
            }
            JniUtils.backward((PtNDArray) c.root, (PtNDArray) g, false, false);
            if (c.conv != null) {
                NDArray gx = c.conv.inputGradient(g);
                Cut in = c.conv.input();
                in.fromDepthwise = in.fromDepthwise == null ? gx : in.fromDepthwise.add(gx);
            }
        }
    }
}

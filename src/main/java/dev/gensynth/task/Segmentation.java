package dev.gensynth.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.gensynth.UserError;
import dev.gensynth.analysis.Stats;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import dev.gensynth.djl.Network;
import dev.gensynth.djl.Scalars;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.List;

/**
 * One class per pixel ({@link Targets.Masks}), scored by mIoU with pixel accuracy beside it
 * ({@link PixelCounts}); the loss is the per-pixel softmax cross-entropy averaged over the labelled
 * pixels, the ignored ({@code 255}) left out, as PyTorch's {@code CrossEntropyLoss(ignore_index=255)}.
 * The network's first output is {@code [classes, H, W]} logits at the input's resolution.
 */
public final class Segmentation implements Task {
    public static final Segmentation TASK = new Segmentation();

    private Segmentation() {
    }

    @Override
    public String name() {
        return "segmentation";
    }

    @Override
    public String metric() {
        return "mIoU";
    }

    @Override
    public String hitsMetric() {
        return "pixel acc";
    }

    @Override
    public void checkFits(NetworkSpec spec, Dataset data) {
        Targets.Masks m = masks(data);
        Task.checkInput(spec, data);
        Shape out = spec.shapes().get(spec.outputs().get(0));
        Shape want = Shape.of(data.classes(), m.height(), m.width());
        if (!out.equals(want)) {
            throw new UserError("network '" + spec.name() + "' outputs [" + out + "] but dataset " + data.name()
                    + " labels each pixel of " + m.height() + "x" + m.width() + " with one of " + data.classes()
                    + " classes; a segmentation network outputs [" + want + "] logits (a score per class at every "
                    + "pixel of its input)");
        }
    }

    private static Targets.Masks masks(Dataset data) {
        if (!(data.targets() instanceof Targets.Masks m)) {
            throw new UserError("dataset " + data.name() + " has one label per image, not a mask; segmentation "
                    + "needs a class per pixel");
        }
        return m;
    }

    @Override
    public int targetsPerSample(Dataset data) {
        return masks(data).area();
    }

    @Override
    public void copyTargets(Dataset data, int sample, int[] batch, int row) {
        Targets.Masks m = masks(data);
        int a = m.area();
        byte[] px = m.pixels();
        for (int p = 0; p < a; p++) {
            batch[row * a + p] = px[sample * a + p] & 0xFF;
        }
    }

    @Override
    public boolean targetsFollowPixels() {
        return true;
    }

    @Override
    public NDArray upload(NDManager m, int[] batch, int from, int rows, Dataset data) {
        Targets.Masks masks = masks(data);
        int a = masks.area();
        int[] part = new int[rows * a];
        System.arraycopy(batch, from * a, part, 0, part.length);
        return m.create(part, new ai.djl.ndarray.types.Shape(rows, masks.height(), masks.width()));
    }

    @Override
    public NDArray loss(NDList outputs, NDArray masks, int classes, double smoothing) {
        NDArray logits = outputs.get(0);
        NDArray labelled = masks.neq(Targets.Masks.IGNORE).toType(DataType.FLOAT32, false);
        // ignored pixels read class 0, then weigh nothing
        NDArray index = masks.mul(labelled.toType(masks.getDataType(), false)).toType(DataType.INT64, false)
                .expandDims(1);
        NDArray logp = logits.logSoftmax(1);
        // −Σ_c target_c log p_c with the smoothed one-hot target (1 − ε) [c = y] + ε / K, without building the one-hot
        // (a [N, H, W, C] tensor of 64-bit integers, 110 ms a batch of 128 canvases of 64 x 64)
        NDArray perPixel = logp.gather(index, 1).squeeze(1).neg();
        if (smoothing > 0) {
            perPixel = Scalars.times(perPixel, 1 - smoothing)
                    .add(Scalars.times(logp.sum(new int[] {1}).neg(), smoothing / classes));
        }
        return perPixel.mul(labelled).sum().div(labelled.sum().maximum(1f));
    }

    @Override
    public long[] hits(NDArray logits, NDArray masks, int[] batch, int from, int rows, Dataset data) {
        // counted on the native side: the arg-max of every pixel copied to Java took a tenth of a step
        NDArray labelled = masks.neq(Targets.Masks.IGNORE);
        NDArray right = Network.channelArgMax(logits).eq(masks.toType(DataType.INT64, false)).logicalAnd(labelled);
        return NDArrays.stack(new NDList(right.sum().toType(DataType.INT64, false),
                labelled.sum().toType(DataType.INT64, false))).toLongArray();
    }

    /** mIoU in percent. */
    @Override
    public double quality(Network net, Dataset data, int batchSize) {
        return counts(net, data, batchSize).meanIoU();
    }

    /** The pixel counts of {@code net}'s arg-max predictions over the whole of {@code data}. */
    public static PixelCounts counts(Network net, Dataset data, int batchSize) {
        Targets.Masks m = masks(data);
        PixelCounts counts = new PixelCounts(data.classes());
        net.argMax(data, batchSize, (start, n, pred) -> counts.add(m.pixels(), start * m.area(), pred, 0, n * m.area()));
        return counts;
    }

    @Override
    public SampleResults judge(Network net, Dataset data, int batchSize) {
        Targets.Masks m = masks(data);
        int a = m.area();
        PixelCounts[] images = new PixelCounts[data.size()];
        net.argMax(data, batchSize, (start, n, pred) -> {
            for (int i = 0; i < n; i++) {
                images[start + i] = new PixelCounts(data.classes());
                images[start + i].add(m.pixels(), (start + i) * a, pred, i * a, a);
            }
        });
        return new PerImage(List.of(images));
    }

    /**
     * Each image's pixel counts: the split's mIoU (counts summed first, as {@link PixelCounts} says), and the
     * paired error of an mIoU difference by bootstrap over the images, since mIoU is no mean of per-image terms.
     */
    public record PerImage(List<PixelCounts> images) implements SampleResults {
        /** Bootstrap resamples: the error's own relative noise is about 1/sqrt(2 * 400), 4 %. */
        static final int RESAMPLES = 400;
        private static final long SEED = 0x5EEDL;

        public PerImage {
            images = List.copyOf(images);
        }

        @Override
        public double quality() {
            return images.isEmpty() ? Double.NaN : sum().meanIoU();
        }

        @Override
        public int size() {
            return images.size();
        }

        /** The bootstrap spread of this mIoU over resamples of the images (it does not depend on {@code at}). */
        @Override
        public double standardError(double at) {
            return bootstrap(null);
        }

        /**
         * The spread of {@code mIoU(this) - mIoU(other)} over resamples of the images with replacement, the same
         * draws for both (a fixed seed: the same networks always get the same error).
         */
        @Override
        public double pairedError(SampleResults other) {
            List<PixelCounts> b = ((PerImage) other).images;
            if (b.size() != images.size()) {
                throw new IllegalArgumentException("paired over " + images.size() + " and " + b.size() + " images");
            }
            return bootstrap(b);
        }

        /** The spread over resamples of this mIoU, minus {@code other}'s on the same draws when it is given. */
        private double bootstrap(List<PixelCounts> other) {
            // counts are integers: adding an image's counts weight[i] times is adding the drawn images one by one
            return Stats.bootstrapSd(images.size(), SEED, RESAMPLES, w -> weighted(images, w).meanIoU()
                    - (other == null ? 0 : weighted(other, w).meanIoU()));
        }

        private static PixelCounts weighted(List<PixelCounts> counts, int[] weight) {
            PixelCounts x = new PixelCounts(counts.get(0).classes());
            for (int i = 0; i < weight.length; i++) {
                for (int k = 0; k < weight[i]; k++) {
                    x.add(counts.get(i));
                }
            }
            return x;
        }

        private PixelCounts sum() {
            PixelCounts s = new PixelCounts(images.get(0).classes());
            for (PixelCounts c : images) {
                s.add(c);
            }
            return s;
        }
    }
}

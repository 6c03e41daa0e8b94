package dev.gensynth.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.Targets;
import dev.gensynth.djl.Network;
import dev.gensynth.djl.Scalars;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.CenterNetDecoder;
import dev.gensynth.task.detection.CenterNetTargets;
import dev.gensynth.task.detection.CocoAp;
import dev.gensynth.task.detection.Detection;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import dev.gensynth.task.detection.VocAp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Boxes around objects ({@link Targets.Boxes}), found by a CenterNet head (Zhou et al., "Objects as Points",
 * 2019): the network's outputs are a per-class centre heatmap after a sigmoid, and the box size and centre
 * offset maps, each at the input's size over the network's output stride, rounded up
 * ({@link dev.gensynth.zoo.CenterNetHead}). The stride is CenterNet's 4 for {@link #TASK}; a detector whose maps
 * are coarser (a grid detector's 1/16) has its own instance, {@link #forNetwork}, which draws its targets and
 * reads its maps at its stride.
 *
 * <p>The loss is the reference's ({@code src/lib/trains/ctdet.py}, {@code CtdetLoss} with its defaults): the
 * penalty-reduced focal loss on the heatmap ({@code _neg_loss}: α = 2, β = 4, the heatmap clamped to
 * [10⁻⁴, 1 − 10⁻⁴], divided by the number of object centres, or by 1 when there is none), plus 0.1 × the L1 loss of
 * the size and 1 × the L1 loss of the offset at the object centres ({@code RegL1Loss}: summed, divided by twice the
 * number of centres + 10⁻⁴). Targets are {@link CenterNetTargets}'; difficult objects are not trained on. Where two
 * objects share a centre position, the later one's size and offset are the targets there (the reference keeps both
 * in slots; they collide only for boxes whose centres fall in the same 4×4 pixels).
 *
 * <p>The primary metric is VOC mAP at IoU 0.5 over the classes that have an object ({@link VocAp}, IoU above 0.5 as
 * py-faster-rcnn, boxes in continuous pixel coordinates as the targets hold them), of the detections
 * {@link CenterNetDecoder#DEFAULT} reads from the outputs (the top 100 per image). While training, the share of
 * objects whose heatmap arg-max class at its centre position is its own class is shown.
 *
 * <p>A crop or flip while training moves the boxes with the pixels: each row of the batch buffer holds its sample's
 * index and its move ({@link #moveSlot}), and the boxes are moved, clipped to the image and left out where nothing
 * of them is left, before the targets are drawn.
 */
public final class ObjectDetection implements Task {
    /** Detection at CenterNet's stride of 4. */
    public static final ObjectDetection TASK = new ObjectDetection(CenterNetTargets.DEFAULT_STRIDE);
    /** The output strides a detector may have: its maps are ⌈H / s⌉ × ⌈W / s⌉. */
    static final List<Integer> STRIDES = List.of(4, 8, 16, 32);
    /** The reference's {@code hm_weight}, {@code wh_weight} and {@code off_weight}. */
    static final float HEATMAP_WEIGHT = 1f;
    static final float SIZE_WEIGHT = 0.1f;
    static final float OFFSET_WEIGHT = 1f;
    /** The reference's {@code _sigmoid} clamps the heatmap to [ε, 1 − ε]. */
    static final float CLAMP = 1e-4f;
    static final VocAp MAP = new VocAp(new VocAp.Settings(0.5, false, IouConvention.CONTINUOUS));

    private final int stride;
    private final CenterNetDecoder decoder;

    private ObjectDetection(int stride) {
        this.stride = stride;
        this.decoder = new CenterNetDecoder(stride, CenterNetDecoder.DEFAULT.k(), CenterNetDecoder.DEFAULT.minScore());
    }

    /** Input pixels per position of the maps. */
    public int stride() {
        return stride;
    }

    /**
     * The output stride of detector {@code spec}: the first of {@link #STRIDES} at which its heatmap has the input's
     * size over it, rounded up; 0 when none does (or it has no heatmap).
     */
    public static int strideOf(NetworkSpec spec) {
        if (spec.outputs().isEmpty()) {
            return 0;
        }
        Shape heat = spec.shapes().get(spec.outputs().get(0));
        Shape in = spec.input();
        if (heat == null || !heat.isMap() || !in.isMap()) {
            return 0;
        }
        for (int s : STRIDES) {
            if (heat.height() == CenterNetTargets.mapSize(in.height(), s)
                    && heat.width() == CenterNetTargets.mapSize(in.width(), s)) {
                return s;
            }
        }
        return 0;
    }

    /** Detection at the output stride of {@code spec} ({@link #TASK}'s when it has none of {@link #STRIDES}). */
    @Override
    public ObjectDetection forNetwork(NetworkSpec spec) {
        int s = strideOf(spec);
        return s == 0 || s == stride ? this : new ObjectDetection(s);
    }

    @Override
    public String name() {
        return "detection";
    }

    @Override
    public String metric() {
        return "mAP50";
    }

    @Override
    public String hitsMetric() {
        return "centre class";
    }

    private static Targets.Boxes boxes(Dataset data) {
        if (!(data.targets() instanceof Targets.Boxes b)) {
            throw new UserError("dataset " + data.name() + " is not labelled with boxes; detection needs a class and"
                    + " a box for each object");
        }
        return b;
    }

    /** The heatmap's size for samples of {@code data}: the image's over the stride, rounded up. */
    private int[] mapSize(Dataset data) {
        Shape s = data.sampleShape();
        return new int[] {CenterNetTargets.mapSize(s.height(), stride), CenterNetTargets.mapSize(s.width(), stride)};
    }

    @Override
    public void checkFits(NetworkSpec spec, Dataset data) {
        boxes(data);
        Task.checkInput(spec, data);
        int[] hw = forNetwork(spec).mapSize(data);
        List<Shape> want = List.of(Shape.of(data.classes(), hw[0], hw[1]), Shape.of(2, hw[0], hw[1]),
                Shape.of(2, hw[0], hw[1]));
        List<Shape> got = spec.outputs().stream().map(o -> spec.shapes().get(o)).toList();
        if (!got.equals(want)) {
            throw new UserError("network '" + spec.name() + "' outputs " + got + " but a detector of the " + data.classes()
                    + " classes of dataset " + data.name() + " outputs " + want + ": a centre heatmap per class (after a"
                    + " sigmoid), then the box size and the centre offset, at the input's size over an output stride of "
                    + STRIDES + ", rounded up (the zoo's centernet_* and detectnet networks)");
        }
    }

    /**
     * A detector's targets vary in number: a row of the batch buffer holds its sample's index, then how its image
     * was moved (dx, dy, 1 when mirrored; see {@link #moveSlot}), and {@link #upload} reads the boxes.
     */
    @Override
    public int targetsPerSample(Dataset data) {
        return ROW;
    }

    private static final int ROW = 4;

    @Override
    public void copyTargets(Dataset data, int sample, int[] batch, int row) {
        batch[row * ROW] = sample;
        batch[row * ROW + 1] = 0;
        batch[row * ROW + 2] = 0;
        batch[row * ROW + 3] = 0;
    }

    @Override
    public boolean targetsFollowPixels() {
        return false;
    }

    @Override
    public int moveSlot() {
        return 1;
    }

    /**
     * The objects of the sample in row {@code row} of a batch buffer, its difficult ones left out, moved as its image
     * was: a source box [x1, x2] × [y1, y2] shows at [x1 − dx, x2 − dx] (mirrored: [w + dx − x2, w + dx − x1]) ×
     * [y1 − dy, y2 − dy], clipped to the image; a box with nothing left inside is left out.
     */
    public static List<Targets.Boxes.Labelled> objectsOf(Dataset data, int[] batch, int row) {
        int sample = batch[row * ROW];
        int dx = batch[row * ROW + 1];
        int dy = batch[row * ROW + 2];
        boolean mirrored = batch[row * ROW + 3] == 1;
        int w = data.sampleShape().width();
        int h = data.sampleShape().height();
        List<Targets.Boxes.Labelled> out = new ArrayList<>();
        for (Targets.Boxes.Labelled o : boxes(data).of(sample)) {
            if (o.difficult()) {
                continue;
            }
            Box b = o.box();
            Box moved = Box.clipped(mirrored ? w + dx - b.x2() : b.x1() - dx, b.y1() - dy,
                    mirrored ? w + dx - b.x1() : b.x2() - dx, b.y2() - dy, w, h);
            if (moved != null) {
                out.add(new Targets.Boxes.Labelled(o.classIndex(), moved, false));
            }
        }
        return out;
    }

    /** The CenterNet targets of {@code objects} in an image of {@code data}'s size. */
    private CenterNetTargets targetsOf(Dataset data, List<Targets.Boxes.Labelled> objects) {
        int[] classOf = objects.stream().mapToInt(Targets.Boxes.Labelled::classIndex).toArray();
        List<Box> where = objects.stream().map(Targets.Boxes.Labelled::box).toList();
        Shape s = data.sampleShape();
        return CenterNetTargets.encode(data.classes(), classOf, where, s.height(), s.width(), stride, objects.size());
    }

    /**
     * {@code [rows, K + 5, H, W]}: per row the K heatmap channels, then at each object centre its size (w, h), its
     * offset (dx, dy) and 1 in the last channel (0 elsewhere), which is the mask of the L1 terms.
     */
    @Override
    public NDArray upload(NDManager m, int[] batch, int from, int rows, Dataset data) {
        int k = data.classes();
        int[] hw = mapSize(data);
        int area = hw[0] * hw[1];
        int per = (k + 5) * area;
        float[] t = new float[rows * per];
        for (int r = 0; r < rows; r++) {
            CenterNetTargets c = targetsOf(data, objectsOf(data, batch, from + r));
            int base = r * per;
            System.arraycopy(c.heatmap(), 0, t, base, k * area);
            for (int slot = 0; slot < c.mask().length; slot++) {
                if (c.mask()[slot] == 1) {
                    int at = base + c.index()[slot];
                    t[at + k * area] = c.size()[2 * slot];
                    t[at + (k + 1) * area] = c.size()[2 * slot + 1];
                    t[at + (k + 2) * area] = c.offset()[2 * slot];
                    t[at + (k + 3) * area] = c.offset()[2 * slot + 1];
                    t[at + (k + 4) * area] = 1;
                }
            }
        }
        return m.create(t, new ai.djl.ndarray.types.Shape(rows, k + 5, hw[0], hw[1]));
    }

    @Override
    public NDArray loss(NDList outputs, NDArray targets, int classes, double smoothing) {
        int k = classes;
        NDArray gt = targets.get(new NDIndex(":, 0:" + k));
        NDArray mask = targets.get(new NDIndex(":, " + (k + 4) + ":" + (k + 5)));
        NDArray heat = focal(outputs.get(0), gt);
        NDArray size = l1(outputs.get(1), targets.get(new NDIndex(":, " + k + ":" + (k + 2))), mask);
        NDArray offset = l1(outputs.get(2), targets.get(new NDIndex(":, " + (k + 2) + ":" + (k + 4))), mask);
        return weighted(heat, size, offset);
    }

    /** The loss of the three maps' terms, weighted. */
    private static NDArray weighted(NDArray heat, NDArray size, NDArray offset) {
        return Scalars.times(heat, HEATMAP_WEIGHT).add(Scalars.times(size, SIZE_WEIGHT))
                .add(Scalars.times(offset, OFFSET_WEIGHT));
    }

    /** {@code _neg_loss}: the penalty-reduced focal loss of the heatmap {@code heatmap} against {@code gt}. */
    static NDArray focal(NDArray heatmap, NDArray gt) {
        NDArray pred = heatmap.clip(CLAMP, 1 - CLAMP);
        NDArray pos = gt.eq(1f).toType(DataType.FLOAT32, false);
        NDArray neg = gt.lt(1f).toType(DataType.FLOAT32, false);
        // squares, not pow: a tensor exponent runs libm's powf on every element (6 % of a detector's step)
        NDArray negWeight = gt.neg().add(1f).square().square();
        NDArray oneMinus = pred.neg().add(1f);
        NDArray posLoss = pred.log().mul(oneMinus.square()).mul(pos).sum();
        NDArray negLoss = oneMinus.log().mul(pred.square()).mul(negWeight).mul(neg).sum();
        return posLoss.add(negLoss).neg().div(pos.sum().maximum(1f));
    }

    /**
     * {@code RegL1Loss}: |prediction − target| weighted by {@code weight} (one channel: 1 at the centres, or a
     * teacher's confidence), summed, over twice the weights' sum + 10⁻⁴ (two values per position). On the native
     * side throughout: no copy back to Java within the step.
     */
    private static NDArray l1(NDArray prediction, NDArray target, NDArray weight) {
        return prediction.sub(target).abs().mul(weight).sum().div(weight.sum().mul(2f).add(1e-4f));
    }

    /** The teacher's maps as targets: K heatmap channels, then size (2) and offset (2), at the output's size. */
    @Override
    public Shape teacherShape(NetworkSpec spec) {
        Shape heat = spec.shapes().get(spec.outputs().get(0));
        return Shape.of(heat.channels() + 4, heat.height(), heat.width());
    }

    /** The teacher scores each batch: its maps move with a crop or flip, and are many per image. */
    @Override
    public boolean teacherScoresEachBatch() {
        return true;
    }

    /** A single output is not a detector's: see {@link #distillationLoss(NDList, NDArray, double)}. */
    @Override
    public NDArray distillationLoss(NDArray output, NDArray teacherTargets, double temperature) {
        throw new IllegalArgumentException("a detector's distillation reads all its outputs");
    }

    /**
     * Learning the teacher's maps at every position, in the form of the label loss (the temperature does not apply:
     * the heatmap is already a probability, the box maps are no scores): the focal loss with the teacher's heatmap q
     * as a soft target, −Σ [q · log p · (1 − p)² + (1 − q) · log(1 − p) · p²] over Σ q (at least 1), and the L1 terms
     * of size (× 0.1) and offset at every position weighted by the teacher's most confident class there, over twice
     * that weight's sum. With a teacher's q of 0 or 1 the heatmap term is the focal loss without its (1 − gt)⁴
     * reduction near centres.
     */
    @Override
    public NDArray distillationLoss(NDList outputs, NDArray teacherTargets, double temperature) {
        long k = outputs.get(0).getShape().get(1);
        NDArray q = teacherTargets.get(new NDIndex(":, 0:" + k));
        NDArray p = outputs.get(0).clip(CLAMP, 1 - CLAMP);
        NDArray oneMinus = p.neg().add(1f);
        NDArray heat = q.mul(p.log()).mul(oneMinus.square())
                .add(q.neg().add(1f).mul(oneMinus.log()).mul(p.square())).sum().neg()
                .div(q.sum().maximum(1f));
        NDArray w = q.max(new int[] {1}, true);
        NDArray size = l1(outputs.get(1), teacherTargets.get(new NDIndex(":, " + k + ":" + (k + 2))), w);
        NDArray offset = l1(outputs.get(2), teacherTargets.get(new NDIndex(":, " + (k + 2) + ":" + (k + 4))), w);
        return weighted(heat, size, offset);
    }

    @Override
    public long[] hits(NDArray heatmap, NDArray targets, int[] batch, int from, int rows, Dataset data) {
        long[] predictions = Task.argMax(heatmap);
        int[] hw = mapSize(data);
        int area = hw[0] * hw[1];
        long right = 0;
        long counted = 0;
        for (int r = 0; r < rows; r++) {
            List<Targets.Boxes.Labelled> objects = objectsOf(data, batch, from + r);
            CenterNetTargets c = targetsOf(data, objects);
            int[] classOf = objects.stream().mapToInt(Targets.Boxes.Labelled::classIndex).toArray();
            for (int slot = 0; slot < c.mask().length; slot++) {
                if (c.mask()[slot] == 1) {
                    counted++;
                    right += predictions[r * area + c.index()[slot]] == classOf[slot] ? 1 : 0;
                }
            }
        }
        return new long[] {right, counted};
    }

    /** VOC mAP at IoU 0.5, in percent. */
    @Override
    public double quality(Network net, Dataset data, int batchSize) {
        return 100 * MAP.evaluate(truths(data), detect(net, data, batchSize)).map();
    }

    /**
     * A detector's figures on a split, in percent: VOC mAP at IoU 0.5 (the primary metric) and COCO's AP@[.5:.95]
     * beside it (101 recall points, up to 100 detections per image: {@link CocoAp}), of the same detections.
     */
    public record Evaluation(double map50, double cocoAp) {
    }

    /** {@code net}'s {@link Evaluation} on {@code data}. */
    public static Evaluation evaluate(Network net, Dataset data, int batchSize) {
        List<GroundTruth> truths = truths(data);
        List<Detection> found = detect(net, data, batchSize);
        return new Evaluation(100 * MAP.evaluate(truths, found).map(), 100 * new CocoAp().evaluate(truths, found).ap());
    }

    /** What {@code net} finds in every sample of {@code data}: at most 100 detections each, sample by sample. */
    public static List<Detection> detect(Network net, Dataset data, int batchSize) {
        ObjectDetection at = TASK.forNetwork(net.spec());
        int[] hw = at.mapSize(data);
        int area = hw[0] * hw[1];
        int k = data.classes();
        List<Detection> out = new ArrayList<>();
        net.outputs(data, batchSize, (start, n, maps) -> {
            for (int i = 0; i < n; i++) {
                out.addAll(at.decoder.decode(imageId(start + i), data.classNames(), hw[0], hw[1],
                        Arrays.copyOfRange(maps[0], i * k * area, (i + 1) * k * area),
                        Arrays.copyOfRange(maps[1], i * 2 * area, (i + 1) * 2 * area),
                        Arrays.copyOfRange(maps[2], i * 2 * area, (i + 1) * 2 * area)));
            }
        });
        return out;
    }

    /** Every object of {@code data} as a ground truth of the image {@link #imageId} names. */
    public static List<GroundTruth> truths(Dataset data) {
        Targets.Boxes b = boxes(data);
        List<GroundTruth> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            for (Targets.Boxes.Labelled o : b.of(i)) {
                out.add(new GroundTruth(imageId(i), data.classNames().get(o.classIndex()), o.box(), o.difficult(),
                        false));
            }
        }
        return out;
    }

    /** What sample {@code i} is called in ground truths and detections. */
    public static String imageId(int i) {
        return Integer.toString(i);
    }

    @Override
    public SampleResults judge(Network net, Dataset data, int batchSize) {
        return DetectionResults.of(truths(data), detect(net, data, batchSize), data.classNames(), data.size());
    }
}

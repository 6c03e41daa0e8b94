package dev.gensynth.zoo;

import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A detection reference in the manner of NVIDIA's DetectNet (DIGITS 4, 2016; the reference the original work
 * measured FermiNet-OD against): a fully convolutional GoogLeNet (Szegedy et al. 2015) whose last pooling is left
 * out, so that inception 4a to 5b run on a grid of 1/16 of the input, and two 1×1 convolutions on that grid: a
 * coverage map (one channel per class: whether an object covers the cell) and the object's box in the cell.
 *
 * <p>The trunk has GoogLeNet's layers and widths (its Table 1): a 7×7 convolution of stride 2, a 3×3 max-pool of
 * stride 2, a 1×1 and a 3×3 convolution, a max-pool, inception 3a and 3b at 1/8, a max-pool, inception 4a to 4e
 * and 5a, 5b at 1/16. Each inception module concatenates a 1×1 branch, a 1×1 then 3×3 branch, a 1×1 then 5×5
 * branch and a 3×3 max-pool (stride 1) then 1×1 branch. Every convolution is followed by batch norm and ReLU
 * (GoogLeNet had neither batch norm nor, here, its local response normalisation: batch norm is what trains it
 * from scratch in our recipes), and every pooling pads by 1 so sizes round up (GoogLeNet's ceil mode).
 *
 * <p>The head keeps DetectNet's grid and its two 1×1 outputs, in the form every detector of this task shares
 * ({@link CenterNetHead#OUTPUTS}), so that training, decoding and export are the same code: the coverage map is
 * the per-class heatmap (after a sigmoid, trained with CenterNet's focal loss rather than DetectNet's L2 against a
 * coverage rectangle), and DetectNet's four box-corner distances are the box size and centre offset in grid cells.
 * Detections are the heatmap's peaks (3×3 max-pool), where DetectNet clustered the covered cells' boxes
 * (OpenCV's {@code groupRectangles}): with one cell per 16×16 pixels, objects whose centres fall in the same cell
 * give one detection, the limit of a grid detector.
 */
final class DetectNet {
    /** GoogLeNet's inception widths: 1×1; 3×3 reduce, 3×3; 5×5 reduce, 5×5; pool projection. */
    private static final int[][] INCEPTION_3 = {{64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}};
    private static final int[][] INCEPTION_4_5 = {{192, 96, 208, 16, 48, 64}, {160, 112, 224, 24, 64, 64},
        {128, 128, 256, 24, 64, 64}, {112, 144, 288, 32, 64, 64}, {256, 160, 320, 32, 128, 128},
        {256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}};
    private static final String[] NAMES_4_5 = {"4a", "4b", "4c", "4d", "4e", "5a", "5b"};

    private DetectNet() {
    }

    static NetworkSpec build(dev.gensynth.spec.Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        b.conv("conv1", Zoo.channels(64, width), 7, 2, 3).bn().relu();
        pool(b, "pool1", 2);
        b.conv("conv2_reduce", Zoo.channels(64, width), 1, 1, 0).bn().relu();
        b.conv("conv2", Zoo.channels(192, width), 3, 1, 1).bn().relu();
        pool(b, "pool2", 2);
        inception(b, "3a", INCEPTION_3[0], width);
        inception(b, "3b", INCEPTION_3[1], width);
        pool(b, "pool3", 2);
        for (int i = 0; i < INCEPTION_4_5.length; i++) {
            inception(b, NAMES_4_5[i], INCEPTION_4_5[i], width);
        }
        NetworkSpec trunk = b.build("detectnet");
        String x = trunk.layers().get(trunk.layers().size() - 1).name();
        List<Layer> layers = new ArrayList<>(trunk.layers());
        layers.add(head(CenterNetHead.HEATMAP + "_logits", x, classes));
        layers.add(new Activation(CenterNetHead.HEATMAP, List.of(CenterNetHead.HEATMAP + "_logits"),
                Activation.Function.SIGMOID));
        layers.add(head(CenterNetHead.SIZE, x, 2));
        layers.add(head(CenterNetHead.OFFSET, x, 2));
        NetworkSpec spec = new NetworkSpec(trunk.name(), input, layers, CenterNetHead.OUTPUTS);
        spec.shapes();
        return spec;
    }

    /** A 3×3 max-pool of {@code stride}, padded by 1. */
    private static void pool(SpecBuilder b, String name, int stride) {
        b.maxPool(name, 3, stride, 1);
    }

    /** An inception module on the current tensor: four branches, concatenated. */
    private static void inception(SpecBuilder b, String name, int[] w, double width) {
        String in = b.current();
        String one = b.at(in).conv(name + "_1x1", Zoo.channels(w[0], width), 1, 1, 0).bn().relu().current();
        String three = b.at(in).conv(name + "_3x3_reduce", Zoo.channels(w[1], width), 1, 1, 0).bn().relu()
                .conv(name + "_3x3", Zoo.channels(w[2], width), 3, 1, 1).bn().relu().current();
        String five = b.at(in).conv(name + "_5x5_reduce", Zoo.channels(w[3], width), 1, 1, 0).bn().relu()
                .conv(name + "_5x5", Zoo.channels(w[4], width), 5, 1, 2).bn().relu().current();
        b.at(in);
        pool(b, name + "_pool", 1);
        String proj = b.conv(name + "_pool_proj", Zoo.channels(w[5], width), 1, 1, 0).bn().relu().current();
        b.concat(name + "_out", one, three, five, proj);
    }

    /** A 1×1 convolution with bias to {@code out} channels: DetectNet's coverage and box outputs. */
    private static Layer head(String name, String x, int out) {
        return new Conv(name, List.of(x), Conv.Style.POINTWISE, out, 1, 1, 0, 1, 1, true);
    }
}

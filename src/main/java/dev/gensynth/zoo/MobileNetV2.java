package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * MobileNet-V2 (Sandler et al. 2018) for small images: inverted residual blocks that expand
 * a narrow tensor with a pointwise conv (x6, ReLU6), filter it with a depthwise 3x3 (ReLU6)
 * and project it back with a linear pointwise conv, adding the block input when stride and
 * width allow. The linear bottleneck is what keeps it accurate at a fraction of
 * MobileNet-V1's MACs. The stage table is the paper's first five stages with fewer repeats,
 * a stride-1 stem and the last stride moved to the 96-wide stage, and the head is 320 wide
 * instead of 1280: a 28x28 input goes 28, 14, 7, 4 rather than collapsing to 1x1, and the
 * network stays proportionate to a 10-class problem.
 */
final class MobileNetV2 {
    /** {expansion t, out channels c, repeats n, first stride s}, as in the paper's table 2 (truncated). */
    static final int[][] STAGES = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 2, 1}, {6, 96, 2, 2}};
    static final int STEM = 32;
    private static final int HEAD = 320;

    private MobileNetV2() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        body(b, width, 1, stage -> { });
        b.pointwise("head", Zoo.channels(HEAD, width)).bn().relu6();
        b.globalAvgPool().flatten().linear("fc", classes);
        return b.build("mobilenet_v2");
    }

    /**
     * The stem (stride {@code stemStride}) and the inverted-residual stages of {@link #STAGES} at {@code width}, blocks
     * named b1, b2, ...; {@code afterStage} is told each stage's index once its last block is built, so a
     * detector's or segmenter's head can take the map there ({@code b.current()}).
     */
    static void body(SpecBuilder b, double width, int stemStride, java.util.function.IntConsumer afterStage) {
        int in = Zoo.channels(STEM, width);
        b.conv("stem", in, 3, stemStride, 1).bn().relu6();
        int block = 0;
        for (int s = 0; s < STAGES.length; s++) {
            int[] st = STAGES[s];
            int out = Zoo.channels(st[1], width);
            for (int k = 0; k < st[2]; k++) {
                block++;
                invertedResidual(b, "b" + block, in, out, st[0], k == 0 ? st[3] : 1);
                in = out;
            }
            afterStage.accept(s);
        }
    }

    /** Expansion 1 has no expand conv, as in the paper: it would be a second pointwise of the same width. */
    static void invertedResidual(SpecBuilder b, String name, int in, int out, int t, int stride) {
        String x = b.current();
        if (t != 1) {
            b.pointwise(name + "_expand", in * t).bn().relu6();
        }
        b.depthwise(name + "_dw", 3, stride).bn().relu6();
        b.pointwise(name + "_project", out).bn();
        if (stride == 1 && in == out) {
            b.add(name + "_add", x, b.current());
        }
    }
}

package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * MobileNet-V1 (Howard et al. 2017) for small images: a 3x3 stem, then depthwise separable
 * blocks (depthwise 3x3-BN-ReLU, pointwise-BN-ReLU), which cost roughly 1/9 of a standard
 * 3x3 convolution of the same width. Widths run 32..256 instead of 32..1024 and the stem is
 * stride 1 with two stride-2 blocks (28, 14, 7) instead of five, because a 28x28 image has
 * far fewer pixels and far less to learn than an ImageNet one.
 */
final class MobileNetV1 {
    /** {out channels, stride} of each depthwise separable block. */
    private static final int[][] BLOCKS = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {256, 1}};

    private MobileNetV1() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        b.conv("stem", Zoo.channels(32, width), 3, 1, 1).bn().relu();
        for (int i = 0; i < BLOCKS.length; i++) {
            String name = "b" + (i + 1);
            b.depthwise(name + "_dw", 3, BLOCKS[i][1]).bn().relu();
            b.pointwise(name + "_pw", Zoo.channels(BLOCKS[i][0], width)).bn().relu();
        }
        b.globalAvgPool().flatten().linear("fc", classes);
        return b.build("mobilenet_v1");
    }
}

package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * The residual prototype: a CIFAR-style ResNet (He et al. 2016) sized for 28x28 and 32x32
 * images. A 3x3 stem sees the full resolution (a 7x7 stride-2 stem with max pooling, as for
 * ImageNet, would leave too little of a 28x28 image); three stages of two basic blocks at
 * widths 24/48/96 each halve the resolution (14, 7, 4), then global average pooling and a
 * linear classifier. Running the stages below full resolution is what makes it cheap: on a
 * 2-core CPU the same blocks at 28/14/7 train at a quarter of the speed (measured: 80 M MACs,
 * about 170 img/s) for little accuracy on 28x28 data. It is the synthesis' default starting
 * point because it reaches over 91 % on Fashion-MNIST within a few epochs and its residual
 * adds exercise the generator's tied channels.
 */
final class ResNet {
    private static final int[] WIDTHS = {24, 48, 96};
    private static final int BLOCKS = 2;

    private ResNet() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        int in = Zoo.channels(WIDTHS[0], width);
        b.conv("stem", in, 3, 1, 1).bn().relu();
        stages(b, in, widths(width));
        b.globalAvgPool().flatten().linear("fc", classes);
        return b.build("resnet");
    }

    /** The stage widths 24/48/96 times {@code width}: the backbone the segmenters and the detector share. */
    static int[] widths(double width) {
        int[] w = new int[WIDTHS.length];
        for (int s = 0; s < w.length; s++) {
            w[s] = Zoo.channels(WIDTHS[s], width);
        }
        return w;
    }

    /**
     * The backbone's stages after the current tensor (of {@code in} channels): per width, {@value #BLOCKS} basic
     * blocks named {@code s<stage>b<block>}, the first halving the resolution. Returns each stage's output.
     */
    static String[] stages(SpecBuilder b, int in, int[] widths) {
        String[] out = new String[widths.length];
        for (int s = 0; s < widths.length; s++) {
            for (int k = 0; k < BLOCKS; k++) {
                block(b, "s" + (s + 1) + "b" + (k + 1), k == 0 ? in : widths[s], widths[s], k == 0 ? 2 : 1);
            }
            out[s] = b.current();
            in = widths[s];
        }
        return out;
    }

    /**
     * Basic block: conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU. When the block
     * changes resolution or width the shortcut is a strided 1x1 conv + BN projection (ResNet
     * option B) so the add sees equal shapes. The projection is a {@code conv} with kernel 1,
     * not a {@code pointwise_conv}, because the latter is always stride 1.
     */
    static void block(SpecBuilder b, String name, int in, int out, int stride) {
        String x = b.current();
        b.conv(name + "_conv1", out, 3, stride, 1).bn().relu();
        b.conv(name + "_conv2", out, 3, 1, 1).bn();
        String main = b.current();
        String shortcut = x;
        if (stride != 1 || in != out) {
            b.at(x).conv(name + "_proj", out, 1, stride, 0).bn();
            shortcut = b.current();
        }
        b.add(name + "_add", main, shortcut).relu();
    }
}

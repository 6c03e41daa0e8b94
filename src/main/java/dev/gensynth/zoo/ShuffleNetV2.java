package dev.gensynth.zoo;

import dev.gensynth.spec.ChannelSlice;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * ShuffleNet-V2 (Ma et al. 2018) for small images. A stride-1 unit splits the channels in
 * half, leaves one half untouched and runs the other through pointwise-depthwise-pointwise,
 * then concatenates and shuffles so the halves mix in the next unit; a stride-2 unit runs two
 * branches on the full input and concatenates them, doubling the width. Equal input and
 * output widths and no adds are its rules for fast memory access. The stem is a stride-1 3x3
 * conv without max pooling, and the stages (widths 64/128/256, the paper's 0.5x-1x range)
 * each halve the resolution: 28, 14, 7, 4.
 */
final class ShuffleNetV2 {
    private static final int[] WIDTHS = {64, 128, 256};
    private static final int[] UNITS = {3, 7, 3};
    private static final int STEM = 24;
    private static final int HEAD = 512;

    private ShuffleNetV2() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        b.conv("stem", Zoo.channels(STEM, width), 3, 1, 1).bn().relu();
        for (int s = 0; s < WIDTHS.length; s++) {
            int out = Zoo.channels(WIDTHS[s], width);
            for (int u = 0; u < UNITS[s]; u++) {
                String name = "s" + (s + 1) + "u" + (u + 1);
                if (u == 0) {
                    downsample(b, name, out);
                } else {
                    basic(b, name, out);
                }
            }
        }
        b.pointwise("head", Zoo.channels(HEAD, width)).bn().relu();
        b.globalAvgPool().flatten().linear("fc", classes);
        return b.build("shufflenet_v2");
    }

    private static void basic(SpecBuilder b, String name, int out) {
        String x = b.current();
        b.slice(name + "_keep", ChannelSlice.Half.FIRST);
        String keep = b.current();
        b.at(x).slice(name + "_split", ChannelSlice.Half.SECOND);
        branch(b, name, out / 2, 1);
        b.concat(name + "_concat", keep, b.current()).shuffle(2);
    }

    private static void downsample(SpecBuilder b, String name, int out) {
        String x = b.current();
        b.depthwise(name + "_left_dw", 3, 2).bn();
        b.pointwise(name + "_left_pw", out / 2).bn().relu();
        String left = b.current();
        b.at(x);
        branch(b, name, out / 2, 2);
        b.concat(name + "_concat", left, b.current()).shuffle(2);
    }

    /** The convolutional branch: pointwise-BN-ReLU, depthwise-BN (no ReLU, as in the paper), pointwise-BN-ReLU. */
    private static void branch(SpecBuilder b, String name, int mid, int stride) {
        b.pointwise(name + "_pw1", mid).bn().relu();
        b.depthwise(name + "_dw", 3, stride).bn();
        b.pointwise(name + "_pw2", mid).bn().relu();
    }
}

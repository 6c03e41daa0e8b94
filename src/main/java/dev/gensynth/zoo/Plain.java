package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * A VGG-like network (Simonyan and Zisserman 2015) without shortcuts: pairs of
 * conv3x3-BN-ReLU at widths 32/64/128 separated by 2x2 max pooling (28, 14, 7), global
 * average pooling, dropout and a linear classifier. It is the reference for what residual
 * connections and cheaper convolutions buy, and the simplest graph the generator handles
 * (every layer's width is free, nothing is tied). Global pooling rather than flatten keeps
 * the classifier small and the network valid for any input size.
 */
final class Plain {
    private static final int[] WIDTHS = {32, 64, 128};

    private Plain() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        for (int s = 0; s < WIDTHS.length; s++) {
            int out = Zoo.channels(WIDTHS[s], width);
            if (s > 0) {
                b.maxPool(2, 2);
            }
            for (int k = 1; k <= 2; k++) {
                b.conv("s" + (s + 1) + "_conv" + k, out, 3, 1, 1).bn().relu();
            }
        }
        b.globalAvgPool().flatten().dropout(0.2).linear("fc", classes);
        return b.build("plain");
    }
}

package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * A segmentation reference in the manner of LR-ASPP (Howard et al. 2019, "Searching for MobileNetV3", the
 * head torchvision ships as {@code lraspp_mobilenet_v3_large}) on this zoo's MobileNet-V2 stages behind a
 * stride-2 stem, as the paper's backbone has: on the deepest features (1/16 of the resolution) a 1×1
 * convolution (batch norm, ReLU) times a per-channel gate from their global average (1×1 convolution,
 * sigmoid), upsampled 2× and scored per class; plus a class score of the 1/8-resolution features; their sum
 * upsampled to the input. It upsamples by nearest neighbour, the only upsampling the zoo has, where the paper
 * interpolates bilinearly.
 */
final class LrAspp {
    private static final int INNER = 128;

    private LrAspp() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        int in = Zoo.channels(MobileNetV2.STEM, width);
        b.conv("stem", in, 3, 2, 1).bn().relu6();
        String low = null;
        int block = 0;
        for (int s = 0; s < MobileNetV2.STAGES.length; s++) {
            int[] st = MobileNetV2.STAGES[s];
            int out = Zoo.channels(st[1], width);
            for (int k = 0; k < st[2]; k++) {
                block++;
                MobileNetV2.invertedResidual(b, "b" + block, in, out, st[0], k == 0 ? st[3] : 1);
                in = out;
            }
            if (s == 2) {
                low = b.current(); // the end of the 1/8-resolution stage
            }
        }
        String high = b.current();
        int inner = Zoo.channels(INNER, width);
        String features = b.pointwise("aspp_conv", inner).bn().relu().current();
        String gate = b.at(high).globalAvgPool().pointwise("aspp_gate", inner).sigmoid().current();
        b.mul("aspp_mul", features, gate).upsample("aspp_up", 2, low).classifier("high_score", classes);
        String highScore = b.current();
        String lowScore = b.at(low).classifier("low_score", classes).current();
        b.add("fuse", highScore, lowScore).upsample("up", 8, dev.gensynth.spec.Layer.INPUT);
        return b.build("lraspp_mobilenet_v2");
    }
}

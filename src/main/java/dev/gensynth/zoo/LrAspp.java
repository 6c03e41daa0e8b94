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
        String[] stageEnds = new String[MobileNetV2.STAGES.length];
        MobileNetV2.body(b, width, 2, s -> stageEnds[s] = b.current());
        String low = stageEnds[2]; // the end of the 1/8-resolution stage
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

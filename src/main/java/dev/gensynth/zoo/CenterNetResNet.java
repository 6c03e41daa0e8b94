package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * The detection prototype: CenterNet ("Objects as Points", Zhou et al. 2019) on the residual backbone of the
 * classification prototype. The backbone is {@link ResNet}'s three stages of two basic blocks (widths
 * 24/48/96, built by {@link ResNet#block}) behind a 3×3 stem of stride 2, where the classifier's stem keeps
 * the full resolution: CenterNet's ResNet stem also reaches 1/4 before its first stage (7×7 of stride 2 and
 * a max-pool), and a full-resolution stem with a stage at 1/2 would cost twice the whole network at 96×96.
 * The stages then sit at 1/4, 1/8 and 1/16 of the input.
 *
 * <p>The up-path is a simplified version of CenterNet's (the deconvolutions of its ResNet, the iterative
 * aggregation of its DLA-34): at each level the deeper map is projected to the shallower stage's width (1×1
 * convolution, batch norm, ReLU), upsampled 2× by nearest neighbour to the stage's size, added to the stage's
 * output and mixed by a 3×3 convolution (batch norm, ReLU), as DLA's IDA node does; twice, from 1/16 to 1/4.
 * Plain convolutions and nearest upsampling stand in for the deformable convolutions and learned
 * upsampling of the paper, so the network maps onto plain ONNX operators. The stride-4 features are 24
 * wide, the first stage's width, as DLA-34's up-path ends at its stride-4 level's 64.
 *
 * <p>{@link CenterNetHead} follows, with CenterNet's {@code head_conv} of 64 for its ResNet and DLA
 * backbones. Every stride rounds up (3×3, padding 1), so the maps are ⌈H/4⌉×⌈W/4⌉; any input from 32×32
 * works.
 */
final class CenterNetResNet {
    private static final int HEAD = 64;

    private CenterNetResNet() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        int[] widths = ResNet.widths(width);
        b.conv("stem", widths[0], 3, 2, 1).bn().relu();
        String[] stage = ResNet.stages(b, widths[0], widths);
        String deep = stage[stage.length - 1];
        for (int s = stage.length - 2; s >= 0; s--) {
            String level = "up" + (s + 1);
            String up = b.at(deep).pointwise(level + "_proj", widths[s]).bn().relu()
                    .upsample(level, 2, stage[s]).current();
            b.add(level + "_add", up, stage[s]);
            deep = b.conv(level + "_node", widths[s], 3, 1, 1).bn().relu().current();
        }
        return CenterNetHead.attach(b.build("centernet_resnet"), "centernet_resnet", classes,
                Zoo.channels(HEAD, width), false);
    }
}

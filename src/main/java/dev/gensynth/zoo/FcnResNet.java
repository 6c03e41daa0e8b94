package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;

/**
 * A segmentation reference in the manner of FCN-8s (Long et al. 2015) on the residual backbone of
 * the classification prototype: the stem and three stages of two basic blocks (widths 24/48/96,
 * at 1/2, 1/4 and 1/8 of the resolution), a 1x1 score layer on the deepest stage, upsampled 2x and
 * added to the score of the stage above, twice, then upsampled 2x to the input. FCN-8s fuses
 * scores at 1/8, 1/16 and 1/32 of a large photo; at 64x64 the same fusion sits one octave higher.
 * No decoder convolutions: the coarse-to-fine sum of class scores is the whole head.
 */
final class FcnResNet {
    private FcnResNet() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        int[] widths = ResNet.widths(width);
        b.conv("stem", widths[0], 3, 1, 1).bn().relu();
        String full = b.current();
        String[] stage = ResNet.stages(b, widths[0], widths);
        String score = b.at(stage[2]).classifier("score3", classes).current();
        for (int s = 1; s >= 0; s--) {
            String up = b.at(score).upsample("up" + (s + 2), 2, stage[s]).current();
            String skip = b.at(stage[s]).classifier("score" + (s + 1), classes).current();
            score = b.add("fuse" + (s + 1), up, skip).current();
        }
        b.at(score).upsample("up1", 2, full);
        return b.build("fcn_resnet");
    }
}

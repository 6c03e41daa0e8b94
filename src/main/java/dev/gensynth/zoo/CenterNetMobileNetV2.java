package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * A detection reference in the manner of TensorFlow's Object Detection API "CenterNet MobileNetV2 FPN" (the
 * model zoo's {@code centernet_mobilenetv2_fpn_od}: feature extractor {@code mobilenet_v2_fpn_sep_conv},
 * {@code use_depthwise: true}; {@code models/center_net_mobilenet_v2_fpn_feature_extractor.py}) on this zoo's
 * MobileNet-V2 stages behind a stride-2 stem, as the paper's backbone has (the stages of {@link MobileNetV2},
 * built by {@link MobileNetV2#invertedResidual}, as {@link LrAspp} does): the 24-wide stage at 1/4, the 32-
 * and 64-wide ones at 1/8, the 96-wide one at 1/16.
 *
 * <p>Its top-down path is the API's: a 1×1 convolution on the deepest map, then at each finer level a 2×
 * nearest upsampling, plus a 1×1 projection of that level's last map, and a separable 3×3 convolution (depthwise
 * 3×3, 1×1) with batch norm and ReLU, with the API's widths. The API starts at 1/32 (the 1,280-wide last
 * layer) and merges at 1/16, 1/8 and 1/4 with widths 64, 32, 24; this zoo's MobileNet-V2 ends at 1/16 without
 * that last layer, so the path starts there and keeps the last two merges (32 at 1/8, 24 at 1/4), each
 * followed by a 24-wide convolution. The convolutions the API gives a bias have none here where a batch norm
 * follows them (after the sum, it would cancel it).
 *
 * <p>{@link CenterNetHead} follows in the API's form: separable 3×3 convolutions of its default 256 filters.
 * Every stride rounds up, so the maps are ⌈H/4⌉×⌈W/4⌉; any input from 32×32 works.
 */
final class CenterNetMobileNetV2 {
    /** The top-down path's widths at 1/8 and 1/4 (the API's last two), and the width of its output. */
    private static final int[] TOP_DOWN = {32, 24};
    private static final int OUT = 24;
    private static final int HEAD = 256;

    private CenterNetMobileNetV2() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        Map<Integer, String> last = new HashMap<>(); // the last map at each stride, as FPN takes it
        int[] stride = {2};
        MobileNetV2.body(b, width, 2, s -> {
            stride[0] *= MobileNetV2.STAGES[s][3];
            last.put(stride[0], b.current());
        });
        String topDown = b.at(last.get(16)).pointwise("fpn_top", Zoo.channels(TOP_DOWN[0], width)).current();
        for (int i = 0; i < TOP_DOWN.length; i++) {
            int s = 8 >> i;
            String level = "fpn" + s;
            String skip = last.get(s);
            String up = b.at(topDown).upsample(level + "_up", 2, skip).current();
            String lateral = b.at(skip).pointwise(level + "_lateral", Zoo.channels(TOP_DOWN[i], width)).current();
            b.add(level + "_add", up, lateral);
            int next = i + 1 < TOP_DOWN.length ? TOP_DOWN[i + 1] : OUT;
            topDown = b.depthwise(level + "_dw", 3, 1).pointwise(level + "_pw", Zoo.channels(next, width)).bn().relu()
                    .current();
        }
        return CenterNetHead.attach(b.build("centernet_mobilenet_v2"), "centernet_mobilenet_v2", classes,
                Zoo.channels(HEAD, width), true);
    }
}

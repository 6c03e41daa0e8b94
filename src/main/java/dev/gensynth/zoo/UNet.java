package dev.gensynth.zoo;

import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The segmentation prototype: a light U-Net (Ronneberger et al. 2015). A narrow 3x3 stem keeps the
 * full resolution; an encoder of four levels (two 3x3 conv-BN-ReLU each, the first with stride 2
 * where the paper max-pools) halves it four times; a decoder climbs back, each level upsampling
 * (nearest, to the size of the skip it meets, so odd sizes work), concatenating the encoder's map of
 * that size and running two 3x3 convs (one at full resolution, with the stem's map); a 1x1
 * convolution gives a score per class at every input pixel. Widths 8 (full resolution), then
 * 16/32/48/64, instead of the paper's 64..1024: at 64x64 that is about 40 M MACs, which a 2-core CPU
 * trains in minutes, where full-width levels at full resolution cost three times as much. Any input
 * from 32x32 works.
 */
final class UNet {
    private static final int STEM = 8;
    private static final int[] WIDTHS = {16, 32, 48, 64};

    private UNet() {
    }

    static NetworkSpec build(Shape input, int classes, double width) {
        SpecBuilder b = new SpecBuilder(input);
        List<String> skips = new ArrayList<>();
        int stem = Zoo.channels(STEM, width);
        b.conv("stem", stem, 3, 1, 1).bn().relu();
        skips.add(b.current());
        for (int level = 0; level < WIDTHS.length; level++) {
            int w = Zoo.channels(WIDTHS[level], width);
            String name = "enc" + (level + 1);
            b.conv(name + "_conv1", w, 3, 2, 1).bn().relu();
            b.conv(name + "_conv2", w, 3, 1, 1).bn().relu();
            skips.add(b.current());
        }
        for (int level = WIDTHS.length - 1; level >= 0; level--) {
            int w = level == 0 ? stem : Zoo.channels(WIDTHS[level - 1], width);
            String name = "dec" + level;
            String skip = skips.get(level);
            String up = b.upsample(name + "_up", 2, skip).current();
            b.concat(name + "_concat", up, skip);
            b.conv(name + "_conv1", w, 3, 1, 1).bn().relu();
            if (level > 0) {
                b.conv(name + "_conv2", w, 3, 1, 1).bn().relu();
            }
        }
        b.classifier("head", classes);
        return b.build("unet");
    }
}

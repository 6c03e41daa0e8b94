package dev.gensynth.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.zoo.Zoo;
import org.junit.jupiter.api.Test;

class ChannelGroupsTest {
    /** An encoder map and the decoder's upsampled map concatenated, as in a U-Net, then a BN and a conv. */
    static final NetworkSpec SKIP = SpecIO.parse("""
            name: skip
            input: {channels: 1, height: 8, width: 8}
            layers:
              - {name: e1, kind: conv, out: 6, kernel: 3, padding: 1}
              - {name: e1_r, kind: relu}
              - {name: e2, kind: conv, out: 4, kernel: 3, stride: 2, padding: 1}
              - {name: up, kind: upsample, scale: 2, inputs: [e2, e1_r]}
              - {name: cat, kind: concat, inputs: [up, e1_r]}
              - {name: cat_bn, kind: batchnorm}
              - {name: d1, kind: conv, out: 5, kernel: 3, padding: 1}
              - {name: head, kind: conv, out: 3, kernel: 1, bias: true}
            outputs: [head]
            """, true, "test");

    @Test
    void concatInputsStayPrunableAndTheConsumerTakesTheKeptChannelsOfEachPart() {
        ChannelGroups g = new ChannelGroups(SKIP);
        int e1 = g.groupOf("e1");
        int e2 = g.groupOf("e2");
        assertThat(e1).isNotNegative();
        assertThat(e2).isNotNegative().isNotEqualTo(e1);
        assertThat(g.groupOf("d1")).isNotNegative();
        assertThat(g.groupOf("head")).isEqualTo(-1); // an output
        assertThat(g.groupOf("cat")).isEqualTo(-1); // two spaces side by side: no one group
        assertThat(g.count()).isEqualTo(3);

        int[][] kept = new int[3][];
        kept[e1] = new int[] {0, 2, 5};
        kept[e2] = new int[] {1, 3};
        kept[g.groupOf("d1")] = Slicer.range(5);
        // the concat's channels: e2's four first, then e1's six
        assertThat(g.kept("cat", kept)).containsExactly(1, 3, 4 + 0, 4 + 2, 4 + 5);

        Weights w = Weights.initial(SKIP, 7);
        Slicer.Cut cut = Slicer.cut(g, w, kept, "cut");
        assertThat(cut.spec().shapes().get("cat")).isEqualTo(Shape.of(5, 8, 8));
        Tensor parent = w.get("d1.weight");
        Tensor child = cut.weights().get("d1.weight");
        assertThat(child.shape()).containsExactly(5, 5, 3, 3);
        int[] from = {1, 3, 4, 6, 9};
        for (int o = 0; o < 5; o++) {
            for (int c = 0; c < 5; c++) {
                for (int k = 0; k < 9; k++) {
                    assertThat(child.data()[(o * 5 + c) * 9 + k]).isEqualTo(parent.data()[(o * 10 + from[c]) * 9 + k]);
                }
            }
        }
        assertThat(cut.weights().get("cat_bn.gamma").shape()).containsExactly(5);
        assertThat(cut.weights().get("cat_bn.runningMean").data()[3])
                .isEqualTo(w.get("cat_bn.runningMean").data()[6]);
    }

    @Test
    void theUNetsEncoderNarrowsNowThatItsSkipsDoNotFreezeIt() {
        NetworkSpec unet = Zoo.get("unet", Shape.of(1, 64, 64), 11);
        ChannelGroups g = new ChannelGroups(unet);
        for (String encoder : new String[] {"stem", "enc1_conv2", "enc2_conv2", "enc3_conv2", "enc4_conv2"}) {
            assertThat(g.groupOf(encoder)).as(encoder).isNotNegative();
        }
        // every convolution but the head opens a group of its own
        long convs = unet.layers().stream().filter(l -> l instanceof dev.gensynth.spec.Conv).count();
        assertThat(g.count()).isEqualTo((int) convs - 1);
        int[][] half = new int[g.count()][];
        for (int k = 0; k < half.length; k++) {
            half[k] = Slicer.range(Math.max(1, g.width(k) / 2));
        }
        NetworkSpec cut = Slicer.cutSpec(g, half);
        assertThat(dev.gensynth.metrics.Cost.of(cut).macs()).isLessThan(dev.gensynth.metrics.Cost.of(unet).macs() / 3);
        assertThat(cut.shapes().get("head")).isEqualTo(Shape.of(11, 64, 64));
    }

    @Test
    void groupsThatAHeadReadsKeepAtLeastItsOutputs() {
        ChannelGroups seg = new ChannelGroups(Zoo.get("resunet", Shape.of(1, 64, 64), 11));
        assertThat(seg.headFloor(seg.groupOf("dec1_conv"))).isEqualTo(11);
        assertThat(seg.headFloor(seg.groupOf("dec2_conv"))).isZero();
        assertThat(seg.headFloor(seg.groupOf("stem"))).isZero();
        // FCN scores every stage, each score summed into the output
        ChannelGroups fcn = new ChannelGroups(Zoo.get("fcn_resnet", Shape.of(1, 64, 64), 11));
        for (String stage : new String[] {"s1b2_add", "s2b2_add", "s3b2_add"}) {
            assertThat(fcn.headFloor(fcn.groupOf(stage))).as(stage).isEqualTo(11);
        }
        // a classifier's last stage feeds its linear layer through pooling and flattening
        ChannelGroups cls = new ChannelGroups(Zoo.get("resnet", Shape.of(1, 28, 28), 10));
        assertThat(cls.headFloor(cls.groupOf("s3b2_add"))).isEqualTo(10);
        // a detector: each head's own hidden convolution, at that head's outputs
        ChannelGroups det = new ChannelGroups(Zoo.get("centernet_resnet", Shape.of(1, 96, 96), 10));
        assertThat(det.headFloor(det.groupOf("heatmap_conv"))).isEqualTo(10);
        assertThat(det.headFloor(det.groupOf("size_conv"))).isEqualTo(2);
        assertThat(det.headFloor(det.groupOf("up1_node"))).isZero();

        Widths eights = new Widths(2, 8);
        int g = seg.groupOf("dec1_conv");
        assertThat(eights.narrowest(seg, g)).isEqualTo(16);
        assertThat(eights.of(3, seg, g)).isEqualTo(16);
        assertThat(eights.of(21, seg, g)).isEqualTo(24);
        assertThat(eights.narrowest(seg, seg.groupOf("stem"))).isEqualTo(8);
    }
}

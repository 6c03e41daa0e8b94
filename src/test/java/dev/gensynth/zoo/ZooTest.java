package dev.gensynth.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import dev.gensynth.metrics.Cost;
import dev.gensynth.spec.Add;
import dev.gensynth.spec.ChannelShuffle;
import dev.gensynth.spec.ChannelSlice;
import dev.gensynth.spec.Concat;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZooTest {
    private static final Shape MNIST = Shape.of(1, 28, 28);
    private static final Shape CIFAR = Shape.of(3, 32, 32);

    private static long count(NetworkSpec s, Class<? extends Layer> kind) {
        return s.layers().stream().filter(kind::isInstance).count();
    }

    private static Shape beforeGlobalPool(NetworkSpec s) {
        Layer gap = s.layers().stream().filter(GlobalAvgPool.class::isInstance).findFirst().orElseThrow();
        return s.shapes().get(gap.inputs().get(0));
    }

    @Test
    void namesAreFixed() {
        assertThat(Zoo.names()).containsExactly("resnet", "plain", "mobilenet_v1", "mobilenet_v2", "shufflenet_v2",
                "resunet", "unet", "fcn_resnet", "lraspp_mobilenet_v2", "centernet_resnet", "centernet_mobilenet_v2", "detectnet");
        assertThat(Zoo.names("segmentation")).containsExactly("resunet", "unet", "fcn_resnet", "lraspp_mobilenet_v2");
        assertThat(Zoo.names("detection")).containsExactly("centernet_resnet", "centernet_mobilenet_v2", "detectnet");
        assertThat(Zoo.task("resnet")).isEqualTo("classification");
        assertThatThrownBy(() -> Zoo.task("segnet")).isInstanceOf(UserError.class).hasMessageContaining("unet");
    }

    @Test
    void everySegmenterScoresEveryPixelOfAnyInputFrom32() {
        for (String name : Zoo.names("segmentation")) {
            for (Shape input : List.of(Shape.of(1, 32, 32), Shape.of(1, 33, 33), Shape.of(3, 64, 64),
                    Shape.of(3, 48, 37))) {
                for (int classes : new int[] {2, 11, 21}) {
                    String what = name + " " + input + " " + classes;
                    NetworkSpec spec = Zoo.get(name, input, classes, 0.5);
                    assertThat(spec.shapes().get(spec.outputs().get(0))).as(what)
                            .isEqualTo(Shape.of(classes, input.height(), input.width()));
                    assertThat(SpecIO.parse(SpecIO.toYaml(spec), true, what)).as(what).isEqualTo(spec);
                    assertThat(SpecIO.parse(SpecIO.toJson(spec), false, what)).as(what).isEqualTo(spec);
                }
            }
        }
        // the prototype's size on the default canvases (64x64, background + 10 classes)
        assertThat(Cost.of(Zoo.get("resunet", Shape.of(1, 64, 64), 11)).macs()).isBetween(60_000_000L, 120_000_000L);
        assertThat(Cost.of(Zoo.get("unet", Shape.of(1, 64, 64), 11)).macs()).isBetween(20_000_000L, 80_000_000L);
    }

    @Test
    void lrAsppIsTheLightSegmenterAndItsGateNarrowsWithTheFeaturesItScales() {
        Shape canvas = Shape.of(1, 64, 64);
        NetworkSpec lr = Zoo.get("lraspp_mobilenet_v2", canvas, 11);
        assertThat(Cost.of(lr).macs()).isLessThan(Cost.of(Zoo.get("unet", canvas, 11)).macs() / 2);
        assertThat(lr.shapes().get("aspp_mul")).isEqualTo(Shape.of(128, 4, 4)); // 1/16 of the canvas
        dev.gensynth.generator.ChannelGroups groups = new dev.gensynth.generator.ChannelGroups(lr);
        assertThat(groups.groupOf("aspp_gate")).isNotNegative().isEqualTo(groups.groupOf("aspp_conv"));
    }

    @Test
    void everyArchitectureIsValidAndRoundTripsThroughYamlAndJson() {
        for (String name : Zoo.names("classification")) {
            for (Shape input : List.of(MNIST, CIFAR)) {
                for (int classes : new int[] {2, 10, 100}) {
                    for (double width : new double[] {0.25, 0.5, 1.0}) {
                        String what = name + " " + input + " " + classes + " x" + width;
                        NetworkSpec spec = Zoo.get(name, input, classes, width);
                        Map<String, Shape> shapes = spec.shapes();
                        assertThat(shapes.get(spec.outputs().get(0))).as(what).isEqualTo(Shape.of(classes));
                        assertThat(beforeGlobalPool(spec).height()).as(what).isGreaterThanOrEqualTo(4);
                        assertThat(SpecIO.parse(SpecIO.toYaml(spec), true, what)).as(what).isEqualTo(spec);
                        assertThat(SpecIO.parse(SpecIO.toJson(spec), false, what)).as(what).isEqualTo(spec);
                    }
                }
            }
        }
    }

    @Test
    void narrowedVersionsAreNamedAfterTheirWidth() {
        assertThat(Zoo.get("resnet", MNIST, 10).name()).isEqualTo("resnet");
        assertThat(Zoo.get("resnet", MNIST, 10, 0.5).name()).isEqualTo("resnet_x0.5");
    }

    @Test
    void channelsRoundToMultiplesOfEightAndNeverBelowEight() {
        assertThat(Zoo.channels(64, 1.0)).isEqualTo(64);
        assertThat(Zoo.channels(116, 1.0)).isEqualTo(120);
        assertThat(Zoo.channels(64, 0.3)).isEqualTo(16);
        assertThat(Zoo.channels(32, 0.1)).isEqualTo(8);
    }

    @Test
    void badRequestsAreUserErrorsThatSayWhatIsAllowed() {
        assertThatThrownBy(() -> Zoo.get("resnet50", MNIST, 10)).isInstanceOf(UserError.class)
                .hasMessageContaining("resnet50").hasMessageContaining(String.join(", ", Zoo.names()));
        assertThatThrownBy(() -> Zoo.get("resnet", Shape.of(784), 10)).isInstanceOf(UserError.class)
                .hasMessageContaining("[channels, height, width]");
        assertThatThrownBy(() -> Zoo.get("resnet", MNIST, 0)).isInstanceOf(UserError.class)
                .hasMessageContaining("class");
        assertThatThrownBy(() -> Zoo.get("resnet", MNIST, 10, 0)).isInstanceOf(UserError.class)
                .hasMessageContaining("width");
        assertThatThrownBy(() -> Zoo.get("resnet", MNIST, 10, Double.NaN)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> Zoo.get("plain", Shape.of(1, 0, 28), 10)).isInstanceOf(UserError.class)
                .hasMessageContaining("does not fit");
    }

    /** The prototype, checked against the hand count of its design (28x28x1, 10 classes). */
    @Test
    void resnetMatchesItsHandCount() {
        NetworkSpec r = Zoo.get("resnet", MNIST, 10);
        // stem at 28x28; stages at 14, 7 and 4, each opened by a stride-2 block with a 1x1 projection
        long stage1 = 4L * 14 * 14 * 24 * 24 * 9 + 14L * 14 * 24 * 24;
        long stage2 = 7L * 7 * 48 * 24 * 9 + 3L * 7 * 7 * 48 * 48 * 9 + 7L * 7 * 48 * 24;
        long stage3 = 4L * 4 * 96 * 48 * 9 + 3L * 4 * 4 * 96 * 96 * 9 + 4L * 4 * 96 * 48;
        assertThat(Cost.of(r).macs()).isEqualTo(28L * 28 * 24 * 9 + stage1 + stage2 + stage3 + 96 * 10);
        long bn = 2L * (24 + 5 * 24 + 5 * 48 + 5 * 96);
        long convs = 24 * 9 + 4 * 24 * 24 * 9 + 24 * 24 + 48 * 24 * 9 + 3 * 48 * 48 * 9 + 48 * 24
                + 96 * 48 * 9 + 3 * 96 * 96 * 9 + 96 * 48;
        assertThat(Cost.of(r).params()).isEqualTo(convs + bn + 96 * 10 + 10);
        assertThat(count(r, Add.class)).isEqualTo(6);
        assertThat(r.layers().stream().filter(l -> l.name().endsWith("_proj"))).hasSize(3);
        assertThat(beforeGlobalPool(r)).isEqualTo(Shape.of(96, 4, 4));
    }

    @Test
    void resnetIsSizedForLaptopTraining() {
        NetworkSpec r = Zoo.get("resnet", MNIST, 10);
        assertThat(Cost.of(r).params()).isBetween(300_000L, 500_000L);
        assertThat(Cost.of(r).macs()).isBetween(8_000_000L, 20_000_000L);
    }

    @Test
    void plainHasNoShortcuts() {
        NetworkSpec p = Zoo.get("plain", MNIST, 10);
        assertThat(count(p, Add.class) + count(p, Concat.class)).isZero();
        assertThat(Cost.of(p).params()).isBetween(200_000L, 400_000L);
        assertThat(Cost.of(p).macs()).isBetween(20_000_000L, 40_000_000L);
    }

    @Test
    void efficientArchitecturesCostLessThanThePlainNetwork() {
        NetworkSpec plain = Zoo.get("plain", MNIST, 10);
        for (String name : List.of("mobilenet_v1", "mobilenet_v2", "shufflenet_v2")) {
            NetworkSpec s = Zoo.get(name, MNIST, 10);
            assertThat(Cost.of(s).macs()).as(name).isBetween(5_000_000L, Cost.of(plain).macs() * 6 / 10);
            assertThat(Cost.of(s).params()).as(name).isBetween(100_000L, 400_000L);
        }
    }

    @Test
    void mobilenetV1IsDepthwiseSeparable() {
        NetworkSpec m = Zoo.get("mobilenet_v1", MNIST, 10);
        long dw = m.layers().stream().filter(l -> l instanceof Conv c && c.style() == Conv.Style.DEPTHWISE).count();
        long pw = m.layers().stream().filter(l -> l instanceof Conv c && c.style() == Conv.Style.POINTWISE).count();
        assertThat(dw).isEqualTo(6).isEqualTo(pw);
        assertThat(Cost.of(m).macs()).isLessThan(Cost.of(Zoo.get("plain", MNIST, 10)).macs());
    }

    @Test
    void mobilenetV2AddsOnlyWhereStrideAndWidthAllow() {
        NetworkSpec m = Zoo.get("mobilenet_v2", MNIST, 10);
        // Stages (n = 1, 2, 3, 2, 2): every repeat after the first of a stage keeps its width and stride 1.
        assertThat(count(m, Add.class)).isEqualTo(0 + 1 + 2 + 1 + 1);
        Map<String, Shape> shapes = m.shapes();
        assertThat(shapes.get("b2_expand").channels()).isEqualTo(6 * 16);
        assertThat(beforeGlobalPool(m)).isEqualTo(Shape.of(320, 4, 4));
    }

    @Test
    void shufflenetV2SplitsConcatenatesAndShuffles() {
        NetworkSpec s = Zoo.get("shufflenet_v2", MNIST, 10);
        int units = 3 + 7 + 3;
        assertThat(count(s, Concat.class)).isEqualTo(units);
        assertThat(count(s, ChannelShuffle.class)).isEqualTo(units);
        assertThat(count(s, ChannelSlice.class)).isEqualTo(2L * (units - 3));
        assertThat(count(s, Add.class)).isZero();
        Map<String, Shape> shapes = s.shapes();
        assertThat(shapes.get("s1u1_concat")).isEqualTo(Shape.of(64, 14, 14));
        assertThat(shapes.get("s2u2_split")).isEqualTo(Shape.of(64, 7, 7));
        assertThat(beforeGlobalPool(s)).isEqualTo(Shape.of(512, 4, 4));
    }

    @Test
    void narrowingScalesCostRoughlyWithTheSquareOfTheWidth() {
        for (String name : Zoo.names()) {
            Shape in = Zoo.task(name).equals("segmentation") ? Shape.of(1, 64, 64) : MNIST;
            double ratio = (double) Cost.of(Zoo.get(name, in, 10, 0.5)).macs() / Cost.of(Zoo.get(name, in, 10)).macs();
            assertThat(ratio).as(name).isBetween(0.2, 0.35);
        }
    }

    @Test
    void theLeastNetworkOfATaskHasItsInputAndOutputAndAlmostNoCost() {
        NetworkSpec c = Zoo.trivial(Shape.of(1, 28, 28), 10, "classification");
        assertThat(c.shapes().get(c.outputs().get(0))).isEqualTo(Shape.of(10));
        assertThat(Cost.of(c).macs()).isLessThan(1000);
        NetworkSpec s = Zoo.trivial(Shape.of(1, 64, 64), 11, "segmentation");
        assertThat(s.shapes().get(s.outputs().get(0))).isEqualTo(Shape.of(11, 64, 64));
        assertThat(Cost.of(s).macs()).isEqualTo(11L * 64 * 64);
    }
}

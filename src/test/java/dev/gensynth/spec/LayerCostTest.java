package dev.gensynth.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Params and MACs of every layer kind against the textbook formula, written out by hand
 * here, so that a change to a layer's cost rule cannot slip through unnoticed: every
 * metric, NetScore and constraint of the project rests on these two numbers.
 *
 * <p>Each case builds a tiny network and reads the layer's cost through
 * {@link NetworkSpec#shapes()} and {@link NetworkSpec#parameters()}, the way the metrics do.
 */
class LayerCostTest {
    private final Set<Class<?>> covered = new HashSet<>();
    private final Set<String> kinds = new HashSet<>();

    /** Trainable params and MACs of layer {@code name} inside {@code spec}. */
    private long[] cost(NetworkSpec spec, String name) {
        Map<String, Shape> shapes = spec.shapes();
        Layer l = spec.layer(name);
        covered.add(l.getClass());
        kinds.add(l.kind());
        long params = spec.parameters().entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + ".") && e.getValue().trainable())
                .mapToLong(e -> e.getValue().size()).sum();
        return new long[] {params, l.macs(spec.inputShapes(l, shapes), shapes.get(name))};
    }

    private static NetworkSpec net(Shape input, Layer... layers) {
        return new NetworkSpec("t", input, List.of(layers));
    }

    @Test
    void standardConvolution() {
        // 3 -> 8 channels, 3x3, stride 2, padding 1 on 9x9: Ho = Wo = (9 + 2 - 3) / 2 + 1 = 5.
        NetworkSpec s = net(Shape.of(3, 9, 9), Conv.conv("c", Layer.INPUT, 8, 3, 2, 1));
        assertThat(s.shapes().get("c")).isEqualTo(Shape.of(8, 5, 5));
        assertThat(cost(s, "c")).containsExactly(8 * 3 * 3 * 3, 8L * 5 * 5 * 3 * 3 * 3);
    }

    @Test
    void convolutionWithBiasAndDilation() {
        // 4 -> 6, 3x3, dilation 2, padding 0 on 10x10: effective kernel 5, Ho = 10 - 5 + 1 = 6.
        Conv c = new Conv("c", List.of(Layer.INPUT), Conv.Style.CONV, 6, 3, 1, 0, 2, 1, true);
        NetworkSpec s = net(Shape.of(4, 10, 10), c);
        assertThat(s.shapes().get("c")).isEqualTo(Shape.of(6, 6, 6));
        assertThat(cost(s, "c")).containsExactly(6 * 4 * 3 * 3 + 6, 6L * 6 * 6 * 4 * 3 * 3);
    }

    @Test
    void groupedConvolution() {
        // 8 -> 12 in 4 groups: each filter sees 8 / 4 = 2 input channels.
        Conv c = Conv.conv("c", Layer.INPUT, 12, 3, 1, 1).withGroups(4);
        NetworkSpec s = net(Shape.of(8, 7, 7), c);
        assertThat(cost(s, "c")).containsExactly(12 * (8 / 4) * 3 * 3, 12L * 7 * 7 * (8 / 4) * 3 * 3);
    }

    @Test
    void depthwiseConvolution() {
        // One 3x3 filter per channel; stride 2, "same" padding 1 on 8x8 gives 4x4.
        NetworkSpec s = net(Shape.of(16, 8, 8), Conv.depthwise("d", Layer.INPUT, 3, 2));
        assertThat(s.shapes().get("d")).isEqualTo(Shape.of(16, 4, 4));
        assertThat(cost(s, "d")).containsExactly(16 * 1 * 3 * 3, 16L * 4 * 4 * 1 * 3 * 3);
    }

    @Test
    void depthwiseConvolutionWithChannelMultiplier() {
        // out = 2 x channels: two 5x5 filters per input channel, each still seeing one channel.
        Conv d = new Conv("d", List.of(Layer.INPUT), Conv.Style.DEPTHWISE, 12, 5, 1, 2, 1, 0, false);
        NetworkSpec s = net(Shape.of(6, 8, 8), d);
        assertThat(cost(s, "d")).containsExactly(12 * 1 * 5 * 5, 12L * 8 * 8 * 1 * 5 * 5);
    }

    @Test
    void pointwiseConvolution() {
        NetworkSpec s = net(Shape.of(16, 7, 7), Conv.pointwise("p", Layer.INPUT, 24));
        assertThat(cost(s, "p")).containsExactly(24 * 16, 24L * 7 * 7 * 16);
    }

    @Test
    void groupedPointwiseConvolution() {
        // ShuffleNet-V1 style 1x1 in 2 groups.
        Conv p = Conv.pointwise("p", Layer.INPUT, 24).withGroups(2);
        NetworkSpec s = net(Shape.of(16, 7, 7), p);
        assertThat(cost(s, "p")).containsExactly(24 * (16 / 2), 24L * 7 * 7 * (16 / 2));
    }

    @Test
    void linearWithAndWithoutBias() {
        NetworkSpec s = net(Shape.of(5, 3, 3), new Flatten("f", List.of(Layer.INPUT)),
                new Linear("fc", List.of("f"), 10, true), new Linear("fc2", List.of("fc"), 4, false));
        int in = 5 * 3 * 3;
        assertThat(cost(s, "fc")).containsExactly(in * 10 + 10, in * 10);
        assertThat(cost(s, "fc2")).containsExactly(10 * 4, 10 * 4);
        assertThat(cost(s, "f")).containsExactly(0, 0);
    }

    @Test
    void batchNormCountsScaleAndShiftButNotRunningStatistics() {
        NetworkSpec s = net(Shape.of(12, 5, 5), BatchNorm.of("bn", Layer.INPUT));
        assertThat(cost(s, "bn")).containsExactly(2 * 12, 0);
        // The running statistics are still part of the model file, just not learned.
        assertThat(s.parameters()).hasSize(4);
    }

    @Test
    void activationsAreFree() {
        List<Layer> layers = new ArrayList<>();
        String prev = Layer.INPUT;
        for (Activation.Function f : Activation.Function.values()) {
            layers.add(new Activation(f.kind, List.of(prev), f));
            prev = f.kind;
        }
        NetworkSpec s = new NetworkSpec("t", Shape.of(4, 6, 6), layers);
        for (Activation.Function f : Activation.Function.values()) {
            assertThat(cost(s, f.kind)).containsExactly(0, 0);
        }
    }

    @Test
    void poolingIsFree() {
        NetworkSpec s = net(Shape.of(4, 8, 8), new Pool("max", List.of(Layer.INPUT), Pool.Op.MAX, 2, 2, 0),
                new Pool("avg", List.of("max"), Pool.Op.AVG, 3, 1, 1), new GlobalAvgPool("gap", List.of("avg")));
        assertThat(s.shapes().get("avg")).isEqualTo(Shape.of(4, 4, 4));
        assertThat(s.shapes().get("gap")).isEqualTo(Shape.of(4, 1, 1));
        for (String n : List.of("max", "avg", "gap")) {
            assertThat(cost(s, n)).containsExactly(0, 0);
        }
    }

    @Test
    void graphAndReshapingLayersAreFree() {
        NetworkSpec s = net(Shape.of(8, 4, 4),
                new ChannelSlice("a", List.of(Layer.INPUT), ChannelSlice.Half.FIRST, 0, 0),
                new ChannelSlice("b", List.of(Layer.INPUT), ChannelSlice.Half.NONE, 4, -1),
                new Add("sum", List.of("a", "b")),
                new GlobalAvgPool("gate", List.of("b")),
                new Mul("gated", List.of("sum", "gate")), // a product is not a multiply-accumulate either
                new Concat("cat", List.of("gated", "b")),
                new ChannelShuffle("shuf", List.of("cat"), 2),
                new Upsample("up", List.of("shuf"), 2),
                new Dropout("drop", List.of("up"), 0.3),
                new Flatten("flat", List.of("drop")));
        assertThat(s.shapes().get("flat")).isEqualTo(Shape.of(8 * 8 * 8));
        assertThat(s.shapes().get("gated")).isEqualTo(Shape.of(4, 4, 4));
        for (String n : List.of("a", "b", "sum", "gated", "cat", "shuf", "up", "drop", "flat")) {
            assertThat(cost(s, n)).as(n).containsExactly(0, 0);
        }
    }

    /** A new layer kind must get a hand-checked case above, or this fails. */
    @Test
    void everyLayerKindHasAHandCheckedCase() {
        standardConvolution();
        convolutionWithBiasAndDilation();
        groupedConvolution();
        depthwiseConvolution();
        depthwiseConvolutionWithChannelMultiplier();
        pointwiseConvolution();
        groupedPointwiseConvolution();
        linearWithAndWithoutBias();
        batchNormCountsScaleAndShiftButNotRunningStatistics();
        activationsAreFree();
        poolingIsFree();
        graphAndReshapingLayersAreFree();
        assertThat(covered).containsExactlyInAnyOrder(Layer.class.getPermittedSubclasses());
        assertThat(kinds).containsExactlyInAnyOrder("conv", "depthwise_conv", "pointwise_conv", "batchnorm",
                "relu", "relu6", "hardswish", "sigmoid", "maxpool", "avgpool", "global_avgpool", "add", "mul",
                "concat", "channel_shuffle", "slice", "upsample", "flatten", "linear", "dropout");
    }
}

package dev.gensynth.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import org.junit.jupiter.api.Test;

public class SpecBlockTest {
    /** One spec with every layer kind. */
    public static final String ALL_KINDS = """
            name: all-kinds
            input: {channels: 3, height: 16, width: 16}
            layers:
              - {name: c1, kind: conv, out: 8, kernel: 3, padding: 1, bias: true}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu6}
              - {name: dw, kind: depthwise_conv, kernel: 3, stride: 2}
              - {name: pw, kind: pointwise_conv, out: 8, groups: 2}
              - {name: hs, kind: hardswish}
              - {name: add, kind: add, inputs: [hs, pw]}
              - {name: sh, kind: channel_shuffle, groups: 2}
              - {name: s1, kind: slice, half: first}
              - {name: s2, kind: slice, half: second, inputs: [sh]}
              - {name: cat, kind: concat, inputs: [s1, s2]}
              - {name: up, kind: upsample, scale: 2}
              - {name: mp, kind: maxpool, kernel: 2}
              - {name: ap, kind: avgpool, kernel: 3, stride: 1, padding: 1}
              - {name: r, kind: relu}
              - {name: sg, kind: sigmoid}
              - {name: gap, kind: global_avgpool}
              - {name: fl, kind: flatten}
              - {name: dr, kind: dropout, rate: 0.2}
              - {name: fc, kind: linear, out: 5}
            """;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("dev.gensynth.zoo.Zoo#names")
    void specParamsEqualDjlTrainableParamsForEveryBuiltInArchitecture(String arch) {
        for (dev.gensynth.spec.Shape in : java.util.List.of(dev.gensynth.spec.Shape.of(1, 28, 28),
                dev.gensynth.spec.Shape.of(3, 32, 32))) {
            NetworkSpec spec = dev.gensynth.zoo.Zoo.get(arch, in, 10);
            try (Network net = Network.create(spec, Weights.initial(spec, 1))) {
                assertThat(net.block().djlTrainableParameters()).as(arch + " " + in)
                        .isEqualTo(Cost.of(spec).params());
            }
        }
    }

    @Test
    void runsEveryLayerKindAndRoundTripsWeights() {
        NetworkSpec spec = SpecIO.parse(ALL_KINDS, true, "test");
        Weights w = Weights.initial(spec, 7);
        try (Network net = Network.create(spec, w)) {
            assertThat(net.block().djlTrainableParameters()).isEqualTo(Cost.of(spec).params());
            assertThat(net.weights()).isEqualTo(w);
            float[] out = net.predict(new float[2 * 3 * 16 * 16], 2);
            assertThat(out).hasSize(2 * 5);
        }
    }
}

package dev.gensynth.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;

class DepthwiseGradientsTest {
    /**
     * Depthwise convolutions at stride 1 and 2, kernels 3 and 5, dilated, one after another, inside a residual
     * block, one reading a tensor that another layer reads too, and an output that a layer reads as well; odd
     * sizes, so the strided ones have rows past their last window. {@code W} is the width: a multiple of 8 runs
     * channels-last, another NCHW.
     */
    private static final String SPEC = """
            name: depthwise-gradients
            input: {channels: 3, height: 15, width: 13}
            layers:
              - {name: c1, kind: conv, out: W, kernel: 3, padding: 1}
              - {name: b1, kind: batchnorm}
              - {name: r1, kind: relu6}
              - {name: dw1, kind: depthwise_conv, kernel: 3}
              - {name: b2, kind: batchnorm}
              - {name: pw1, kind: pointwise_conv, out: W}
              - {name: add1, kind: add, inputs: [pw1, r1]}
              - {name: dw2, kind: depthwise_conv, kernel: 5, stride: 2}
              - {name: dw3, kind: depthwise_conv, kernel: 3, stride: 2}
              - {name: dw4, kind: depthwise_conv, kernel: 3, padding: 2, dilation: 2, bias: true}
              - {name: pw2, kind: pointwise_conv, out: 8}
              - {name: side, kind: depthwise_conv, kernel: 3, inputs: [dw3]}
              - {name: head, kind: pointwise_conv, out: 4, inputs: [side]}
              - {name: gap, kind: global_avgpool, inputs: [pw2]}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 4}
            outputs: [fc, head, dw4]
            """;

    /** Widths 8 (channels-last) and 12 (NCHW), each in a training pass and in an inference-mode one (importance). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"8, true", "12, true", "8, false", "12, false"})
    void givesTheGradientsOfOneBackwardPass(int width, boolean training) {
        NetworkSpec spec = SpecIO.parse(SPEC.replace(": W", ": " + width), true, "test");
        Weights w = Weights.initial(spec, 3);
        Map<String, float[]> plain = gradients(spec, w, false, training);
        Map<String, float[]> deferred = gradients(spec, w, true, training);
        assertThat(deferred.keySet()).isEqualTo(plain.keySet());
        for (String p : plain.keySet()) {
            float[] a = plain.get(p);
            float[] b = deferred.get(p);
            double scale = 0;
            for (float v : a) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertThat(scale).as(p + " has a gradient").isGreaterThan(0);
            for (int i = 0; i < a.length; i++) {
                assertThat((double) b[i]).as(p + "[" + i + "]").isCloseTo(a[i],
                        org.assertj.core.data.Offset.offset(1e-5 * scale));
            }
        }
    }

    /**
     * With the input's gradient asked for too (the engine self-check does), a tensor made from the input alone and
     * read twice must be cut as well, or the deferred pass walks its graph twice.
     */
    @org.junit.jupiter.api.Test
    void givesTheInputsGradientToo() {
        NetworkSpec spec = SpecIO.parse("""
                name: input-gradient
                input: {channels: 8, height: 9, width: 9}
                layers:
                  - {name: r0, kind: relu}
                  - {name: pw, kind: pointwise_conv, out: 8}
                  - {name: dw, kind: depthwise_conv, kernel: 3, stride: 2}
                  - {name: side, kind: depthwise_conv, kernel: 3, stride: 2, inputs: [r0]}
                  - {name: add, kind: add, inputs: [dw, side]}
                """, true, "test");
        Weights w = Weights.initial(spec, 5);
        Map<String, float[]> plain = gradients(spec, w, false, true, true);
        Map<String, float[]> deferred = gradients(spec, w, true, true, true);
        assertThat(deferred.keySet()).contains("input").isEqualTo(plain.keySet());
        for (String p : plain.keySet()) {
            float[] a = plain.get(p);
            float[] b = deferred.get(p);
            for (int i = 0; i < a.length; i++) {
                assertThat((double) b[i]).as(p + "[" + i + "]")
                        .isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    private static Map<String, float[]> gradients(NetworkSpec spec, Weights w, boolean defer, boolean training) {
        return gradients(spec, w, defer, training, false);
    }

    /**
     * Every parameter's gradient of Σ outputs · r (r fixed) after one pass (training or inference mode), and the
     * input's under "input" when {@code inputGradient}.
     */
    private static Map<String, float[]> gradients(NetworkSpec spec, Weights w, boolean defer, boolean training,
            boolean inputGradient) {
        Random rnd = new Random(11);
        try (Network net = Network.create(spec, w); NDManager m = net.model().getNDManager().newSubManager()) {
            assertThat(net.block().defersDepthwise()).isTrue();
            ai.djl.ndarray.types.Shape inShape = new ai.djl.ndarray.types.Shape(spec.input().withBatch(4));
            float[] x = new float[(int) inShape.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            PairList<String, Object> params = new PairList<>();
            params.add(SpecBlock.SHARD, 0);
            DepthwiseGradients dg = defer ? DepthwiseGradients.addTo(params) : null;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray in = m.create(x, inShape);
                if (inputGradient) {
                    in.setRequiresGradient(true);
                }
                NDList out = net.block().forward(new ParameterStore(m, false), new NDList(in), training, params);
                NDArray loss = null;
                for (NDArray o : out) {
                    float[] r = new float[(int) o.size()];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = (float) rnd.nextGaussian();
                    }
                    NDArray term = o.mul(m.create(r, o.getShape())).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
                if (defer) {
                    dg.backward();
                }
                Map<String, float[]> grads = new LinkedHashMap<>();
                if (inputGradient) {
                    grads.put("input", in.getGradient().toFloatArray());
                }
                for (var p : net.block().getParameters()) {
                    if (!p.getValue().requiresGradient()) {
                        continue; // batch norm's running statistics
                    }
                    grads.put(p.getKey(), p.getValue().getArray().getGradient().toFloatArray());
                }
                return grads;
            }
        }
    }
}

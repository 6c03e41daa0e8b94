package dev.gensynth.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.gensynth.djl.Network;
import dev.gensynth.export.Export;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxVerifier;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.task.ObjectDetection;
import dev.gensynth.task.detection.CenterNetTargets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The detectors of the zoo: their outputs, their sizes, their runtime and their ONNX export. */
class DetectionZooTest {
    /** Each detector and its output stride: CenterNet's 4, DetectNet's grid of 16. */
    private static final Map<String, Integer> STRIDES = new java.util.LinkedHashMap<>();

    static {
        STRIDES.put("centernet_resnet", 4);
        STRIDES.put("centernet_mobilenet_v2", 4);
        STRIDES.put("detectnet", 16);
    }

    private static final List<String> DETECTORS = List.copyOf(STRIDES.keySet());
    private static final List<Shape> INPUTS = List.of(Shape.of(3, 32, 32), Shape.of(3, 96, 96), Shape.of(3, 97, 75));
    private static final int[] CLASSES = {3, 10};
    /** The tolerance of the ONNX export tests (OnnxExportTest.TOL, ZooExportTest). */
    private static final double TOL = 1e-4;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String arch : DETECTORS) {
            for (Shape input : INPUTS) {
                for (int classes : CLASSES) {
                    all.add(Arguments.of(arch, input, classes));
                }
            }
        }
        return all.stream();
    }

    private static int ceil(int size, int stride) {
        return (size + stride - 1) / stride;
    }

    @Test
    void detectorsAreRegisteredForDetectionAndTheOtherTasksKeepTheirs() {
        assertThat(Zoo.names("detection")).containsExactlyElementsOf(DETECTORS);
        for (String d : DETECTORS) {
            assertThat(Zoo.task(d)).isEqualTo("detection");
        }
        assertThat(Zoo.names("classification")).containsExactly("resnet", "plain", "mobilenet_v1", "mobilenet_v2",
                "shufflenet_v2");
        assertThat(Zoo.names("segmentation")).containsExactly("resunet", "unet", "fcn_resnet", "lraspp_mobilenet_v2");
        assertThat(Zoo.names()).containsSubsequence("resnet", "lraspp_mobilenet_v2", "centernet_resnet",
                "centernet_mobilenet_v2", "detectnet");
    }

    @ParameterizedTest(name = "{0} {1} {2} classes")
    @MethodSource("cases")
    void outputsAreTheHeatmapSizeAndOffsetAtTheirStrideRoundedUpAndRoundTrip(String arch, Shape input, int classes) {
        int h = ceil(input.height(), STRIDES.get(arch));
        int w = ceil(input.width(), STRIDES.get(arch));
        for (double width : new double[] {0.25, 0.5, 1.0}) {
            String what = arch + " " + input + " " + classes + " x" + width;
            NetworkSpec spec = Zoo.get(arch, input, classes, width);
            assertThat(spec.outputs()).as(what).containsExactly("heatmap", "size", "offset");
            Map<String, Shape> shapes = spec.shapes();
            assertThat(shapes.get("heatmap")).as(what).isEqualTo(Shape.of(classes, h, w));
            assertThat(shapes.get("size")).as(what).isEqualTo(Shape.of(2, h, w));
            assertThat(shapes.get("offset")).as(what).isEqualTo(Shape.of(2, h, w));
            assertThat(spec.layer("heatmap")).as(what).isInstanceOfSatisfying(Activation.class,
                    a -> assertThat(a.function()).isEqualTo(Activation.Function.SIGMOID));
            for (String o : List.of("heatmap_logits", "size", "offset")) {
                assertThat(spec.layer(o)).as(what + " " + o).isInstanceOfSatisfying(Conv.class,
                        c -> assertThat(c.kernel() == 1 && c.bias()).isTrue());
            }
            assertThat(ObjectDetection.strideOf(spec)).as(what).isEqualTo(STRIDES.get(arch));
            assertThat(ObjectDetection.TASK.forNetwork(spec).stride()).as(what).isEqualTo(STRIDES.get(arch));
            assertThat(SpecIO.parse(SpecIO.toYaml(spec), true, what)).as(what).isEqualTo(spec);
            assertThat(SpecIO.parse(SpecIO.toJson(spec), false, what)).as(what).isEqualTo(spec);
            new dev.gensynth.generator.ChannelGroups(spec); // the generator can take it apart
            // CenterNet's prior of 0.1 on the heatmap: its bias alone starts at -2.19, the other heads' at 0
            Weights init = Weights.initial(spec, 1);
            assertThat(init.get("heatmap_logits.bias").data()).as(what).containsOnly(-2.19f).hasSize(classes);
            assertThat(init.get("size.bias").data()).as(what).containsOnly(0f);
            assertThat(init.get("offset.bias").data()).as(what).containsOnly(0f);
            // and its heads' last weights as CenterNet's: the box maps' near 0, the heatmap's at PyTorch's default
            // spread (a He-normal head gave centernet_mobilenet_v2 a first loss of 188)
            for (String box : List.of("size", "offset")) {
                assertThat(std(init.get(box + ".weight").data())).as(what + " " + box).isBetween(0.0005, 0.002);
            }
            float[] heat = init.get("heatmap_logits.weight").data();
            double fanIn = (double) heat.length / classes;
            assertThat(std(heat)).as(what).isCloseTo(Math.sqrt(1 / (3 * fanIn)), org.assertj.core.data.Percentage
                    .withPercentage(20));
            // a hidden layer keeps He-normal
            Conv hidden = (Conv) spec.layers().stream().filter(l -> l instanceof Conv c && c.style() == Conv.Style.CONV)
                    .findFirst().orElseThrow();
            float[] hw = init.get(hidden.name() + ".weight").data();
            assertThat(std(hw)).as(what + " " + hidden.name()).isCloseTo(Math.sqrt(2.0 / (hw.length / hidden.out())),
                    org.assertj.core.data.Percentage.withPercentage(20));
        }
    }

    /** The targets are laid out on the networks' maps, ⌈size/stride⌉ (each stride-2 layer rounds up), for any input. */
    @Test
    void mapsAreTheTargetsSizeForAnyInput() {
        for (String arch : DETECTORS) {
            for (Shape input : List.of(Shape.of(1, 32, 32), Shape.of(1, 96, 96), Shape.of(3, 64, 48),
                    Shape.of(3, 97, 75))) {
                CenterNetTargets t = CenterNetTargets.encode(List.of(), List.of("a", "b"), input.height(),
                        input.width(), STRIDES.get(arch), 4);
                assertThat(Zoo.get(arch, input, 2).shapes().get("heatmap")).as(arch + " " + input)
                        .isEqualTo(Shape.of(2, t.height(), t.width()));
            }
            assertThat(Zoo.get(arch, Shape.of(3, 97, 75), 2).shapes().get("heatmap"))
                    .isEqualTo(STRIDES.get(arch) == 4 ? Shape.of(2, 25, 19) : Shape.of(2, 7, 5));
        }
    }

    /** The runtime checks at the odd size with either class count (shapes alone are checked at every size, above). */
    static Stream<Arguments> runtimeCases() {
        return cases().filter(a -> a.get()[1].equals(Shape.of(3, 97, 75)));
    }

    @ParameterizedTest(name = "{0} {1} {2} classes")
    @MethodSource("runtimeCases")
    void djlGivesAProbabilityHeatmapAndOnnxRuntimeAgreesOnEveryOutput(String arch, Shape input, int classes,
            @TempDir Path dir) {
        NetworkSpec spec = Zoo.get(arch, input, classes);
        Weights weights = Weights.initial(spec, 5);
        int n = 2;
        float[] x = Export.randomInputs(spec, n, 42);
        List<float[]> djl = new ArrayList<>();
        try (Network net = Network.create(spec, weights);
                NDManager m = net.model().getNDManager().newSubManager()) {
            NDList out = net.forward(m.create(x, new ai.djl.ndarray.types.Shape(input.withBatch(n))));
            assertThat(out).hasSize(3);
            for (int o = 0; o < 3; o++) {
                NDArray a = out.get(o);
                assertThat(a.getShape().getShape())
                        .containsExactly(spec.shapes().get(spec.outputs().get(o)).withBatch(n));
                djl.add(a.toFloatArray());
            }
        }
        for (float v : djl.get(0)) {
            assertThat(v).isBetween(0f, 1f);
        }
        for (float[] values : djl) {
            for (float v : values) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
        List<float[]> ort = OnnxVerifier.onnxRuntime(spec, weights, x, n);
        double scaleOfAll = 1;
        for (int o = 0; o < 3; o++) {
            double max = 0;
            double scale = 1;
            for (int i = 0; i < djl.get(o).length; i++) {
                max = Math.max(max, Math.abs((double) djl.get(o)[i] - ort.get(o)[i]));
                scale = Math.max(scale, Math.abs(djl.get(o)[i]));
            }
            scaleOfAll = Math.max(scaleOfAll, scale);
            System.out.printf("%s %s %d classes, %s: max |ORT - DJL| %.3g, max |DJL| %.3g%n", arch, input, classes,
                    spec.outputs().get(o), max, scale);
            assertThat(ort.get(o)).hasSameSizeAs(djl.get(o));
            // the export tests' tolerance, to the output's scale as the engine check measures (Canary.relative):
            // absolute for the heatmap, a probability; random He-normal weights without trained batch-norm
            // statistics give sizes and offsets of tens of output pixels, where float32 sums differ by ~1e-6
            assertThat(max).as("max |ORT - DJL| of %s's %s", arch, spec.outputs().get(o)).isLessThan(TOL * scale);
        }
        Path file = dir.resolve(spec.name() + ".onnx");
        OnnxExporter.export(spec, weights, file);
        OnnxVerifier.Result r = OnnxVerifier.verify(spec, weights, file, x, n, TOL);
        assertThat(r.maxAbsDiff()).as("exported file of %s", arch).isLessThan(TOL * scaleOfAll);
    }

    @Test
    void costsArePositiveAndThePrototypeStaysUnder150MMacsAt96() {
        for (String arch : DETECTORS) {
            for (Shape input : List.of(Shape.of(1, 96, 96), Shape.of(3, 96, 96), Shape.of(3, 32, 32),
                    Shape.of(3, 97, 75))) {
                Cost c = Cost.of(Zoo.get(arch, input, 10));
                System.out.printf("%s %s 10 classes: %,d params, %,d MACs%n", arch, input, c.params(), c.macs());
                assertThat(c.params()).as(arch + " " + input).isPositive();
                assertThat(c.macs()).as(arch + " " + input).isPositive();
            }
            double ratio = (double) Cost.of(Zoo.get(arch, Shape.of(1, 96, 96), 10, 0.5)).macs()
                    / Cost.of(Zoo.get(arch, Shape.of(1, 96, 96), 10)).macs();
            assertThat(ratio).as(arch + " at half width").isBetween(0.2, 0.4);
            // ZooTest's check over every architecture, which builds the non-segmenters at 28x28
            double small = (double) Cost.of(Zoo.get(arch, Shape.of(1, 28, 28), 10, 0.5)).macs()
                    / Cost.of(Zoo.get(arch, Shape.of(1, 28, 28), 10)).macs();
            System.out.printf("%s half-width MACs ratio: %.3f at 96x96, %.3f at 28x28%n", arch, ratio, small);
            assertThat(small).as(arch + " at half width, 28x28").isBetween(0.2, 0.35);
        }
        assertThat(Cost.of(Zoo.get("centernet_resnet", Shape.of(3, 96, 96), 10)).macs()).isLessThan(150_000_000L);
    }

    private static double std(float[] x) {
        double sum = 0;
        double sq = 0;
        for (float v : x) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / x.length;
        return Math.sqrt(sq / x.length - mean * mean);
    }
}

package dev.gensynth.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.gensynth.UserError;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxExportTest {
    static final double TOL = 1e-4;

    /** One spec with every layer kind (shared with SpecBlockTest). */
    static final String ALL_KINDS = dev.gensynth.djl.SpecBlockTest.ALL_KINDS;

    static final String RESIDUAL = """
            name: residual
            input: {channels: 3, height: 12, width: 12}
            layers:
              - {name: stem, kind: conv, out: 8, kernel: 3, stride: 1, padding: 1}
              - {name: stem_bn, kind: batchnorm, epsilon: 0.001, momentum: 0.01}
              - {name: stem_r, kind: relu}
              - {name: a, kind: conv, out: 8, kernel: 3, padding: 2, dilation: 2}
              - {name: a_bn, kind: batchnorm}
              - {name: a_r, kind: relu6}
              - {name: b, kind: conv, out: 8, kernel: 3, padding: 1, bias: true}
              - {name: b_bn, kind: batchnorm}
              - {name: res, kind: add, inputs: [b_bn, stem_r]}
              - {name: res3, kind: add, inputs: [res, stem_r, a_r]}
              - {name: res_r, kind: relu}
              - {name: pool, kind: maxpool, kernel: 3, stride: 2, padding: 1}
              - {name: gap, kind: global_avgpool}
              - {name: fl, kind: flatten}
              - {name: fc, kind: linear, out: 10, bias: false}
            """;

    static final String GROUPED = """
            name: grouped-depthwise
            input: {channels: 4, height: 15, width: 15}
            layers:
              - {name: g1, kind: conv, out: 12, kernel: 3, stride: 2, padding: 1, groups: 2}
              - {name: g1_bn, kind: batchnorm}
              - {name: g1_h, kind: hardswish}
              - {name: dw, kind: depthwise_conv, kernel: 5, stride: 1, bias: true}
              - {name: dw_bn, kind: batchnorm}
              - {name: dw_r, kind: relu6}
              - {name: dw2, kind: depthwise_conv, kernel: 3, stride: 2, out: 24}
              - {name: pw, kind: pointwise_conv, out: 16, groups: 4}
              - {name: pw_bn, kind: batchnorm}
              - {name: ap, kind: avgpool, kernel: 2, stride: 2, padding: 1}
              - {name: fl, kind: flatten}
              - {name: dr, kind: dropout, rate: 0.5}
              - {name: fc, kind: linear, out: 7}
            """;

    static final String SHUFFLE = """
            name: shuffle-unit
            input: {channels: 8, height: 8, width: 8}
            layers:
              - {name: left, kind: slice, half: first}
              - {name: right, kind: slice, half: second, inputs: [input]}
              - {name: r_pw1, kind: pointwise_conv, out: 4}
              - {name: r_bn1, kind: batchnorm}
              - {name: r_relu, kind: relu}
              - {name: r_dw, kind: depthwise_conv, kernel: 3, stride: 1}
              - {name: r_bn2, kind: batchnorm}
              - {name: r_pw2, kind: pointwise_conv, out: 4}
              - {name: cat, kind: concat, inputs: [left, r_pw2]}
              - {name: shuf, kind: channel_shuffle, groups: 2}
              - {name: part, kind: slice, from: 1, to: -2}
              - {name: shuf4, kind: channel_shuffle, groups: 3, inputs: [part]}
              - {name: cat3, kind: concat, inputs: [shuf4, shuf, left]}
              - {name: gap, kind: global_avgpool}
            """;

    static final String UPSAMPLE = """
            name: tiny-segmenter
            input: {channels: 3, height: 16, width: 16}
            layers:
              - {name: e1, kind: conv, out: 8, kernel: 3, stride: 2, padding: 1}
              - {name: e1_bn, kind: batchnorm}
              - {name: e1_r, kind: relu}
              - {name: e2, kind: conv, out: 8, kernel: 3, stride: 2, padding: 1}
              - {name: e2_r, kind: relu}
              - {name: up1, kind: upsample, scale: 2}
              - {name: skip, kind: concat, inputs: [up1, e1_r]}
              - {name: up2, kind: upsample, scale: 2}
              - {name: head, kind: conv, out: 4, kernel: 1, bias: true}
              - {name: gate, kind: sigmoid, inputs: [e2_r]}
              - {name: up3, kind: upsample, scale: 3, inputs: [gate]}
            outputs: [head, up3]
            """;

    /**
     * The networks every export test runs over. Add more here (e.g. the built-in
     * architectures of dev.gensynth.zoo) and they are exported, verified and carded too.
     */
    static List<NetworkSpec> networks() {
        List<NetworkSpec> specs = new ArrayList<>();
        for (String yaml : List.of(ALL_KINDS, RESIDUAL, GROUPED, SHUFFLE, UPSAMPLE)) {
            specs.add(SpecIO.parse(yaml, true, "test"));
        }
        return specs;
    }

    static Stream<Arguments> networksWithBnStats() {
        return networks().stream().flatMap(s -> Stream.of(Arguments.of(s.name(), s, false),
                Arguments.of(s.name(), s, true)));
    }

    /**
     * Seeded random weights; with {@code randomStats} also random BN affine parameters and
     * running statistics (variance positive), so inference-mode batch norm is really checked.
     */
    static Weights weights(NetworkSpec spec, long seed, boolean randomStats) {
        Weights w = Weights.initial(spec, seed);
        if (!randomStats) {
            return w;
        }
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : w.tensors().entrySet()) {
            String k = e.getKey();
            float[] d = e.getValue().data().clone();
            for (int i = 0; i < d.length; i++) {
                if (k.endsWith(".runningVar")) {
                    d[i] = (float) (0.2 + 2 * rnd.nextDouble());
                } else if (k.endsWith(".runningMean") || k.endsWith(".beta") || k.endsWith(".bias")) {
                    d[i] = (float) (rnd.nextDouble() - 0.5);
                } else if (k.endsWith(".gamma")) {
                    d[i] = (float) (0.5 + rnd.nextDouble());
                }
            }
            t.put(k, new Tensor(e.getValue().shape(), d));
        }
        return new Weights(t);
    }

    /** Exports one network and checks ONNX Runtime agrees with DJL within {@link #TOL}; reusable for the zoo. */
    static OnnxVerifier.Result assertExportMatches(NetworkSpec spec, Weights w, Path dir) {
        Path file = dir.resolve(spec.name() + ".onnx");
        OnnxExporter.export(spec, w, file);
        int n = 3;
        OnnxVerifier.Result r = OnnxVerifier.verify(spec, w, file, Export.randomInputs(spec, n, 42), n, TOL);
        assertThat(r.maxAbsDiff()).as("max |ORT - DJL| of %s", spec.name()).isLessThanOrEqualTo(TOL);
        assertThat(r.top1Agreement()).as("top-1 agreement of %s", spec.name()).isEqualTo(1.0);
        assertThat(r.passed()).isTrue();
        return r;
    }

    @ParameterizedTest(name = "{0} (random BN stats: {2})")
    @MethodSource("networksWithBnStats")
    void exportRunsInOnnxRuntimeLikeDjl(String name, NetworkSpec spec, boolean randomStats, @TempDir Path dir) {
        assertExportMatches(spec, weights(spec, 7, randomStats), dir);
    }

    @Test
    void graphIsNamedAfterTheSpec() {
        NetworkSpec spec = SpecIO.parse(UPSAMPLE, true, "test");
        ModelProto m = OnnxExporter.build(spec, Weights.initial(spec, 1));
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(OnnxExporter.OPSET).isGreaterThanOrEqualTo(13);
        assertThat(m.getGraph().getInputList()).extracting(v -> v.getName()).containsExactly("input");
        assertThat(m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                .isEqualTo("N");
        assertThat(m.getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("head", "up3");
        assertThat(m.getGraph().getInitializerList()).extracting(t -> t.getName()).contains("e1.weight",
                "e1_bn.runningVar", "head.bias");
    }

    @Test
    void exportNamesItsProducerVersionAndProvenance(@TempDir Path dir) throws Exception {
        NetworkSpec spec = SpecIO.parse(RESIDUAL, true, "test");
        Path f = dir.resolve("m.onnx");
        OnnxExporter.export(spec, Weights.initial(spec, 1), f);
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(f));
        String version = System.getProperty("gensynth.expectedVersion");
        assertThat(m.getProducerName()).isEqualTo("gensynth");
        assertThat(m.getProducerVersion()).isEqualTo(version).isNotEqualTo("dev");
        Map<String, String> meta = new LinkedHashMap<>();
        m.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        assertThat(meta).containsEntry("gensynthVersion", version).containsEntry("djlVersion", "0.27.0")
                .containsEntry("libtorchVersion", "2.1.1").containsKeys("onnxRuntimeVersion", "cpu", "threads",
                        "kernels", "date");
        assertThat(meta.get("onnxRuntimeVersion")).matches("\\d+\\.\\d+\\.\\d+");
        try (var session = Ort.open(f, 1)) { // ONNX Runtime reads the same metadata
            assertThat(session.getMetadata().getCustomMetadata()).containsAllEntriesOf(meta);
        }
    }

    @Test
    void dynamicBatchRunsWithOtherBatchSizes(@TempDir Path dir) {
        NetworkSpec spec = SpecIO.parse(ALL_KINDS, true, "test");
        Weights w = weights(spec, 3, true);
        Path f = dir.resolve("m.onnx");
        OnnxExporter.export(spec, w, f);
        for (int n : new int[] {1, 5}) {
            OnnxVerifier.Result r = OnnxVerifier.verify(spec, w, f, Export.randomInputs(spec, n, n), n, TOL);
            assertThat(r.passed()).as("batch %d", n).isTrue();
        }
    }

    @Test
    void verifierDetectsACorruptedExport(@TempDir Path dir) {
        NetworkSpec spec = SpecIO.parse(RESIDUAL, true, "test");
        Weights w = weights(spec, 5, true);
        Path f = dir.resolve("m.onnx");
        OnnxExporter.export(spec, w, f);
        Map<String, Tensor> t = new LinkedHashMap<>(w.tensors());
        Tensor fc = t.get("fc.weight");
        float[] d = fc.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = -d[i];
        }
        t.put("fc.weight", new Tensor(fc.shape(), d));
        OnnxVerifier.Result r = OnnxVerifier.verify(spec, new Weights(t), f, Export.randomInputs(spec, 4, 0), 4, TOL);
        assertThat(r.passed()).isFalse();
        assertThat(r.maxAbsDiff()).isGreaterThan(TOL);
        assertThat(r.worstOutput()).isEqualTo("fc");
    }

    @Test
    void exportsAModelDirectoryWithCardAndLatency(@TempDir Path dir) {
        NetworkSpec spec = SpecIO.parse(GROUPED, true, "test");
        ModelDir model = new ModelDir(dir.resolve("model"));
        Metrics metrics = Metrics.fromCost(spec.name(), Cost.of(spec)).withAccuracy(61.5, "test");
        model.save(spec, weights(spec, 9, true), metrics);
        Path out = dir.resolve("out/net.onnx");
        Export.Summary s = Export.run(model, out, Export.Options.defaults().withLatency(1, 2, 5));
        assertThat(out).isRegularFile();
        assertThat(s.bytes()).isEqualTo(out.toFile().length()).isPositive();
        assertThat(s.opset()).isEqualTo(OnnxExporter.OPSET);
        assertThat(s.inputs()).containsExactly("input");
        assertThat(s.outputs()).containsExactly("fc");
        assertThat(s.maxAbsDiff()).isLessThanOrEqualTo(Export.DEFAULT_TOLERANCE);
        assertThat(s.top1Agreement()).isEqualTo(1.0);
        assertThat(s.latencyMs()).isPositive();
        assertThat(s.cardFile()).isEqualTo(dir.resolve("out/net.card.json")).isRegularFile();

        ModelCard card = ModelCard.read(s.cardFile());
        assertThat(card.file()).isEqualTo("net.onnx");
        assertThat(card.bytes()).isEqualTo(s.bytes());
        assertThat(card.opset()).isEqualTo(OnnxExporter.OPSET);
        assertThat(card.inputs().get(0).shape()).containsExactly("N", 4, 15, 15);
        assertThat(card.outputs().get(0).shape()).containsExactly("N", 7);
        assertThat(card.params()).isEqualTo(metrics.params());
        assertThat(card.macs()).isEqualTo(metrics.macs());
        assertThat(card.top1()).isEqualTo(61.5);
        assertThat(card.netScore()).isEqualTo(metrics.netScore());
        assertThat(card.verification().passed()).isTrue();
        assertThat(card.latency().threads()).isEqualTo(1);
        assertThat(card.provenance().gensynthVersion()).isEqualTo(System.getProperty("gensynth.expectedVersion"));
        assertThat(card.provenance().date()).isNotBlank();
    }

    @Test
    void modelDirectoryWithoutWeightsIsAUserError(@TempDir Path dir) throws Exception {
        NetworkSpec spec = SpecIO.parse(RESIDUAL, true, "test");
        Path m = dir.resolve("m");
        Files.createDirectories(m);
        SpecIO.write(spec, m.resolve(ModelDir.SPEC));
        Path out = dir.resolve("x.onnx");
        assertThatThrownBy(() -> Export.run(new ModelDir(m), out, false, null, 2, TOL))
                .isInstanceOf(UserError.class).hasMessageContaining("weights.npz").hasMessageContaining(m.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void existingOutputNeedsForce(@TempDir Path dir) throws Exception {
        NetworkSpec spec = SpecIO.parse(SHUFFLE, true, "test");
        ModelDir model = new ModelDir(dir.resolve("m"));
        model.save(spec, Weights.initial(spec, 1), Metrics.fromCost(spec.name(), Cost.of(spec)));
        Path out = dir.resolve("x.onnx");
        Files.writeString(out, "not a model");
        assertThatThrownBy(() -> Export.run(model, out, false, null, 2, TOL)).isInstanceOf(UserError.class)
                .hasMessageContaining("already exists").hasMessageContaining("--force");
        assertThat(Files.readString(out)).isEqualTo("not a model");
        Export.Summary s = Export.run(model, out, Export.Options.defaults().withForce(true).withLatency(0, 0, 1));
        assertThat(s.maxAbsDiff()).isLessThanOrEqualTo(TOL);
        assertThat(s.latencyMs()).isNaN();
        assertThat(out.toFile().length()).isGreaterThan(100);
    }

    @Test
    void unsupportedLayerKindNamesTheLayer() {
        NetworkSpec spec = SpecIO.parse(UPSAMPLE, true, "test");
        Set<String> withoutUpsample = new java.util.HashSet<>(OnnxExporter.SUPPORTED_KINDS);
        withoutUpsample.remove("upsample");
        assertThatThrownBy(() -> OnnxExporter.checkSupported(spec, withoutUpsample))
                .isInstanceOf(UserError.class).hasMessageContaining("'up1'").hasMessageContaining("'upsample'");
    }

    @Test
    void verificationInputsMustMatchTheSampleCount(@TempDir Path dir) {
        NetworkSpec spec = SpecIO.parse(SHUFFLE, true, "test");
        Weights w = Weights.initial(spec, 1);
        Path f = dir.resolve("m.onnx");
        OnnxExporter.export(spec, w, f);
        assertThatThrownBy(() -> OnnxVerifier.verify(spec, w, f, new float[10], 2, TOL))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 samples");
    }

    @Test
    void cardPathSitsBesideTheModel() {
        assertThat(ModelCard.pathFor(Path.of("a/b/model.onnx"))).isEqualTo(Path.of("a/b/model.card.json"));
        assertThat(ModelCard.pathFor(Path.of("net"))).isEqualTo(Path.of("net.card.json"));
    }
}

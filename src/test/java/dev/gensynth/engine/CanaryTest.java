package dev.gensynth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.export.OnnxVerifier;
import dev.gensynth.model.Weights;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanaryTest {
    private static Canary.Case named(String op) {
        return Canary.cases().stream().filter(c -> c.op().equals(op)).findFirst().orElseThrow();
    }

    @Test
    void aRightResultPassesAndAPerturbedReferenceIsCaughtNamingOpShapeAndError() {
        Canary.Case c = named("conv 3x3 24->24");
        assertThat(Canary.run(c).passed()).isTrue();

        Canary.Outcome o = Canary.run(c, ref -> {
            float[] wrong = ref.clone();
            wrong[wrong.length / 2] += 0.05f; // one value off, as a wrong kernel's tail would be
            return wrong;
        });
        assertThat(o.passed()).isFalse();
        assertThat(o.op()).isEqualTo("conv 3x3 24->24");
        assertThat(o.shape()).isEqualTo("4x24x8x8");
        assertThat(o.worst()).isEqualTo("forward vs ONNX Runtime");
        assertThat(o.forwardError()).isGreaterThan(Canary.TOLERANCE);

        Canary.Outcome nan = Canary.run(c, ref -> {
            float[] wrong = ref.clone();
            wrong[0] = Float.NaN;
            return wrong;
        });
        assertThat(nan.passed()).isFalse();
    }

    @Test
    void theJavaReferenceAgreesWithOnnxRuntimeOnEveryCase() {
        // the reference must be right on its own, or a failing check would blame the engine for it
        for (Canary.Case c : Canary.cases()) {
            SplittableRandom rnd = new SplittableRandom(3);
            // batch norm's running statistics, scale and shift off their defaults, so a swap would show
            Weights w = Canary.weights(c.spec(), rnd);
            float[] x = new float[(int) (c.batch() * c.spec().input().elements())];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Weights.gaussian(rnd);
            }
            List<float[]> ort = OnnxVerifier.onnxRuntime(c.spec(), w, x, c.batch());
            double[] ref = Reference.forward(c.spec(), Reference.params(w), Reference.widen(x), c.batch(), false)
                    .get(c.spec().outputs().get(0));
            assertThat(Canary.relative(ort.get(0), ref)).as(c.op()).isLessThan(1e-5);
        }
    }

    @Test
    void casesCoverEveryLayerKindOfTheSpecLanguage() {
        Set<String> kinds = new java.util.TreeSet<>();
        Canary.cases().forEach(c -> c.spec().layers().forEach(l -> kinds.add(l.kind())));
        assertThat(kinds).containsAll(dev.gensynth.export.OnnxExporter.SUPPORTED_KINDS);
    }

    @Test
    void theLadderRunsFromNoRestrictionDownToSse41AndSkipsWhatTheCpuLacks() {
        assertThat(Kernels.ladder(Set.of("sse4_1", "avx", "avx2"))).containsExactly("ALL", "AVX2", "AVX", "SSE41");
        assertThat(Kernels.ladder(Set.of("sse4_1", "avx", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq",
                "avx512_vnni"))).containsExactly("ALL", "AVX512_CORE_VNNI", "AVX512_CORE", "AVX2", "AVX", "SSE41");
    }

    @Test
    void aFailingVerdictBecomesARefusalThatSaysWhatFailedAndWhatToDo() {
        EngineCheck.Report r = new EngineCheck.Report("AVX2", "AMD EPYC", "2.7.1", EngineCheck.CANARY_VERSION, false,
                List.of(new Canary.Outcome("conv 3x3 24->24", "4x24x8x8", 0.18, 0.18, 1e-9, "forward vs ONNX Runtime",
                        false)), 1, "2026-12-01T00:00:00Z");
        String msg = EngineCheck.refusal(r);
        assertThat(msg).contains("AVX2", "conv 3x3 24->24 at 4x24x8x8", "off by 0.18", "gensynth doctor",
                "GENSYNTH_KERNELS");
    }
}

package dev.gensynth.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.djl.Network;
import dev.gensynth.export.Export;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxVerifier;
import dev.gensynth.inquisitor.Importance;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.CostModel;
import dev.gensynth.model.Tensor;
import dev.gensynth.model.Weights;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.Activation;
import dev.gensynth.spec.BatchNorm;
import dev.gensynth.spec.Conv;
import dev.gensynth.spec.Flatten;
import dev.gensynth.spec.GlobalAvgPool;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.Linear;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import dev.gensynth.zoo.Zoo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorsTest {
    private static final Shape IN = Shape.of(1, 28, 28);
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void everyStandardConvolutionThatACheaperPairWouldReplaceIsAUnit() {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        List<String> keys = Operators.of(spec).stream().map(StructuralUnit::key).toList();
        assertThat(keys).contains("stem:separable", "s1b1_conv1:separable", "s3b2_conv2:separable")
                .noneMatch(k -> k.contains("kernel")); // no kernel above 3
        // 1×1 projections and depthwise convolutions are not: there is nothing to factor
        for (Layer l : spec.layers()) {
            if (l instanceof Conv c && c.kernel() == 1) {
                assertThat(keys).doesNotContain(c.name() + ":separable");
            }
        }
        assertThat(Operators.of(Zoo.get("mobilenet_v1", IN, 10, 0.25))).extracting(StructuralUnit::key)
                .containsExactly("stem:separable");
    }

    @Test
    void aSeparablePairComputesWhatARankOneConvolutionComputes() throws Exception {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        String conv = "s2b2_conv1";
        Map<String, Tensor> t = new LinkedHashMap<>(Weights.initial(spec, 5).tensors());
        // filters whose slice on every input channel is rank 1: p[o][c] · d[c][tap]
        Tensor w = t.get(conv + ".weight");
        int o = (int) w.shape()[0];
        int c = (int) w.shape()[1];
        SplittableRandom rnd = new SplittableRandom(9);
        float[] p = new float[o * c];
        float[] d = new float[c * 9];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rnd.nextGaussian(0, 0.3);
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian(0, 0.3);
        }
        float[] rank1 = new float[o * c * 9];
        for (int i = 0; i < o; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < 9; k++) {
                    rank1[(i * c + ch) * 9 + k] = p[i * c + ch] * d[ch * 9 + k];
                }
            }
        }
        t.put(conv + ".weight", new Tensor(w.shape(), rank1));
        Weights parent = new Weights(t);
        StructuralUnit.Changed sep = StructuralUnit.apply(spec, parent, List.of(conv + ":separable"));
        assertThat(sep.spec().layer(conv + Operators.DEPTHWISE_SUFFIX)).isInstanceOf(Conv.class);
        assertThat(((Conv) sep.spec().layer(conv)).kernel()).isEqualTo(1);
        assertThat(Cost.of(sep.spec()).macs()).isLessThan(Cost.of(spec).macs());
        assertThat(Operators.of(sep.spec())).extracting(StructuralUnit::key).doesNotContain(conv + ":separable");
        assertThat(predict(sep.spec(), sep.weights())).containsExactly(predict(spec, parent), Offset.offset(1e-4f));
        // the deployment runtime computes it too
        java.nio.file.Path file = tmp.resolve("sep.onnx");
        OnnxExporter.export(sep.spec(), sep.weights(), file);
        OnnxVerifier.Result r = OnnxVerifier.verify(sep.spec(), sep.weights(), file,
                Export.randomInputs(sep.spec(), 3, 42), 3, 1e-4);
        assertThat(r.maxAbsDiff()).isLessThan(1e-4);
        assertThat(r.passed()).isTrue();
    }

    @Test
    void theFactorisationIsTheBestRankOneApproximation() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rows = 12;
        int cols = 9;
        double[] a = rnd.doubles(rows * cols, -1, 1).toArray();
        double[] v = Operators.leadingRightSingular(a, rows, cols);
        assertThat(norm(v)).isCloseTo(1, Offset.offset(1e-9));
        double best = norm(times(a, v, rows, cols));
        // no unit vector is stretched more by a than its leading right singular vector
        for (int trial = 0; trial < 2000; trial++) {
            double[] u = rnd.doubles(cols, -1, 1).toArray();
            double n = norm(u);
            for (int i = 0; i < cols; i++) {
                u[i] /= n;
            }
            assertThat(norm(times(a, u, rows, cols))).isLessThanOrEqualTo(best + 1e-9);
        }
        // a zero matrix factors to zero
        assertThat(norm(times(new double[rows * cols], Operators.leadingRightSingular(new double[rows * cols], rows,
                cols), rows, cols))).isZero();
    }

    @Test
    void aSmallerKernelTakesTheCentreAndKeepsTheOutputSize() throws Exception {
        NetworkSpec spec = new NetworkSpec("k5", IN, List.of(
                Conv.conv("c1", Layer.INPUT, 8, 5, 1, 2), BatchNorm.of("bn1", "c1"), Activation.relu("r1", "bn1"),
                Conv.conv("c2", "r1", 8, 5, 2, 2), Activation.relu("r2", "c2"),
                new GlobalAvgPool("gap", List.of("r2")), new Flatten("flat", List.of("gap")),
                new Linear("fc", List.of("flat"), 10, true)));
        assertThat(Operators.of(spec)).extracting(StructuralUnit::key)
                .containsExactly("c1:separable", "c1:kernel3", "c2:separable", "c2:kernel3");
        Map<String, Tensor> t = new LinkedHashMap<>(Weights.initial(spec, 2).tensors());
        Tensor w = t.get("c2.weight");
        float[] ring = w.data().clone();
        for (int r = 0; r < ring.length / 25; r++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 5; x++) {
                    if (y == 0 || y == 4 || x == 0 || x == 4) {
                        ring[r * 25 + y * 5 + x] = 0;
                    }
                }
            }
        }
        t.put("c2.weight", new Tensor(w.shape(), ring));
        Weights parent = new Weights(t);
        StructuralUnit.Changed small = StructuralUnit.apply(spec, parent, List.of("c2:kernel3"));
        Conv c2 = (Conv) small.spec().layer("c2");
        assertThat(c2.kernel()).isEqualTo(3);
        assertThat(c2.padding()).isEqualTo(1);
        assertThat(small.spec().shapes().get("c2")).isEqualTo(spec.shapes().get("c2"));
        assertThat(predict(small.spec(), small.weights())).containsExactly(predict(spec, parent),
                Offset.offset(1e-4f));
        // both changes of c2 at once: the smaller kernel, then the pair
        StructuralUnit.Changed both = StructuralUnit.apply(spec, parent, List.of("c2:kernel3", "c2:separable"));
        assertThat(((Conv) both.spec().layer("c2" + Operators.DEPTHWISE_SUFFIX)).kernel()).isEqualTo(3);
    }

    @Test
    void theGeneratorReplacesCheapOperatorsAndTheSameSeedGivesTheSameNetwork() throws Exception {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        Dataset data = MnistLike.load(TinyData.write(tmp, 128, 4, 2), true, MnistLike.Flavor.MNIST);
        Weights weights = Weights.initial(spec, 3);
        Map<String, Double> loss = Importance.unitLoss(spec, weights, Set.of(StructuralUnit.Kind.OPERATOR), data, 64);
        assertThat(loss.keySet()).containsExactlyInAnyOrderElementsOf(
                Operators.of(spec).stream().map(StructuralUnit::key).toList());
        assertThat(loss.values()).allMatch(Double::isFinite);

        ChannelGroups groups = new ChannelGroups(spec);
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new SplittableRandom(g).doubles(groups.width(g), 1, 2).toArray();
        }
        // one convolution free to factor, one a thousand times dearer than its channels
        Map<String, Double> priced = new HashMap<>();
        priced.put("s3b2_conv1:separable", 0.0);
        priced.put("s3b2_conv2:separable", 1e3);
        Logits.Plan plan = Logits.plan(groups, imp, priced, 0.5, 12, Widths.atLeast(2), CostModel.MACS);
        assertThat(plan.units().get("s3b2_conv1:separable")).isNegative();
        assertThat(plan.units().get("s3b2_conv2:separable")).isPositive();
        Generator g = new Generator(new GeneratorState(spec, weights, plan.channels(), plan.units(), 0),
                Widths.atLeast(2));
        int factored = 0;
        for (int s = 0; s < 16; s++) {
            Slicer.Cut c = g.generate(new Seed(s));
            factored += c.changed().contains("s3b2_conv1:separable") ? 1 : 0;
            assertThat(c.changed()).doesNotContain("s3b2_conv2:separable");
            c.weights().checkFits(c.spec(), "generated");
            // the next parent's groups still find their channels in this one's
            new ChannelGroups(c.spec());
        }
        assertThat(factored).isGreaterThan(12);
        Slicer.Cut x = g.generate(new Seed(4));
        assertThat(x.changed()).contains("s3b2_conv1:separable");
        assertThat(SpecIO.toJson(x.spec())).isEqualTo(SpecIO.toJson(g.generate(new Seed(4)).spec()));
        assertThat(x.weights()).isEqualTo(g.generate(new Seed(4)).weights());
        for (float y : predict(x.spec(), x.weights())) {
            assertThat(y).isFinite();
        }
    }

    private float[] predict(NetworkSpec spec, Weights w) throws Exception {
        Dataset data = MnistLike.load(TinyData.write(tmp.resolve("x"), 16, 4, 1), true, MnistLike.Flavor.MNIST);
        float[] x = Arrays.copyOf(data.x(), 16 * 784);
        try (Network net = Network.create(spec, w)) {
            return net.predict(x, 16);
        }
    }

    private static double[] times(double[] a, double[] v, int rows, int cols) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i] += a[i * cols + j] * v[j];
            }
        }
        return out;
    }

    private static double norm(double[] v) {
        return Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
    }
}

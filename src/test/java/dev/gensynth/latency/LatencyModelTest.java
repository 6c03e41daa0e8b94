package dev.gensynth.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.generator.Blocks;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Logits;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Widths;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.CostModel;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-layer table, the calibrated model on it, and G aiming with it. */
class LatencyModelTest {
    private static final NetworkSpec NET = Zoo.get("resnet", Shape.of(1, 28, 28), 10, 0.5);

    @Test
    void aSegmentIsALayerWithTheBatchNormsAndActivationsOnlyItFeeds() {
        List<Segments.Segment> segs = Segments.of(NET);
        Segments.Segment stem = segs.get(0);
        assertThat(stem.layers()).extracting(l -> l.kind()).containsExactly("conv", "batchnorm", "relu");
        // every layer is in exactly one segment
        assertThat(segs.stream().mapToInt(s -> s.layers().size()).sum()).isEqualTo(NET.layers().size());
        // two equal convolutions in different places share a table row; a different one does not
        Map<String, Shape> shapes = NET.shapes();
        List<String> keys = segs.stream().map(s -> Segments.key(Segments.alone(NET, s, shapes))).toList();
        int a = names(segs).indexOf("s1b1_conv2");
        int b = names(segs).indexOf("s1b2_conv2");
        int c = names(segs).indexOf("s2b2_conv2");
        assertThat(keys.get(a)).isEqualTo(keys.get(b)).isNotEqualTo(keys.get(c));
    }

    @Test
    void theFitRecoversBothTermsAndNeverGoesNegative() {
        double[] alone = {0.10, 0.05, 0.02, 0.01, 0.05};
        int[] segments = {25, 25, 25, 15, 15};
        double over = 0.006;
        double[] measured = new double[alone.length];
        for (int i = 0; i < alone.length; i++) {
            measured[i] = over + 0.4 * alone[i] + 0.003 * segments[i];
        }
        double[] fit = LatencyModel.fit(alone, segments, measured, over);
        assertThat(fit[0]).isCloseTo(0.4, within(1e-9));
        assertThat(fit[1]).isCloseTo(0.003, within(1e-9));
        // latency that falls as segments are added would need a negative per-segment term: one term alone is kept
        double[] odd = {over + 0.01, over + 0.02, over + 0.03};
        double[] f = LatencyModel.fit(new double[] {0.02, 0.02, 0.02}, new int[] {30, 20, 10}, odd, over);
        assertThat(f[0]).isGreaterThanOrEqualTo(0);
        assertThat(f[1]).isZero();
    }

    @Test
    void calibratedOnThePrototypeItPredictsAndAimsConsistently() {
        LatencyModel m = LatencyModel.calibrate(NET, LatencyTable.inMemory());
        // 4 widths x (with blocks, without any, without every other one)
        assertThat(m.calibration()).hasSize(12).allSatisfy(c -> {
            assertThat(c.measuredMs()).isPositive();
            assertThat(c.predictedMs()).isPositive();
        });
        assertThat(m.scale()).isGreaterThanOrEqualTo(0);
        assertThat(m.perSegmentMs()).isGreaterThanOrEqualTo(0);
        double whole = m.predict(NET);
        CostModel at = m.at(NET);
        // the linearised model is the prediction at the parent, and falls as G narrows or leaves out
        assertThat(at.of(NET)).isCloseTo(whole, within(1e-9));
        ChannelGroups groups = new ChannelGroups(NET);
        int[][] half = new int[groups.count()][];
        for (int g = 0; g < half.length; g++) {
            half[g] = Slicer.range(Math.max(1, groups.width(g) / 2));
        }
        NetworkSpec narrow = Slicer.cutSpec(groups, half);
        assertThat(at.of(narrow)).isLessThanOrEqualTo(whole).isGreaterThanOrEqualTo(m.overheadMs());
        NetworkSpec shallow = Blocks.skip(NET, List.of(Blocks.of(NET).get(0).name()));
        int removed = Segments.of(NET).size() - Segments.of(shallow).size();
        assertThat(removed).isPositive();
        assertThat(whole - at.of(shallow)).isGreaterThanOrEqualTo(removed * m.perSegmentMs() - 1e-12);
    }

    @Test
    void aimingAtACostThatChargesEveryLayerLeavesOutMoreBlocksThanAimingAtMacs() {
        ChannelGroups groups = new ChannelGroups(NET);
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new double[groups.width(g)];
            Arrays.fill(imp[g], 1.0);
        }
        Map<String, Double> loss = new java.util.HashMap<>();
        for (Blocks.Block b : Blocks.of(NET)) {
            loss.put(b.name(), 0.5);
        }
        // a per-segment cost large against the compute, as ONNX Runtime shows at batch 1 on small networks
        double macs = Cost.of(NET).macs();
        CostModel perLayer = new CostModel() {
            @Override
            public double of(NetworkSpec spec) {
                return Cost.of(spec).macs() / macs + 0.05 * Segments.of(spec).size();
            }

            @Override
            public String unit() {
                return "ms";
            }

            @Override
            public boolean ratioOfTotal() {
                return true; // the same target as MACs, so that only the prices differ
            }
        };
        Widths widths = Widths.atLeast(2);
        double skipMacs = skipped(Logits.plan(groups, imp, loss, 0.6, 12, widths, CostModel.MACS));
        double skipLatency = skipped(Logits.plan(groups, imp, loss, 0.6, 12, widths, perLayer));
        assertThat(skipLatency).isGreaterThan(skipMacs);
    }

    /** Expected number of blocks left out under a plan's block logits. */
    private static double skipped(Logits.Plan plan) {
        return plan.units().values().stream().mapToDouble(l -> 1 - 1 / (1 + Math.exp(-l))).sum();
    }

    private static List<String> names(List<Segments.Segment> segs) {
        return segs.stream().map(Segments.Segment::name).toList();
    }
}

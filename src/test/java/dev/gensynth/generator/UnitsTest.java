package dev.gensynth.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.metrics.CostModel;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void groupImportanceKeepsMoreOfAGroupThatMattersMoreAsAWhole() {
        NetworkSpec spec = Zoo.get("centernet_resnet", Shape.of(1, 96, 96), 10);
        ChannelGroups groups = new ChannelGroups(spec);
        int stage1 = groups.groupOf("s1b2_add");
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new double[groups.width(g)];
            for (int c = 0; c < imp[g].length; c++) {
                // the same spread within every group; stage 1's channels matter 100x more than the others'
                imp[g][c] = (1 + c % 3) * (g == stage1 ? 100 : 1);
            }
        }
        Widths widths = new Widths(2, 8);
        Units within = new Units(12, widths, false, false, CostModel.Aim.MACS, 0, 0);
        Units across = new Units(12, widths, false, false, CostModel.Aim.MACS, 0.5, 0);
        double plain = keptOdds(within.plan(groups, imp, Map.of(), Map.of(), 0.5), stage1);
        double weighed = keptOdds(across.plan(groups, imp, Map.of(), Map.of(), 0.5), stage1);
        assertThat(weighed).isGreaterThan(plain + 0.1);
        // 0 reads importance within each group only: scaling one group's importance changes nothing
        double[][] scaled = Arrays.stream(imp).map(double[]::clone).toArray(double[][]::new);
        for (int c = 0; c < scaled[stage1].length; c++) {
            scaled[stage1][c] /= 100;
        }
        assertThat(within.plan(groups, scaled, Map.of(), Map.of(), 0.5).channels())
                .isDeepEqualTo(within.plan(groups, imp, Map.of(), Map.of(), 0.5).channels());
        // the group scale is relative to the groups' geometric mean: importance times a constant plans alike
        double[][] doubled = Arrays.stream(imp).map(r -> Arrays.stream(r).map(x -> 2 * x).toArray())
                .toArray(double[][]::new);
        double[][] a = across.plan(groups, doubled, Map.of(), Map.of(), 0.5).channels();
        double[][] b = across.plan(groups, imp, Map.of(), Map.of(), 0.5).channels();
        for (int g = 0; g < a.length; g++) {
            assertThat(a[g]).containsExactly(b[g], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    private static double keptOdds(Logits.Plan plan, int group) {
        return Arrays.stream(plan.channels()[group]).map(l -> 1 / (1 + Math.exp(-l))).average().orElse(0);
    }
}

package dev.gensynth.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.analysis.Pareto;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Widths;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlternativesTest {
    static final Shape IN = Shape.of(1, 28, 28);

    @Test
    void l1PruningKeepsTheLargestFiltersAndMatchesAMacsTarget() {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.5);
        Weights w = Weights.initial(spec, 3);
        ChannelGroups g = new ChannelGroups(spec);
        double[][] s = Alternatives.l1Scores(g, w);
        assertThat(s.length).isEqualTo(g.count());
        Widths eights = new Widths(2, 8);
        int[][] kept = Alternatives.topK(g, s, 0.5, eights);
        for (int gi = 0; gi < kept.length; gi++) {
            final int i = gi;
            // the generator's rounding: resnet x0.5 has widths 16/24/48, so halves of 8, 12 (up to 16) and 24
            assertThat(kept[i].length).isEqualTo(eights.of(0.5 * g.width(i), g.width(i))).isEqualTo(
                    Math.max(8, (int) Math.round(0.5 * g.width(i) / 8) * 8));
            double minKept = java.util.Arrays.stream(kept[i]).mapToDouble(c -> s[i][c]).min().orElseThrow();
            for (int c = 0; c < s[i].length; c++) {
                final int ch = c;
                if (java.util.Arrays.stream(kept[i]).noneMatch(k -> k == ch)) {
                    assertThat(s[i][c]).isLessThanOrEqualTo(minKept);
                }
            }
        }
        long target = Cost.of(spec).macs() / 4;
        double r = Alternatives.matchPruneRatio(g, s, target, eights);
        long got = Cost.of(Slicer.cutSpec(g, Alternatives.topK(g, s, r, eights))).macs();
        assertThat(Math.abs(Math.log((double) got / target))).isLessThan(0.25);
        Slicer.Cut cut = Slicer.cut(g, w, Alternatives.topK(g, s, r, eights), "l1");
        assertThat(cut.weights()).isNotNull();
    }

    @Test
    void randomMasksAreValidAndWidthMatchingFindsAMultiplier() {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.5);
        ChannelGroups g = new ChannelGroups(spec);
        int[][] a = Alternatives.randomKept(g, 0.5, 0.25, new Widths(2, 8), new SplittableRandom(1));
        int[][] b = Alternatives.randomKept(g, 0.5, 0.25, new Widths(2, 8), new SplittableRandom(2));
        assertThat(a).isNotEqualTo(b);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i].length).isGreaterThanOrEqualTo(2);
            assertThat(a[i].length % 8 == 0 || a[i].length == g.width(i)).isTrue();
        }
        Slicer.cutSpec(g, a).shapes();
        long target = Cost.of(Zoo.get("resnet", IN, 10, 0.25)).macs();
        double w = Alternatives.matchWidth("resnet", IN, 10, target, 0.5);
        assertThat(Cost.of(Zoo.get("resnet", IN, 10, w)).macs()).isEqualTo(target);
    }

    @Test
    void hypervolumeAndDominance() {
        // reference 1e6 MACs: log10 = 6. Points at 1e5 (x=5) with 50 %, 1e4 (x=4) with 40 %.
        List<Pareto.Point> p = List.of(new Pareto.Point("a", 100_000, 50), new Pareto.Point("b", 10_000, 40),
                new Pareto.Point("dominated", 200_000, 45), new Pareto.Point("too big", 2_000_000, 99));
        // 40 * (6-4) + (50-40) * (6-5) = 90
        assertThat(Pareto.hypervolume(p, 1_000_000)).isCloseTo(90, within(1e-9));
        assertThat(Pareto.front(p)).extracting(Pareto.Point::name).containsExactly("b", "a", "too big");
        assertThat(Pareto.undominated(p, List.of(new Pareto.Point("x", 300_000, 44)))).isEmpty();
        assertThat(Pareto.undominated(p, List.of(new Pareto.Point("y", 5_000, 10)))).isNotEmpty();
        assertThat(Pareto.undominated(p, List.of(new Pareto.Point("x", 300_000, 44), new Pareto.Point("y", 5_000, 10),
                new Pareto.Point("z", 100_000, 50.5)))).extracting(Pareto.Point::name).containsExactly("y", "z");
    }
}

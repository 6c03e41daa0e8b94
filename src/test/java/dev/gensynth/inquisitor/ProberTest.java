package dev.gensynth.inquisitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.generator.Logits;
import dev.gensynth.generator.Widths;
import dev.gensynth.model.Weights;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProberTest {
    private static final NetworkSpec SPEC = Zoo.get("resnet", Shape.of(1, 28, 28), 10);
    private static final Widths WIDTHS = new Widths(2, 8);

    private static double[][] logits(double push) {
        ChannelGroups groups = new ChannelGroups(SPEC);
        double[][] imp = new double[groups.count()][];
        SplittableRandom r = new SplittableRandom(3);
        for (int g = 0; g < imp.length; g++) {
            imp[g] = r.doubles(groups.width(g)).toArray();
        }
        return Logits.fromImportance(groups, imp, push, 12, WIDTHS);
    }

    private static Generator generator(double[][] logits) {
        return new Generator(new GeneratorState(SPEC, Weights.initial(SPEC, 1), logits, 0), WIDTHS);
    }

    @Test
    void generatorsThatKeepTheSameChannelsAtEverySeedAreTheSameNetworks() {
        // only the seeds and the number of candidates matter to which networks a probe would fine-tune
        Prober p = new Prober(null, null, null, null, null, null, null, 3, 0, new Seed(7));
        double[][] base = logits(0.6);
        double[][] nudged = new double[base.length][];
        for (int g = 0; g < base.length; g++) {
            nudged[g] = base[g].clone();
            for (int c = 0; c < nudged[g].length; c++) {
                nudged[g][c] += 1e-12;
            }
        }
        assertThat(java.util.Arrays.deepEquals(base, nudged)).isFalse();
        assertThat(p.sameNetworks(generator(base), generator(nudged))).isTrue();
        assertThat(p.sameNetworks(generator(base), generator(logits(0.3)))).isFalse();
    }

    @Test
    void aCandidateThatWouldRepeatAJudgedDrawIsDrawnAfreshWithTheSameSeedsEveryTime() {
        Prober p = new Prober(null, null, null, null, null, null, null, 3, 0, new Seed(7));
        Generator g = generator(logits(0.6));
        Seed own = new Seed(7).derive("candidate", 1000);
        Prober.Draw first = Prober.Draw.of(g, own);
        assertThat(p.fresh(g, 1, 0, new java.util.HashSet<>())).isEqualTo(own);

        java.util.Set<Prober.Draw> seen = new java.util.HashSet<>(java.util.Set.of(first));
        Seed again = p.fresh(g, 1, 0, seen);
        assertThat(again).isNotNull().isNotEqualTo(own);
        assertThat(Prober.Draw.of(g, again)).isNotEqualTo(first);
        assertThat(seen).containsExactlyInAnyOrder(first, Prober.Draw.of(g, again)); // the pick is marked seen
        assertThat(p.fresh(g, 1, 0, new java.util.HashSet<>(java.util.Set.of(first)))).isEqualTo(again);
    }

    @Test
    void aGeneratorThatCanOnlyDrawACutJudgedFromItsParentFineTunesNothing() {
        // the first half of every group kept at every seed: one architecture, narrower than the parent, which the
        // search has judged already (the prober holds no data, so a candidate it fine-tuned would fail)
        double[][] half = logits(0.6);
        for (double[] group : half) {
            for (int c = 0; c < group.length; c++) {
                group[c] = c < group.length / 2 ? 50 : -50;
            }
        }
        Generator g = generator(half);
        Prober.Draw only = Prober.Draw.of(g, new Seed(1));
        assertThat(only).isNotEqualTo(Prober.Draw.parentOf(g));
        Prober p = new Prober(null, null, null, null, null, null, null, 3, 0, new Seed(7));
        java.util.List<Integer> left = new java.util.ArrayList<>();
        Prober.Probe probe = p.probe(g, 4, new ProbeListener() {
            @Override
            public void onRepeat(int cycle, int index, int draws) {
                assertThat(cycle).isEqualTo(4);
                assertThat(draws).isEqualTo(Prober.DRAWS);
                left.add(index);
            }
        }, java.util.Set.of(only));
        assertThat(left).containsExactly(0, 1, 2);
        assertThat(probe.records()).isEmpty();
        assertThat(probe.best()).isNull();
    }
}

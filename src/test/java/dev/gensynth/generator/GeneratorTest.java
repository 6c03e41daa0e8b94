package dev.gensynth.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratorTest {
    static Generator generator(NetworkSpec spec, long weightSeed, double push) {
        return generator(spec, weightSeed, push, Widths.atLeast(2));
    }

    static Generator generator(NetworkSpec spec, long weightSeed, double push, Widths widths) {
        ChannelGroups groups = new ChannelGroups(spec);
        double[][] imp = new double[groups.count()][];
        java.util.SplittableRandom r = new java.util.SplittableRandom(weightSeed);
        for (int g = 0; g < imp.length; g++) {
            imp[g] = r.doubles(groups.width(g)).toArray();
        }
        GeneratorState s = new GeneratorState(spec, Weights.initial(spec, weightSeed),
                Logits.fromImportance(groups, imp, push, 12, widths), 0);
        return new Generator(s, widths);
    }

    @Test
    void sameSeedGivesByteIdenticalSpecAndIdenticalWeights() {
        NetworkSpec spec = Zoo.get("resnet", Shape.of(1, 28, 28), 10, 0.5);
        Generator a = generator(spec, 1, 0.5);
        Generator b = generator(spec, 1, 0.5);
        Slicer.Cut x = a.generate(new Seed(42));
        Slicer.Cut y = b.generate(new Seed(42));
        assertThat(SpecIO.toJson(x.spec())).isEqualTo(SpecIO.toJson(y.spec()));
        assertThat(x.weights()).isEqualTo(y.weights());
        assertThat(a.generate(new Seed(43)).spec()).isNotEqualTo(x.spec());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0.5, 1", "0.9, 1", "0.5, 8", "0.9, 8"})
    void differentSeedsGiveDifferentNetworksNearTheTargetCost(double push, int multiple) {
        NetworkSpec spec = Zoo.get("resnet", Shape.of(1, 28, 28), 10);
        Generator g = generator(spec, 3, push, new Widths(2, multiple));
        Set<String> seen = new HashSet<>();
        long parent = dev.gensynth.metrics.Cost.of(spec).macs();
        double sum = 0;
        for (long s = 0; s < 8; s++) {
            Slicer.Cut c = g.generate(new Seed(s));
            seen.add(SpecIO.toJson(c.spec()));
            sum += (double) dev.gensynth.metrics.Cost.of(c.spec()).macs() / parent;
        }
        assertThat(seen).hasSize(8);
        // the sampled networks' mean cost follows the push (the expected network is calibrated)
        assertThat(sum / 8).isBetween(push - 0.1, push + 0.1);
    }

    @Test
    void aCostWindowHoldsEveryNetworkNearTheAimAndKeepsSeedsDeterministic() {
        NetworkSpec spec = Zoo.get("resnet", Shape.of(1, 28, 28), 10);
        Generator free = generator(spec, 3, 0.5, new Widths(2, 8));
        Generator held = new Generator(free.state().withCostWindow(0.05, null), free.widths());
        double aim = held.centreMacs();
        assertThat(aim).isEqualTo(free.centreMacs());
        int freeOutside = 0;
        Set<String> seen = new HashSet<>();
        for (long s = 0; s < 24; s++) {
            Seed seed = new Seed(s);
            double f = dev.gensynth.metrics.Cost.of(free.generate(seed).spec()).macs();
            freeOutside += Math.abs(f / aim - 1) > 0.05 ? 1 : 0;
            Slicer.Cut c = held.generate(seed);
            assertThat(dev.gensynth.metrics.Cost.of(c.spec()).macs() / aim).as("seed %d", s).isBetween(0.95, 1.05);
            // the parts a caller may ask for are those of the network made
            assertThat(Slicer.cutSpec(held.groups(), held.sampleKept(seed))).isEqualTo(
                    Slicer.cutSpec(held.groups(), c.kept()));
            assertThat(SpecIO.toJson(held.generate(seed).spec())).isEqualTo(SpecIO.toJson(c.spec()));
            seen.add(SpecIO.toJson(c.spec()));
            // a seed whose own draw is in the window is made of it, as without one
            if (Math.abs(f / aim - 1) <= 0.05) {
                assertThat(c.spec()).isEqualTo(free.generate(seed).spec());
            }
        }
        assertThat(freeOutside).as("free draws outside the window").isPositive();
        assertThat(seen).hasSizeGreaterThan(12);
        assertThatThrownBy(() -> free.state().withCostWindow(1.0, null)).isInstanceOf(IllegalArgumentException.class);
        // centred on the MACs G was aimed at when it knows them: every network within 5 % of 0.45 of the parent's
        double parent = dev.gensynth.metrics.Cost.of(spec).macs();
        Generator aimed = new Generator(free.state().withCostWindow(0.05, 0.45 * parent), free.widths());
        for (long s = 0; s < 12; s++) {
            assertThat(dev.gensynth.metrics.Cost.of(aimed.generate(new Seed(s)).spec()).macs() / parent).as("seed %d", s)
                    .isBetween(0.45 * 0.95, 0.45 * 1.05);
        }
    }

    @Test
    void keptWidthsAreMultiplesOfTheWidthMultiple() {
        NetworkSpec spec = Zoo.get("resnet", Shape.of(1, 28, 28), 10);
        Generator g = generator(spec, 3, 0.4, new Widths(2, 8));
        for (long s = 0; s < 8; s++) {
            int[][] kept = g.sampleKept(new Seed(s));
            for (int grp = 0; grp < kept.length; grp++) {
                int full = g.groups().width(grp);
                assertThat(kept[grp].length).as("group %d of seed %d", grp, s).isPositive()
                        .satisfiesAnyOf(n -> assertThat(n % 8).isZero(),
                                n -> assertThat(n).isEqualTo(full));
                assertThat(kept[grp]).isSorted().doesNotHaveDuplicates();
            }
        }
        // the network trains channels-last: every convolution's widths are multiples of 8
        for (var l : g.generate(new Seed(0)).spec().layers()) {
            if (l instanceof dev.gensynth.spec.Conv c) {
                assertThat(c.out() % 8).as(l.name()).isZero();
            }
        }
    }

    @Test
    void widthsRoundToTheNearestMultipleWithinTheGroup() {
        Widths w = new Widths(2, 8);
        assertThat(w.of(0, 96)).isEqualTo(8); // the floor: min rounded up to a multiple
        assertThat(w.of(11.9, 96)).isEqualTo(8);
        assertThat(w.of(12, 96)).isEqualTo(16); // halves up
        assertThat(w.of(95, 96)).isEqualTo(96);
        assertThat(w.of(30, 20)).isEqualTo(20); // never wider than the group
        assertThat(w.of(1, 5)).isEqualTo(5); // a group narrower than the floor keeps its width
        assertThat(w.narrowest(96)).isEqualTo(8);
        assertThat(Widths.atLeast(2).of(13, 96)).isEqualTo(13);
        assertThat(Widths.atLeast(2).of(0.4, 96)).isEqualTo(2);
        assertThatThrownBy(() -> new Widths(2, 0)).isInstanceOf(dev.gensynth.UserError.class)
                .hasMessageContaining("widthMultiple");
    }

    @Test
    void residualAddKeepsTiedChannelsConsistent() {
        NetworkSpec spec = Zoo.get("resnet", Shape.of(1, 28, 28), 10, 0.5);
        ChannelGroups groups = new ChannelGroups(spec);
        // both blocks of a stage meet at adds: one group, with the projection and the convs feeding them
        assertThat(groups.groupOf("s1b1_add")).isEqualTo(groups.groupOf("s1b2_add")).isNotNegative();
        assertThat(groups.groupOf("s1b1_proj")).isEqualTo(groups.groupOf("s1b2_conv2"));
        assertThat(groups.groupOf("stem")).isNotEqualTo(groups.groupOf("s1b1_add"));
        assertThat(groups.groupOf("fc")).isEqualTo(-1); // the output is never narrowed
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "plain", "mobilenet_v1", "mobilenet_v2", "shufflenet_v2"})
    void everyGeneratedNetworkIsValidStartsFromInheritedWeightsAndTrainsOneStep(String arch, @TempDir Path tmp)
            throws Exception {
        NetworkSpec spec = Zoo.get(arch, Shape.of(1, 28, 28), 10, 0.25);
        Generator g = generator(spec, 5, 0.4);
        Dataset data = MnistLike.load(TinyData.write(tmp, 64, 8, 1), true, MnistLike.Flavor.MNIST);
        for (long s = 0; s < 3; s++) {
            Slicer.Cut c = g.generate(new Seed(s));
            c.spec().shapes();
            c.weights().checkFits(c.spec(), "generated");
            // inherited: every kept filter is a slice of the parent's trained filter
            String firstConv = c.spec().layers().get(0).name();
            float[] child = c.weights().get(firstConv + ".weight").data();
            float[] parent = g.state().parentWeights().get(firstConv + ".weight").data();
            int per = child.length / (int) c.weights().get(firstConv + ".weight").shape()[0];
            int kept0 = c.kept()[Math.max(0, g.groups().groupOf(firstConv))][0];
            if (g.groups().groupOf(firstConv) >= 0) {
                assertThat(java.util.Arrays.copyOfRange(child, 0, per))
                        .containsExactly(java.util.Arrays.copyOfRange(parent, kept0 * per, (kept0 + 1) * per));
            }
            try (Network net = Network.create(c.spec(), c.weights())) {
                var r = Trainer.train(net, data, null, TrainConfig.defaults().withEpochs(1).withBatchSize(64),
                        TrainListener.SILENT);
                assertThat(r.epochs()).hasSize(1);
                assertThat(r.epochs().get(0).trainLoss()).isFinite();
            }
        }
    }

    @Test
    void theSmallestNetworkOfEveryArchitectureIsValidAndNoLargerThanTheNarrowest() {
        for (String name : Zoo.names()) {
            Shape input = Zoo.task(name).equals("classification") ? Shape.of(1, 28, 28) : Shape.of(1, 64, 64);
            NetworkSpec p = Zoo.get(name, input, 10);
            Widths w = Widths.atLeast(8);
            NetworkSpec narrow = Generator.smallest(p, w, false, false);
            NetworkSpec least = Generator.smallest(p, w, true, false);
            NetworkSpec cheapest = Generator.smallest(p, w, true, true);
            cheapest.shapes();
            assertThat(dev.gensynth.metrics.Cost.of(cheapest).macs()).as(name)
                    .isLessThanOrEqualTo(dev.gensynth.metrics.Cost.of(least).macs());
            assertThat(dev.gensynth.metrics.Cost.of(least).macs()).as(name)
                    .isLessThanOrEqualTo(dev.gensynth.metrics.Cost.of(narrow).macs())
                    .isLessThan(dev.gensynth.metrics.Cost.of(p).macs());
            assertThat(Blocks.of(least)).as(name).isEmpty();
            // no operator choice is left that would make it cheaper
            assertThat(Operators.of(cheapest)).as(name).isEmpty();
        }
        // the residual prototype keeps its strided blocks (no identity shortcut) and leaves out the others
        NetworkSpec least = Generator.smallest(Zoo.get("resnet", Shape.of(1, 28, 28), 10), Widths.atLeast(8), true,
                false);
        assertThat(least.layers()).extracting(dev.gensynth.spec.Layer::name).contains("s2b1_add")
                .doesNotContain("s2b2_add");
    }
}

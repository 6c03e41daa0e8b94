package dev.gensynth.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.metrics.CostModel;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.MnistLike;
import dev.gensynth.djl.Network;
import dev.gensynth.inquisitor.Importance;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.testing.TinyData;
import dev.gensynth.zoo.Zoo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocksTest {
    private static final Shape IN = Shape.of(1, 28, 28);
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void onlyBlocksWithAnIdentityShortcutCanBeLeftOut() {
        // resnet's first block of each stage projects its shortcut (stride 2): only the second ones qualify
        assertThat(Blocks.of(Zoo.get("resnet", IN, 10, 0.25))).extracting(Blocks.Block::name)
                .containsExactly("s1b2_add", "s2b2_add", "s3b2_add");
        Blocks.Block b = Blocks.of(Zoo.get("resnet", IN, 10, 0.25)).get(0);
        assertThat(b.branch()).hasSize(5).first().isEqualTo("s1b2_conv1");
        assertThat(Blocks.of(Zoo.get("mobilenet_v2", IN, 10, 0.25))).extracting(Blocks.Block::name)
                .containsExactly("b1_add", "b3_add", "b5_add", "b6_add", "b8_add", "b10_add"); // b1: 8 in, 8 out at this width
        assertThat(Blocks.of(Zoo.get("plain", IN, 10, 0.25))).isEmpty();
    }

    @Test
    void skippingRemovesTheBranchAndRewiresItsReaders() {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        NetworkSpec without = Blocks.skip(spec, List.of("s2b2_add"));
        Blocks.Block b = Blocks.of(spec).get(1);
        for (String gone : b.branch()) {
            assertThat(without.layers()).extracting(Layer::name).doesNotContain(gone);
        }
        // the ReLU after the add went too (its input was a ReLU's output already); s3b1 reads s2b1's output
        assertThat(without.layers().size()).isEqualTo(spec.layers().size() - b.branch().size() - 2);
        assertThat(without.layer("s3b1_conv1").inputs()).containsExactly(b.shortcut());
        assertThat(Cost.of(without).macs()).isLessThan(Cost.of(spec).macs());
        assertThat(Blocks.of(without)).extracting(Blocks.Block::name).containsExactly("s1b2_add", "s3b2_add");
        NetworkSpec none = Blocks.skip(spec, List.of("s1b2_add", "s2b2_add", "s3b2_add"));
        assertThat(Blocks.of(none)).isEmpty();
        assertThatThrownBy(() -> Blocks.skip(spec, List.of("s1b1_add"))).hasMessageContaining("s1b1_add")
                .hasMessageContaining("not a skippable block");
    }

    @Test
    void aNetworkWithoutABlockComputesTheSameAsTheParentWithThatBranchZeroed() throws Exception {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        Weights w = Weights.initial(spec, 5);
        // zeroing the branch's last batch-norm scale and shift makes F(x) = 0: the add passes x, the ReLU keeps it
        java.util.Map<String, dev.gensynth.model.Tensor> z = new java.util.LinkedHashMap<>(w.tensors());
        String bn = Blocks.of(spec).get(1).branch().get(4);
        for (String p : List.of("gamma", "beta")) {
            dev.gensynth.model.Tensor t = z.get(bn + "." + p);
            z.put(bn + "." + p, new dev.gensynth.model.Tensor(t.shape(), new float[t.data().length]));
        }
        NetworkSpec without = Blocks.skip(spec, List.of("s2b2_add"));
        Dataset data = MnistLike.load(TinyData.write(tmp, 16, 4, 1), true, MnistLike.Flavor.MNIST);
        float[] x = java.util.Arrays.copyOf(data.x(), 16 * 784);
        try (Network full = Network.create(spec, new Weights(z));
                Network cut = Network.create(without, Blocks.keepFor(new Weights(z), without))) {
            float[] a = full.predict(x, 16);
            float[] b = cut.predict(x, 16);
            assertThat(b).containsExactly(a, org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void unitLossIsMeasuredAndTheGeneratorLeavesOutCheapBlocks() throws Exception {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        Dataset data = MnistLike.load(TinyData.write(tmp, 128, 4, 2), true, MnistLike.Flavor.MNIST);
        Map<String, Double> loss = Importance.unitLoss(spec, Weights.initial(spec, 3),
                java.util.Set.of(dev.gensynth.generator.StructuralUnit.Kind.BLOCK), data, 64);
        assertThat(loss).containsOnlyKeys("s1b2_add", "s2b2_add", "s3b2_add");
        assertThat(loss.values()).allMatch(Double::isFinite);

        ChannelGroups groups = new ChannelGroups(spec);
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new java.util.SplittableRandom(g).doubles(groups.width(g), 1, 2).toArray();
        }
        Widths widths = Widths.atLeast(2);
        // a block that costs nothing to leave out, and one that costs a thousand times a channel
        Logits.Plan plan = Logits.plan(groups, imp, Map.of("s1b2_add", 0.0, "s2b2_add", 1e3), 0.5, 12, widths, CostModel.MACS);
        assertThat(plan.units().get("s1b2_add")).isNegative();
        assertThat(plan.units().get("s2b2_add")).isPositive();
        assertThat(plan.units()).doesNotContainKey("s3b2_add"); // not observed: always kept
        Generator g = new Generator(new GeneratorState(spec, Weights.initial(spec, 1), plan.channels(), plan.units(),
                0), widths);
        long target = Cost.of(spec).macs() / 2;
        double mean = 0;
        int skipped = 0;
        for (int s = 0; s < 16; s++) {
            Slicer.Cut c = g.generate(new Seed(s));
            mean += Cost.of(c.spec()).macs() / 16.0;
            skipped += c.changed().contains("s1b2_add") ? 1 : 0;
            assertThat(c.changed()).doesNotContain("s2b2_add", "s3b2_add");
            c.weights().checkFits(c.spec(), "generated");
        }
        assertThat(skipped).isGreaterThan(12);
        assertThat(mean / target).isBetween(0.85, 1.15); // the push is met with the block in the account
        Slicer.Cut x = g.generate(new Seed(7));
        assertThat(SpecIO.toJson(x.spec())).isEqualTo(SpecIO.toJson(g.generate(new Seed(7)).spec()));
    }

    @Test
    void aBlockThatSavesMoreThanThePushAsksForIsKept() {
        NetworkSpec spec = Zoo.get("resnet", IN, 10, 0.25);
        ChannelGroups groups = new ChannelGroups(spec);
        double[][] imp = new double[groups.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new java.util.SplittableRandom(g).doubles(groups.width(g), 1, 2).toArray();
        }
        // free to leave out, but each saves far more than 5 % of the MACs: a gentle push keeps them all
        Map<String, Double> free = Map.of("s1b2_add", 0.0, "s2b2_add", 0.0, "s3b2_add", 0.0);
        Logits.Plan gentle = Logits.plan(groups, imp, free, 0.95, 12, Widths.atLeast(2), CostModel.MACS);
        assertThat(gentle.units()).isEmpty();
        Generator g = new Generator(new GeneratorState(spec, Weights.initial(spec, 1), gentle.channels(),
                gentle.units(), 0), Widths.atLeast(2));
        assertThat(g.generate(new Seed(3)).changed()).isEmpty();
        // a hard push leaves some out
        assertThat(Logits.plan(groups, imp, free, 0.3, 12, Widths.atLeast(2), CostModel.MACS).units().values())
                .anyMatch(l -> l < 0);
    }
}

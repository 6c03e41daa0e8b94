package dev.gensynth.inquisitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.utility.NetScore;
import dev.gensynth.utility.Utility;
import dev.gensynth.utility.Weighted;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InquisitorTest {
    static CandidateRecord rec(int i, double top1, double u) {
        return new CandidateRecord(1, i, i, "n" + i, List.of(8), 100, 1000, top1, Double.NaN, true, List.of(), u, 1,
                1, false, List.of(), null);
    }

    @Test
    void prefersTheBestParentWithAMarginOverTheBestOnTheEdge() {
        // floor 92.63 on 6000 images: one standard error of a top-1 there is about 0.34 points
        double se = new dev.gensynth.task.Classification.Hits(new boolean[6000]).standardError(92.63);
        assertThat(se).isCloseTo(0.337, org.assertj.core.api.Assertions.within(0.001));
        var edge = new ParentPolicy.Feasible(rec(0, 92.70, 75), null, null, se);
        var safe = new ParentPolicy.Feasible(rec(1, 94.00, 74), null, null, se);
        assertThat(ParentPolicy.choose(List.of(edge, safe), 92.63)).isSameAs(safe);
        // with no candidate clear of the noise, the best U still wins
        assertThat(ParentPolicy.choose(List.of(edge), 92.63)).isSameAs(edge);
        assertThat(ParentPolicy.choose(new ArrayList<>(), 92.63)).isNull();
        // the margin is the metric's own: with an error of two points, 94.00 is on the edge too
        var noisy = new ParentPolicy.Feasible(rec(1, 94.00, 74), null, null, 2.0);
        assertThat(ParentPolicy.choose(List.of(edge, noisy), 92.63)).isSameAs(edge);
    }

    @Test
    void accuracyModelStopsPushingPastWhereTheFitCrossesTheFloor() {
        List<double[]> obs = new ArrayList<>();
        // top-1 = 80 + 2 * log10(MACs): the floor 92 is crossed at 10^6 MACs
        for (int e = 0; e < 8; e++) {
            double lg = 5.5 + e * 0.25;
            obs.add(new double[] {lg, 80 + 2 * lg});
        }
        double ratio = PushPolicy.modelledSafe(obs, 92 - 0.2, 2_000_000);
        assertThat(ratio).isBetween(0.45, 0.55);
        assertThat(PushPolicy.modelledSafe(obs.subList(0, 3), 92, 2_000_000)).isZero();
    }

    @Test
    void pushBacksOffOnFailureAndTightensAgainOnceTheMarginIsComfortable() {
        // no candidate feasible: halfway back to keeping everything, capped at the softest push
        assertThat(PushPolicy.next(0.7, 0, Double.POSITIVE_INFINITY)).isCloseTo(0.85, within(1e-9));
        assertThat(PushPolicy.next(0.95, 0, Double.POSITIVE_INFINITY)).isCloseTo(0.95, within(1e-9));
        // thin margin or most candidates failing: softer
        assertThat(PushPolicy.next(0.8, 1.0, 0.1)).isCloseTo(0.85, within(1e-9));
        assertThat(PushPolicy.next(0.8, 1.0 / 3, 2.0)).isCloseTo(0.85, within(1e-9));
        // a comfortable margin tightens again, even from the softest push (it used to stay there)
        assertThat(PushPolicy.next(0.95, 0.5, 0.5)).isCloseTo(0.90, within(1e-9));
        assertThat(PushPolicy.next(0.8, 1.0, 1.5)).isCloseTo(0.70, within(1e-9));
        assertThat(PushPolicy.next(0.45, 1.0, 3.0)).isCloseTo(0.40, within(1e-9));
    }

    @Test
    void thePrototypeIsObservedWithItsLatencyWhenUWeighsLatency() {
        NetworkSpec spec = SpecIO.parse("""
                name: tiny
                input: {channels: 1, height: 8, width: 8}
                layers:
                  - {name: c1, kind: conv, out: 4, kernel: 3, padding: 1}
                  - {name: gap, kind: global_avgpool}
                  - {name: fl, kind: flatten}
                  - {name: fc, kind: linear, out: 4}
                """, true, "tiny");
        Prototype proto = new Prototype(spec, Weights.initial(spec, 1), 90, 90, 0, 0);
        Utility u = new Weighted(40, 10, 10, 5);
        int runs = Prober.latencyRuns(0, new Requirements(null, 1.0, null, null, null), u);
        assertThat(runs).isPositive();
        Observation o = Prober.observeParent(proto, runs);
        assertThat(o.latencyMs()).isPositive();
        // finite, so a candidate can beat it (nothing is greater than NaN)
        assertThat(u.score(o)).isFinite();
        assertThat(Prober.latencyRuns(0, new Requirements(null, 1.0, null, null, null), new NetScore())).isZero();
    }

    @Test
    void importanceFollowsTheKeptChannelsOfTheNewParent() {
        dev.gensynth.spec.NetworkSpec spec = dev.gensynth.zoo.Zoo.get("resnet", dev.gensynth.spec.Shape.of(1, 28, 28),
                10, 0.25);
        dev.gensynth.generator.ChannelGroups old = new dev.gensynth.generator.ChannelGroups(spec);
        double[][] imp = new double[old.count()][];
        int[][] kept = new int[old.count()][];
        for (int g = 0; g < imp.length; g++) {
            imp[g] = new double[old.width(g)];
            for (int c = 0; c < imp[g].length; c++) {
                imp[g][c] = 100 * g + c;
            }
            kept[g] = new int[] {1, 3};
        }
        // the new parent keeps channels 1 and 3 of every group and leaves out block s2b2
        dev.gensynth.spec.NetworkSpec child = dev.gensynth.generator.Blocks.skip(
                dev.gensynth.generator.Slicer.cutSpec(old, kept), List.of("s2b2_add"));
        dev.gensynth.generator.ChannelGroups now = new dev.gensynth.generator.ChannelGroups(child);
        assertThat(now.count()).isEqualTo(old.count() - 1); // s2b2_conv1's channels went with the block
        double[][] r = Reactions.reindex(imp, kept, old, now);
        for (int g = 0; g < r.length; g++) {
            int o = old.groupOf(now.anyLayer(g));
            assertThat(r[g]).containsExactly(100 * o + 1, 100 * o + 3);
        }
        assertThat(Reactions.blendUnits(java.util.Map.of("a", 1.0, "gone", 5.0), java.util.Map.of("a", 3.0, "b", 4.0)))
                .containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of("a", 2.0, "b", 4.0)));
        // shapes weigh alike whatever the scale, and the blend keeps the fresh observation's scale
        CandidateRecord failed = new CandidateRecord(1, 0, 0, "n", List.of(8), 100, 1000, 80, Double.NaN, false,
                List.of("too low"), 1, 1, 1, false, List.of("a"), null);
        assertThat(Reactions.penalise(java.util.Map.of("a", 0.1, "b", 0.2), List.of(failed, rec(1, 90, 1))))
                .containsEntry("a", 0.1 * Reactions.UNIT_PENALTY).containsEntry("b", 0.2);
        double[][] blended = Reactions.blend(new double[][] {{1, 3}}, new double[][] {{30, 10}});
        assertThat(blended[0]).containsExactly(20.0, 20.0);
    }

    @Test
    void aFailedCandidateBlamesTheGroupsItCutFurtherThanTheOnesThatMetRAndGKeepsThem() {
        NetworkSpec spec = dev.gensynth.zoo.Zoo.get("centernet_resnet", dev.gensynth.spec.Shape.of(1, 96, 96), 10);
        dev.gensynth.generator.ChannelGroups groups = new dev.gensynth.generator.ChannelGroups(spec);
        int n = groups.count();
        int stage1 = groups.groupOf("s1b2_add");
        int head = groups.groupOf("size_conv");
        List<Integer> parent = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            parent.add(groups.width(g));
        }
        List<Integer> met = new ArrayList<>(parent);
        met.set(head, 32);
        List<Integer> failed = new ArrayList<>(met);
        failed.set(stage1, 8);
        failed.set(head, 40); // wider than the one that met: not to blame
        CandidateRecord ok = new CandidateRecord(1, 0, 0, "a", met, 100, 1000, 80, Double.NaN, true, List.of(), 1, 1,
                1, false, List.of(), null);
        CandidateRecord bad = new CandidateRecord(1, 1, 1, "b", failed, 100, 900, 70, Double.NaN, false,
                List.of("too low"), 1, 1, 1, false, List.of(), null);
        java.util.Map<String, Double> w = Reactions.blameGroups(java.util.Map.of(), List.of(ok, bad), groups);
        // keyed by every layer that writes the group, so a later parent without some of them still finds it
        assertThat(w).containsEntry("s1b2_add", Reactions.GROUP_PENALTY).containsEntry("s1b1_proj", Reactions.GROUP_PENALTY)
                .doesNotContainKey("size_conv");
        // blamed again: it weighs more; a failure that changed a structural unit blames the unit, not groups
        CandidateRecord skipped = new CandidateRecord(2, 0, 2, "c", failed, 100, 800, 60, Double.NaN, false,
                List.of("too low"), 1, 1, 1, false, List.of("s2b2_add"), null);
        assertThat(Reactions.blameGroups(w, List.of(bad), groups)).containsEntry("s1b2_add",
                Reactions.GROUP_PENALTY * Reactions.GROUP_PENALTY);
        assertThat(Reactions.blameGroups(w, List.of(skipped), groups)).isEqualTo(w);
        // with none meeting r, the failure is measured against the parent: both cut groups are blamed
        assertThat(Reactions.blameGroups(java.util.Map.of(), List.of(bad), groups)).containsEntry("size_conv",
                Reactions.GROUP_PENALTY).containsEntry("s1b2_add", Reactions.GROUP_PENALTY);

        // G, aimed at the same cost, keeps more of the weighed group
        double[][] imp = new double[n][];
        for (int g = 0; g < n; g++) {
            imp[g] = new double[groups.width(g)];
            for (int c = 0; c < imp[g].length; c++) {
                imp[g][c] = 1 + c % 3;
            }
        }
        dev.gensynth.generator.Units units = new dev.gensynth.generator.Units(12,
                new dev.gensynth.generator.Widths(2, 8), false);
        double plain = keptOdds(units.plan(groups, imp, java.util.Map.of(), java.util.Map.of(), 0.5), stage1);
        double weighed = keptOdds(units.plan(groups, imp, java.util.Map.of(), w, 0.5), stage1);
        assertThat(weighed).isGreaterThan(plain + 0.1);
    }

    /** The mean keep probability of a group's channels under a plan. */
    private static double keptOdds(dev.gensynth.generator.Logits.Plan plan, int group) {
        return java.util.Arrays.stream(plan.channels()[group]).map(l -> 1 / (1 + Math.exp(-l))).average().orElse(0);
    }
}

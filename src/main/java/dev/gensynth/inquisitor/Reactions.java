package dev.gensynth.inquisitor;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Units;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reactions Y of a parent to stimuli X that θI keeps: how much each channel matters (first-order
 * Taylor importance) and what changing each structural unit costs (the loss rise, measured: a block
 * left out, an operator replaced), and how a
 * cycle's observations are carried over to the next parent and blended into the running estimate.
 */
public final class Reactions {
    /** Relative weight of the newest observation in the running estimate. */
    private static final double IMPORTANCE_RATE = 0.5;

    private Reactions() {
    }

    /** What the inquisitor observed of a parent: its channels' importance and its structural units' loss. */
    public record Observed(double[][] importance, Map<String, Double> unitLoss) {
    }

    /** The reactions of a network to the stimuli: its units' only for the kinds θG has. */
    static Observed observe(NetworkSpec spec, Weights weights, ChannelGroups groups, Units units, Dataset stimuli) {
        double[][] imp;
        try (Network net = Network.create(spec, weights)) {
            imp = Importance.taylor(net, groups, stimuli, batch(stimuli));
        }
        return new Observed(imp, Importance.unitLoss(spec, weights, units.kinds(), stimuli, batch(stimuli)));
    }

    /**
     * The running importance of the kept channels, in the new parent's groups and channel order. A
     * group is found in the old parent by a layer of it (groups inside a left-out block are gone).
     */
    static double[][] reindex(double[][] imp, int[][] kept, ChannelGroups oldGroups, ChannelGroups newGroups) {
        double[][] r = new double[newGroups.count()][];
        for (int g = 0; g < r.length; g++) {
            int old = oldGroups.groupOf(newGroups.anyLayer(g));
            r[g] = new double[kept[old].length];
            for (int i = 0; i < kept[old].length; i++) {
                r[g][i] = imp[old][kept[old][i]];
            }
        }
        return r;
    }

    /** How much dearer a unit becomes each time a candidate that changed it fails r. */
    static final double UNIT_PENALTY = 2;

    /**
     * The measured loss of changing a unit, before fine-tuning, is all G knows of its price at first; a
     * candidate that changed it and then failed r says it costs more than that (the loss rise outlived
     * fine-tuning), so that unit's price rises by {@link #UNIT_PENALTY}.
     */
    static Map<String, Double> penalise(Map<String, Double> unitLoss, List<CandidateRecord> records) {
        Map<String, Double> r = new TreeMap<>(unitLoss);
        for (CandidateRecord c : records) {
            if (!c.met()) {
                for (String b : c.changed()) {
                    r.computeIfPresent(b, (k, v) -> Math.max(v, 1e-6) * UNIT_PENALTY);
                }
            }
        }
        return r;
    }

    /** How much more a channel group weighs each time a candidate that cut it too far fails r. */
    static final double GROUP_PENALTY = 2;

    /**
     * Channel importance is read relative to its group, so nothing in it says that a group matters as a whole,
     * and G cut the same group again and again: in the detection benchmark's run, 10 of the last 12 candidates
     * that failed had narrowed {@code up1_node} (the stride-4 features that feed all three heads) from 16 channels
     * to 8 and fell 1.5-7 points below the floor, 6 of them the identical network. A candidate of channel cuts
     * alone that fails r blames each group it left narrower than every candidate of the same cycle that met r did
     * (than the parent, when none did), and those groups weigh {@link #GROUP_PENALTY} times more from then on.
     * Candidates that changed a structural unit blame the unit instead ({@link #penalise}). Used only with
     * {@code search.groupBlame}: a failure within the noise blames whatever it cut, which misled the
     * segmentation search (bench/results/group_weights.md).
     *
     * @param parentGroups the groups of the parent the candidates were cut from (their widths' order)
     */
    static Map<String, Double> blameGroups(Map<String, Double> groupWeight, List<CandidateRecord> records,
            ChannelGroups parentGroups) {
        int n = parentGroups.count();
        int[] reference = new int[n];
        for (int g = 0; g < n; g++) {
            final int gi = g;
            reference[g] = records.stream().filter(r -> r.met() && r.measured() && r.widths().size() == n)
                    .mapToInt(r -> r.widths().get(gi)).min().orElse(parentGroups.width(gi));
        }
        java.util.Set<Integer> blamed = new java.util.TreeSet<>();
        for (CandidateRecord r : records) {
            if (!r.met() && r.measured() && r.changed().isEmpty() && r.widths().size() == n) {
                for (int g = 0; g < n; g++) {
                    if (r.widths().get(g) < reference[g]) {
                        blamed.add(g);
                    }
                }
            }
        }
        Map<String, Double> r = groupWeight;
        for (int g : blamed) {
            r = Units.weighGroup(parentGroups, r, g, GROUP_PENALTY);
        }
        return r;
    }

    /** The running loss of each unit the parent still has: fresh and previous observations weighed alike. */
    static Map<String, Double> blendUnits(Map<String, Double> old, Map<String, Double> fresh) {
        Map<String, Double> r = new TreeMap<>();
        fresh.forEach((b, f) -> {
            Double o = old.get(b);
            r.put(b, o == null ? f : (1 - IMPORTANCE_RATE) * o + IMPORTANCE_RATE * f);
        });
        return r;
    }

    /**
     * Each group's scale normalised to mean 1 before blending, so old and new weigh alike, and the
     * blend put back on the fresh observation's scale: logits read importance relative to its
     * group, but structural units are priced against channels in the loss units of a Taylor estimate.
     */
    static double[][] blend(double[][] old, double[][] fresh) {
        double[][] r = new double[fresh.length][];
        for (int g = 0; g < fresh.length; g++) {
            double mo = Arrays.stream(old[g]).average().orElse(0);
            double mf = Arrays.stream(fresh[g]).average().orElse(0);
            r[g] = new double[fresh[g].length];
            for (int c = 0; c < r[g].length; c++) {
                double o = mo > 0 ? old[g][c] / mo : 1;
                double f = mf > 0 ? fresh[g][c] / mf : 1;
                r[g][c] = ((1 - IMPORTANCE_RATE) * o + IMPORTANCE_RATE * f) * (mf > 0 ? mf : 1);
            }
        }
        return r;
    }

    static int batch(Dataset stimuli) {
        return Math.min(128, stimuli.size());
    }
}

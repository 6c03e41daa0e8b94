package dev.gensynth.generator;

import dev.gensynth.metrics.Cost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The heart of ΔθG: turns per-channel importance into keep-logits so that G's networks are
 * expected to cost {@code macsRatio} of the parent's MACs, keeping what matters most per MAC.
 *
 * <p>Every channel gets a score: its importance relative to its group's mean, divided by the
 * square root of what one channel of its group costs relative to the average group. Ranking
 * all channels by score gives a non-uniform width allocation (cheap, important layers keep
 * more; expensive, redundant ones lose more), which is what lets synthesis beat uniform
 * narrowing. A threshold on the rank is searched so the deterministic top-ranked cut has the
 * target MACs; logits are the rank's distance from that threshold times {@code sharpness},
 * so channels near the threshold are the ones seeds disagree on.
 */
public final class Logits {
    private static final double CLIP = 6;

    private Logits() {
    }

    public static double[][] fromImportance(ChannelGroups groups, double[][] importance, double macsRatio,
            double sharpness, int minChannels) {
        int n = groups.count();
        long parentMacs = Cost.of(groups.spec()).macs();
        double[] unitCost = new double[n];
        double meanCost = 0;
        for (int g = 0; g < n; g++) {
            int[][] kept = all(groups);
            if (kept[g].length > 1) {
                kept[g] = Arrays.copyOf(kept[g], kept[g].length - 1);
            }
            unitCost[g] = Math.max(1, parentMacs - Cost.of(Slicer.cutSpec(groups, kept)).macs());
            meanCost += unitCost[g] / n;
        }
        List<double[]> units = new ArrayList<>(); // {score, group, channel}
        for (int g = 0; g < n; g++) {
            double mean = Arrays.stream(importance[g]).average().orElse(0);
            for (int c = 0; c < importance[g].length; c++) {
                double rel = mean > 0 ? importance[g][c] / mean : 1;
                units.add(new double[] {rel / Math.sqrt(unitCost[g] / meanCost), g, c});
            }
        }
        units.sort((a, b) -> Double.compare(b[0], a[0]));
        int total = units.size();
        // Smallest k whose top-k cut (plus each group's floor) reaches the target MACs.
        long target = (long) (macsRatio * parentMacs);
        int lo = 0;
        int hi = total;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (Cost.of(Slicer.cutSpec(groups, topK(groups, units, mid, minChannels))).macs() >= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        double threshold = 1 - (double) lo / total;
        double[][] logits = new double[n][];
        for (int g = 0; g < n; g++) {
            logits[g] = new double[groups.width(g)];
        }
        for (int i = 0; i < total; i++) {
            double[] u = units.get(i);
            double rank = 1 - (i + 0.5) / total;
            logits[(int) u[1]][(int) u[2]] = Math.max(-CLIP, Math.min(CLIP, sharpness * (rank - threshold)));
        }
        return logits;
    }

    private static int[][] all(ChannelGroups groups) {
        int[][] k = new int[groups.count()][];
        for (int g = 0; g < k.length; g++) {
            k[g] = Slicer.range(groups.width(g));
        }
        return k;
    }

    private static int[][] topK(ChannelGroups groups, List<double[]> units, int k, int minChannels) {
        boolean[][] keep = new boolean[groups.count()][];
        int[] count = new int[groups.count()];
        for (int g = 0; g < keep.length; g++) {
            keep[g] = new boolean[groups.width(g)];
        }
        for (int i = 0; i < k; i++) {
            double[] u = units.get(i);
            keep[(int) u[1]][(int) u[2]] = true;
            count[(int) u[1]]++;
        }
        for (int i = k; i < units.size(); i++) {
            double[] u = units.get(i);
            int g = (int) u[1];
            if (count[g] < Math.min(minChannels, keep[g].length)) {
                keep[g][(int) u[2]] = true;
                count[g]++;
            }
        }
        int[][] kept = new int[keep.length][];
        for (int g = 0; g < keep.length; g++) {
            kept[g] = new int[count[g]];
            for (int c = 0, j = 0; c < keep[g].length; c++) {
                if (keep[g][c]) {
                    kept[g][j++] = c;
                }
            }
        }
        return kept;
    }
}

package dev.gensynth.generator;

import dev.gensynth.metrics.CostModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.gensynth.spec.NetworkSpec;

/**
 * The heart of ΔθG: turns per-channel importance into keep-logits so that G's networks are
 * expected to cost {@code ratio} of the parent's cost (MACs, or predicted latency), keeping what matters
 * most per unit of cost.
 *
 * <p>Every channel gets a score: its importance relative to its group's mean, divided by the
 * square root of what one channel of its group costs relative to the average group. Ranking
 * all channels by score gives a non-uniform width allocation (cheap, important layers keep
 * more; expensive, redundant ones lose more), which is what lets synthesis beat uniform
 * narrowing. Logits are the rank's distance from a threshold times {@code sharpness}, so
 * channels near the threshold are the ones seeds disagree on; the threshold is searched so the
 * expected network has the target MACs.
 */
public final class Logits {
    private static final double CLIP = 6;

    private Logits() {
    }

    public static double[][] fromImportance(ChannelGroups groups, double[][] importance, double macsRatio,
            double sharpness, Widths widths) {
        return plan(groups, importance, Map.of(), macsRatio, sharpness, widths, CostModel.MACS).channels();
    }

    /** θG's logits: per channel of every group, and per structural unit that may change, by key. */
    public record Plan(double[][] channels, Map<String, Double> units) {
    }

    /** As {@link #plan(ChannelGroups, double[][], Map, double[], double, double, Widths, CostModel)}, every group alike. */
    public static Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> unitLoss,
            double ratio, double sharpness, Widths widths, CostModel cost) {
        return plan(groups, importance, unitLoss, null, ratio, sharpness, widths, cost);
    }

    /**
     * Channel and structural-unit logits aimed together at {@code ratio} of the parent's {@code cost}. A
     * unit (a block left out, an operator replaced: {@link StructuralUnit}) competes with channels on
     * price: the loss its change costs ({@code unitLoss}, measured) per unit of cost it saves, against the
     * price of the channels at the threshold (a channel's loss is the square root of its Taylor importance,
     * a first-order estimate of the same quantity). A unit cheaper than those channels is changed more
     * often than not ({@link #UNIT_SHARPNESS} per factor e of price). The threshold is searched on the
     * expected network with both in it. {@code groupWeight} (null: all 1) scales every score of a group:
     * importance is read relative to its group, so only such a weight can say that a group matters as a whole.
     */
    public static Plan plan(ChannelGroups groups, double[][] importance, Map<String, Double> unitLoss,
            double[] groupWeight, double ratio, double sharpness, Widths widths, CostModel cost) {
        int n = groups.count();
        double parentCost = cost.of(groups.spec());
        double[] unitCost = new double[n];
        double meanCost = 0;
        for (int g = 0; g < n; g++) {
            int[][] kept = all(groups);
            if (kept[g].length > 1) {
                kept[g] = Arrays.copyOf(kept[g], kept[g].length - 1);
            }
            unitCost[g] = Math.max(parentCost * 1e-9, parentCost - cost.of(Slicer.cutSpec(groups, kept)));
            meanCost += unitCost[g] / n;
        }
        List<double[]> units = new ArrayList<>(); // {score, group, channel}
        for (int g = 0; g < n; g++) {
            double mean = Arrays.stream(importance[g]).average().orElse(0);
            for (int c = 0; c < importance[g].length; c++) {
                double rel = mean > 0 ? importance[g][c] / mean : 1;
                double w = groupWeight == null ? 1 : groupWeight[g];
                units.add(new double[] {w * rel / Math.sqrt(unitCost[g] / meanCost), g, c});
            }
        }
        units.sort((a, b) -> Double.compare(b[0], a[0]));
        int total = units.size();
        double[] rank = new double[total];
        for (int i = 0; i < total; i++) {
            rank[i] = 1 - (i + 0.5) / total;
        }
        // Calibrate the threshold on the *expected* network: each group's expected width is the
        // sum of its keep probabilities (kept as its highest-ranked channels). Calibrating on the
        // deterministic top-k instead would overshoot: the many channels with middling odds are
        // dropped often enough that sampled networks come out well below the target.
        // the cost at the narrowest widths: what narrowing cannot remove. A target below it would drive every
        // channel to its narrowest, so the target is held above it: for MACs, which nearly all go with the
        // channels, 5 % of the way; for a cost with a large fixed part (latency: the runtime's overhead and
        // the layers without MACs), half way, so one push never asks for more than half of what narrowing can
        // still remove
        int[][] narrowest = new int[n][];
        for (int g = 0; g < n; g++) {
            narrowest[g] = Slicer.range(widths.narrowest(groups, g));
        }
        double floor = cost.of(Slicer.cutSpec(groups, narrowest));
        double target = Math.max(ratio * parentCost,
                floor + (cost.ratioOfTotal() ? 0.05 : 0.5) * (parentCost - floor));
        UnitPrices prices = new UnitPrices(groups, importance, unitCost, units, unitLoss, cost);
        double lo = threshold(groups, units, rank, sharpness, widths, prices, target);
        // A unit that saves more than the push asks for overshoots it whatever the channels do (the
        // search then keeps every channel and still lands below the target, at every push): keep the
        // priciest unit as it is for good and search again, until the target can be met.
        while (lo <= -1 + 1e-9 && prices.dropPriciest()) {
            lo = threshold(groups, units, rank, sharpness, widths, prices, target);
        }
        double threshold = lo;
        double[][] logits = new double[n][];
        for (int g = 0; g < n; g++) {
            logits[g] = new double[groups.width(g)];
        }
        for (int i = 0; i < total; i++) {
            double[] u = units.get(i);
            logits[(int) u[1]][(int) u[2]] = clip(sharpness * (rank[i] - threshold));
        }
        return new Plan(logits, prices.logits(threshold));
    }

    /** The highest channel threshold at which the expected network still costs {@code target} (-1 if none). */
    private static double threshold(ChannelGroups groups, List<double[]> units, double[] rank, double sharpness,
            Widths widths, UnitPrices prices, double target) {
        double lo = -1;
        double hi = 2;
        for (int iter = 0; iter < 40; iter++) {
            double mid = (lo + hi) / 2;
            NetworkSpec cut = Slicer.cutSpec(groups, expected(groups, units, rank, sharpness, mid, widths));
            if (expectedCost(cut, prices.logits(mid), prices.cost) >= target) {
                lo = mid; // can afford a higher threshold
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Keep-logit change per factor e between a unit's price and the marginal channels' price. */
    static final double UNIT_SHARPNESS = 2;

    /** The cost of {@code cut} less what each unit saves times the probability that it is changed. */
    private static double expectedCost(NetworkSpec cut, Map<String, Double> unitLogits, CostModel cost) {
        if (unitLogits.isEmpty()) {
            return cost.of(cut);
        }
        double whole = cost.of(cut);
        double expected = whole;
        Map<String, StructuralUnit> units = StructuralUnit.byKey(cut);
        for (Map.Entry<String, Double> e : unitLogits.entrySet()) {
            double change = 1 - 1 / (1 + Math.exp(-e.getValue()));
            expected -= change * saving(cut, units.get(e.getKey()), whole, cost);
        }
        return expected;
    }

    /** What changing {@code unit} of {@code spec} saves (0 when {@code spec} has no such unit: null). */
    private static double saving(NetworkSpec spec, StructuralUnit unit, double whole, CostModel cost) {
        return unit == null ? 0 : whole - cost.of(unit.applyTo(spec));
    }

    /** Loss per unit of cost of changing each structural unit, and of the channels ranked near a threshold. */
    private static final class UnitPrices {
        private final Map<String, Double> unitPrice = new LinkedHashMap<>();
        /** Loss per unit of cost of each ranked channel, in rank order. */
        private final double[] channelPrice;
        private final CostModel cost;

        UnitPrices(ChannelGroups groups, double[][] importance, double[] unitCost, List<double[]> units,
                Map<String, Double> unitLoss, CostModel cost) {
            this.cost = cost;
            channelPrice = new double[units.size()];
            for (int i = 0; i < units.size(); i++) {
                int g = (int) units.get(i)[1];
                channelPrice[i] = Math.sqrt(importance[g][(int) units.get(i)[2]]) / unitCost[g];
            }
            double whole = cost.of(groups.spec());
            Map<String, StructuralUnit> byKey = unitLoss.isEmpty() ? Map.of() : StructuralUnit.byKey(groups.spec());
            unitLoss.forEach((key, loss) -> {
                double saved = saving(groups.spec(), byKey.get(key), whole, cost);
                if (saved > 0) {
                    unitPrice.put(key, Math.max(loss, 0) / saved);
                }
            });
        }

        /** Takes the priciest unit off the units that may change; false when there is none. */
        boolean dropPriciest() {
            String priciest = null;
            for (Map.Entry<String, Double> e : unitPrice.entrySet()) {
                if (priciest == null || e.getValue() > unitPrice.get(priciest)) {
                    priciest = e.getKey();
                }
            }
            if (priciest == null) {
                return false;
            }
            unitPrice.remove(priciest);
            return true;
        }

        /** Unit keep-logits when the channel threshold is at rank {@code threshold}. */
        Map<String, Double> logits(double threshold) {
            Map<String, Double> out = new LinkedHashMap<>();
            if (unitPrice.isEmpty()) {
                return out;
            }
            double marginal = marginal(threshold);
            unitPrice.forEach((b, p) -> out.put(b, marginal > 0
                    ? clip(UNIT_SHARPNESS * Math.log(Math.max(p, 1e-30) / marginal)) : CLIP));
            return out;
        }

        /** The median price of the channels ranked nearest the threshold (a window of 5 % of them). */
        private double marginal(double threshold) {
            int total = channelPrice.length;
            int at = (int) Math.round((1 - threshold) * total - 0.5);
            int half = Math.max(2, total / 40);
            int from = Math.max(0, Math.min(total - 1, at - half));
            int to = Math.max(from + 1, Math.min(total, at + half + 1));
            double[] w = Arrays.copyOfRange(channelPrice, from, to);
            Arrays.sort(w);
            return w[w.length / 2];
        }
    }

    private static double clip(double x) {
        return Math.max(-CLIP, Math.min(CLIP, x));
    }

    /** Each group's highest-ranked channels, as many as its expected width rounded as G rounds it. */
    private static int[][] expected(ChannelGroups groups, List<double[]> units, double[] rank, double sharpness,
            double threshold, Widths widths) {
        double[] width = new double[groups.count()];
        for (int i = 0; i < units.size(); i++) {
            width[(int) units.get(i)[1]] += 1 / (1 + Math.exp(-clip(sharpness * (rank[i] - threshold))));
        }
        int[] quota = new int[width.length];
        for (int g = 0; g < width.length; g++) {
            quota[g] = widths.of(width[g], groups, g);
        }
        List<List<Integer>> chosen = new ArrayList<>();
        for (int g = 0; g < width.length; g++) {
            chosen.add(new ArrayList<>());
        }
        for (double[] u : units) {
            int g = (int) u[1];
            if (chosen.get(g).size() < quota[g]) {
                chosen.get(g).add((int) u[2]);
            }
        }
        int[][] kept = new int[width.length][];
        for (int g = 0; g < width.length; g++) {
            kept[g] = chosen.get(g).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return kept;
    }

    private static int[][] all(ChannelGroups groups) {
        int[][] k = new int[groups.count()][];
        for (int g = 0; g < k.length; g++) {
            k[g] = Slicer.range(groups.width(g));
        }
        return k;
    }
}

package dev.gensynth.generator;

import dev.gensynth.metrics.Cost;
import dev.gensynth.seed.Seed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * G(s; θG): a deterministic map from a seed to a concrete network. Each channel of each
 * prunable group of the parent is kept with probability sigmoid(logit), drawn by a PRNG
 * seeded by s in a fixed order; each group's count is then rounded as {@link Widths} says (adding
 * its most likely dropped channels or dropping its least likely kept ones); each structural unit
 * ({@link StructuralUnit}: a block that may be left out, a convolution whose operator may change) is
 * kept as it is with probability sigmoid(its logit), each kind drawn from a stream of s of its own so
 * that the channel draws do not depend on how many units there are, nor one kind's on another's; the
 * parent's trained weights are sliced into the result and carried through the changes. Same seed, same network and same initial weights;
 * different seeds, different networks.
 *
 * <p>Independent draws spread widely in cost: widths round to multiples of 8, so a group of 16 channels is
 * either kept or halved, and a level generator aimed at 8.8 M MACs drew networks from 6.7 to 12.1 M (10th to
 * 90th percentile 7.6 to 10.3 M). A user who asks a level for networks of its cost, and the promise that
 * samples stand for them, need each network near the aim. With a cost window (θG's {@code costWindow} w > 0),
 * N_s is the first of s's draws (s itself, then s's further draws, {@link #WINDOW_DRAWS} at most) whose MACs
 * lie within a factor 1 ± w of the MACs G was aimed at (its {@code windowCentre}; when it was aimed at another
 * cost, the mean of its free draws, {@link #centreMacs}), or the closest of them in log. Not the cost of G's
 * expected network, nor the mean of its draws, when G knows its aim: rounded per group, a generator aimed at 0.9
 * of a 12.6 M parent had the parent as expected network, and one aimed at 0.5 drew 5.9 M on average. The window is in MACs,
 * whatever cost G aims at: they follow from the spec alone, so the same seed gives the same network on every
 * machine (a latency model's table is measured per machine).
 */
public final class Generator {
    private final GeneratorState state;
    private final ChannelGroups groups;
    private final Widths widths;

    /**
     * The smallest network a generator can make from {@code prototype}: every channel group at its narrowest width,
     * where blocks may be left out every skippable block left out, and, with {@code operators}, every kernel made as
     * small and every convolution made separable as the operator units allow (all of them together, which may be
     * more than one network can have: a lower bound on cost). Without {@code operators} it keeps the prototype's
     * operators: fewer of them to run at batch 1, which at such widths can be as fast as fewer MACs.
     */
    public static dev.gensynth.spec.NetworkSpec smallest(dev.gensynth.spec.NetworkSpec prototype, Widths widths,
            boolean skipBlocks, boolean operators) {
        ChannelGroups groups = new ChannelGroups(prototype);
        int[][] kept = new int[groups.count()][];
        for (int g = 0; g < kept.length; g++) {
            kept[g] = Slicer.range(widths.narrowest(groups, g));
        }
        dev.gensynth.spec.NetworkSpec s = Slicer.cutSpec(groups, kept);
        if (skipBlocks) {
            s = Blocks.skip(s, Blocks.of(s).stream().map(Blocks.Block::name).toList());
        }
        if (operators) {
            // kernels first (5x5 to 3x3 while offered), then each convolution a separable pair would make cheaper
            for (boolean smaller = true; smaller;) {
                smaller = false;
                for (StructuralUnit u : Operators.of(s)) {
                    if (u instanceof Operators.SmallerKernel) {
                        s = u.applyTo(s);
                        smaller = true;
                    }
                }
            }
            for (StructuralUnit u : Operators.of(s)) {
                if (u instanceof Operators.Separable) {
                    s = u.applyTo(s);
                }
            }
        }
        return s;
    }

    public Generator(GeneratorState state, Widths widths) {
        this.state = state;
        this.groups = new ChannelGroups(state.parent());
        this.widths = widths;
        if (state.logits().length != groups.count()) {
            throw new IllegalArgumentException("θG has logits for " + state.logits().length + " groups but the parent"
                    + " has " + groups.count());
        }
    }

    public GeneratorState state() {
        return state;
    }

    public ChannelGroups groups() {
        return groups;
    }

    public Widths widths() {
        return widths;
    }

    /** N_s = G(s). */
    public Slicer.Cut generate(Seed seed) {
        Drawn d = draw(seed);
        return Slicer.cut(groups, state.parentWeights(), d.kept(), state.parent().name().replaceAll(
                "-s-?\\d+$", "") + "-s" + seed.value()).changing(d.changed());
    }

    /**
     * Which of the parent's structural units N_s changes, by key: blocks first, then operators, each in the
     * parent's layer order.
     */
    public List<String> sampleChanged(Seed seed) {
        return draw(seed).changed();
    }

    /** Which parent channels N_s keeps, per group. */
    public int[][] sampleKept(Seed seed) {
        return draw(seed).kept();
    }

    /** One draw of the logits: the channels kept per group and the structural units changed. */
    private record Drawn(int[][] kept, List<String> changed) {
        Drawn(Generator g, Seed seed) {
            this(g.kept(seed), g.changed(seed));
        }
    }

    /** Draws a seed may try before the closest is taken: enough that a window of ±10 % is nearly always met. */
    static final int WINDOW_DRAWS = 64;

    /** The draw N_s is made of: s's own, or with a cost window the first of s's draws that falls in it. */
    private Drawn draw(Seed seed) {
        double w = state.costWindow();
        if (w <= 0) {
            return new Drawn(this, seed);
        }
        double aim = state.windowCentre() != null ? state.windowCentre() : centreMacs();
        Drawn closest = null;
        double gap = Double.POSITIVE_INFINITY;
        for (int k = 0; k < WINDOW_DRAWS; k++) {
            Drawn d = new Drawn(this, k == 0 ? seed : seed.derive("cost-window", k));
            double macs = macsOf(d);
            if (macs >= aim * (1 - w) && macs <= aim * (1 + w)) {
                return d;
            }
            double g = Math.abs(Math.log(macs / aim));
            if (g < gap) {
                gap = g;
                closest = d;
            }
        }
        return closest;
    }

    /** Free draws whose mean MACs centre the cost window: their mean is within about 1 % of G's. */
    static final int CENTRE_DRAWS = 128;

    private Double centreMacs;

    /**
     * The mean MACs of G's networks drawn freely (of {@link #CENTRE_DRAWS} seeds of its own): the window's centre
     * when G does not know the MACs it was aimed at (aimed at latency).
     */
    double centreMacs() {
        if (centreMacs == null) {
            double sum = 0;
            for (int i = 0; i < CENTRE_DRAWS; i++) {
                sum += macsOf(new Drawn(this, new Seed(0).derive("cost-window-centre", i)));
            }
            centreMacs = sum / CENTRE_DRAWS;
        }
        return centreMacs;
    }

    private double macsOf(Drawn d) {
        return Cost.of(StructuralUnit.apply(Slicer.cutSpec(groups, d.kept()), null, d.changed()).spec()).macs();
    }

    private List<String> changed(Seed seed) {
        if (state.unitLogits().isEmpty()) {
            return List.of();
        }
        List<String> changed = new ArrayList<>();
        Map<StructuralUnit.Kind, SplittableRandom> streams = new EnumMap<>(StructuralUnit.Kind.class);
        for (StructuralUnit u : StructuralUnit.of(state.parent(), EnumSet.allOf(StructuralUnit.Kind.class))) {
            Double logit = state.unitLogits().get(u.key());
            if (logit == null && u.kind() != StructuralUnit.Kind.BLOCK) {
                continue; // blocks draw even without a logit: a run made before blocks had logits gives the same networks
            }
            SplittableRandom rnd = streams.computeIfAbsent(u.kind(),
                    k -> new SplittableRandom(seed.derive(k.stream, state.version()).value()));
            if (rnd.nextDouble() >= sigmoid(logit == null ? Double.POSITIVE_INFINITY : logit)) {
                changed.add(u.key());
            }
        }
        return changed;
    }

    private int[][] kept(Seed seed) {
        SplittableRandom rnd = new SplittableRandom(seed.derive("generator", state.version()).value());
        int[][] kept = new int[groups.count()][];
        for (int g = 0; g < groups.count(); g++) {
            double[] logit = state.logits()[g];
            boolean[] keep = new boolean[logit.length];
            int n = 0;
            for (int c = 0; c < logit.length; c++) {
                keep[c] = rnd.nextDouble() < sigmoid(logit[c]);
                n += keep[c] ? 1 : 0;
            }
            int target = widths.of(n, groups, g);
            if (n != target) {
                Integer[] order = byLogitDescending(logit);
                for (int i = 0; n < target; i++) {
                    if (!keep[order[i]]) {
                        keep[order[i]] = true;
                        n++;
                    }
                }
                for (int i = order.length - 1; n > target; i--) {
                    if (keep[order[i]]) {
                        keep[order[i]] = false;
                        n--;
                    }
                }
            }
            kept[g] = new int[n];
            for (int c = 0, k = 0; c < logit.length; c++) {
                if (keep[c]) {
                    kept[g][k++] = c;
                }
            }
        }
        return kept;
    }

    static Integer[] byLogitDescending(double[] logit) {
        Integer[] order = new Integer[logit.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(logit[b], logit[a]));
        return order;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

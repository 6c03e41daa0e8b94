package dev.gensynth.generator;

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
 */
public final class Generator {
    private final GeneratorState state;
    private final ChannelGroups groups;
    private final Widths widths;

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
        return Slicer.cut(groups, state.parentWeights(), sampleKept(seed), state.parent().name().replaceAll(
                "-s-?\\d+$", "") + "-s" + seed.value()).changing(sampleChanged(seed));
    }

    /**
     * Which of the parent's structural units N_s changes, by key: blocks first, then operators, each in the
     * parent's layer order.
     */
    public List<String> sampleChanged(Seed seed) {
        if (state.unitLogits().isEmpty()) {
            return List.of();
        }
        List<String> changed = new ArrayList<>();
        Map<StructuralUnit.Kind, SplittableRandom> streams = new EnumMap<>(StructuralUnit.Kind.class);
        for (StructuralUnit u : StructuralUnit.of(state.parent(), EnumSet.allOf(StructuralUnit.Kind.class))) {
            Double logit = state.unitLogits().get(u.key());
            if (logit == null && u.kind() != StructuralUnit.Kind.BLOCK) {
                continue; // blocks draw even without a logit, as they always have, so old runs give the same networks
            }
            SplittableRandom rnd = streams.computeIfAbsent(u.kind(),
                    k -> new SplittableRandom(seed.derive(k.stream, state.version()).value()));
            if (rnd.nextDouble() >= sigmoid(logit == null ? Double.POSITIVE_INFINITY : logit)) {
                changed.add(u.key());
            }
        }
        return changed;
    }

    /** Which parent channels N_s keeps, per group. */
    public int[][] sampleKept(Seed seed) {
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

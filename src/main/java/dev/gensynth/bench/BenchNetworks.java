package dev.gensynth.bench;

import dev.gensynth.UserError;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Widths;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.model.Weights;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;

/**
 * The networks the benchmarks time, by name: any zoo architecture, {@code generated}, the kind of
 * network a synthesis hands out: G(s) of a generator over the residual prototype that keeps each
 * channel with probability one half, its widths rounded to multiples of 8 as the generator rounds
 * them, or {@code generated_odd}, the same draw with any widths (7, 13, 45 ...), as generators made
 * them before they rounded. Fixed seed, so every benchmark times the same ones.
 */
final class BenchNetworks {
    static final String GENERATED = "generated";
    static final String GENERATED_ODD = "generated_odd";
    private static final double KEEP = 0.5;
    private static final long SEED = 7;

    private BenchNetworks() {
    }

    /** G(s) over the residual prototype keeping each channel with probability {@link #KEEP}, rounded as {@code widths}. */
    static NetworkSpec generated(Shape input, int classes, Widths widths, long seed) {
        NetworkSpec parent = Zoo.get("resnet", input, classes);
        ChannelGroups groups = new ChannelGroups(parent);
        double[][] logits = new double[groups.count()][];
        for (int g = 0; g < logits.length; g++) {
            logits[g] = new double[groups.width(g)];
            java.util.Arrays.fill(logits[g], Math.log(KEEP / (1 - KEEP)));
        }
        GeneratorState state = new GeneratorState(parent, Weights.initial(parent, SEED), logits, 0);
        return new Generator(state, widths).generate(new Seed(seed)).spec();
    }

    static NetworkSpec get(String name, Shape input, int classes) {
        if (name.equals(GENERATED) || name.equals(GENERATED_ODD)) {
            Widths widths = name.equals(GENERATED) ? new Widths(4, Widths.DEFAULT_MULTIPLE) : Widths.atLeast(4);
            return generated(input, classes, widths, SEED).withName(name);
        }
        if (!Zoo.names().contains(name)) {
            throw new UserError("unknown network '" + name + "': use one of " + String.join(", ", Zoo.names())
                    + ", " + GENERATED + " or " + GENERATED_ODD);
        }
        return Zoo.get(name, input, classes);
    }
}

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
 * The networks the benchmarks time, by name: any zoo architecture, or {@code generated}, the
 * kind of network a synthesis hands out: G(s) of a generator over the residual prototype that
 * keeps each channel with probability one half, so its widths come out odd (7, 13, 45 ...) as
 * they do in real runs. Fixed seed, so every benchmark times the same one.
 */
final class BenchNetworks {
    static final String GENERATED = "generated";
    private static final double KEEP = 0.5;
    private static final long SEED = 7;

    private BenchNetworks() {
    }

    static NetworkSpec get(String name, Shape input, int classes) {
        if (name.equals(GENERATED)) {
            NetworkSpec parent = Zoo.get("resnet", input, classes);
            ChannelGroups groups = new ChannelGroups(parent);
            double[][] logits = new double[groups.count()][];
            for (int g = 0; g < logits.length; g++) {
                logits[g] = new double[groups.width(g)];
                java.util.Arrays.fill(logits[g], Math.log(KEEP / (1 - KEEP)));
            }
            GeneratorState state = new GeneratorState(parent, Weights.initial(parent, SEED), logits, 0);
            return new Generator(state, new Widths(4, Widths.DEFAULT_MULTIPLE)).generate(new Seed(SEED)).spec()
                    .withName(GENERATED);
        }
        if (!Zoo.names().contains(name)) {
            throw new UserError("unknown network '" + name + "': use one of " + String.join(", ", Zoo.names())
                    + " or " + GENERATED);
        }
        return Zoo.get(name, input, classes);
    }
}

package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.metrics.Cost;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Chooses a network: a built-in architecture by name, or a spec file. */
public final class NetworkOptions {
    @Option(names = "--arch", description = "Built-in architecture: resnet, plain, mobilenet_v1, mobilenet_v2, "
            + "shufflenet_v2.")
    String arch;

    @Option(names = "--spec", description = "Network spec file (.json, .yaml or .yml).")
    Path spec;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of a built-in architecture.")
    double width;

    @Option(names = "--match-macs", description = "Choose the width multiplier of a built-in architecture whose MACs "
            + "come closest to this number (the uniformly narrowed baseline of a synthesis).")
    Long matchMacs;

    boolean given() {
        return arch != null || spec != null;
    }

    /** The network for this input and class count (a spec file must already fit them). */
    NetworkSpec resolve(Shape input, int classes, String fallbackArch) {
        if (arch != null && spec != null) {
            throw new UserError("give either --arch or --spec, not both");
        }
        if (spec != null) {
            NetworkSpec s = SpecIO.read(spec);
            if (!s.input().equals(input)) {
                throw new UserError("spec " + spec + " declares input [" + s.input() + "] but the data has samples"
                        + " of [" + input + "]; change the spec's 'input' or choose other data");
            }
            return s;
        }
        String name = arch == null ? fallbackArch : arch;
        if (matchMacs != null) {
            return closestWidth(name, input, classes, matchMacs);
        }
        return Zoo.get(name, input, classes, width);
    }

    /** Widths are rounded to whole channels, so MACs move in steps; take the closest (in log) of a fine sweep. */
    static NetworkSpec closestWidth(String arch, Shape input, int classes, long macs) {
        NetworkSpec best = null;
        double bestGap = Double.POSITIVE_INFINITY;
        for (int i = 5; i <= 200; i++) {
            NetworkSpec s = Zoo.get(arch, input, classes, i / 100.0);
            double gap = Math.abs(Math.log((double) Cost.of(s).macs() / macs));
            if (gap < bestGap) {
                bestGap = gap;
                best = s;
            }
        }
        return best;
    }

    static Path requireFile(Path p, String what) {
        if (!Files.exists(p)) {
            throw new UserError(what + " " + p + " does not exist");
        }
        return p;
    }
}

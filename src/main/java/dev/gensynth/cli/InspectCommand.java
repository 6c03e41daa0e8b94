package dev.gensynth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.LayerCost;
import dev.gensynth.model.ModelDir;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Per-layer table of a network (output shape, params, MACs) with totals. Works from the spec "
                + "alone: nothing is trained or run.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK",
            description = "A spec file (.json/.yaml), a model directory, or a built-in architecture name.")
    String network;

    @Option(names = "--input", defaultValue = "1x28x28", description = "Input CxHxW for a built-in architecture.")
    String input;

    @Option(names = "--classes", defaultValue = "10", description = "Classes for a built-in architecture.")
    int classes;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier for a built-in architecture.")
    double width;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        NetworkSpec spec = load();
        Cost cost = Cost.of(spec);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(cost));
            return 0;
        }
        Table t = new Table("layer", "kind", "inputs", "output", "params", "MACs");
        for (int i = 0; i < cost.layers().size(); i++) {
            LayerCost l = cost.layers().get(i);
            t.row(l.name(), l.kind(), String.join(",", spec.layers().get(i).inputs()), l.output(),
                    Table.count(l.params()), Table.count(l.macs()));
        }
        System.out.println("network " + spec.name() + ", input " + spec.input());
        System.out.print(t);
        System.out.printf("total: %s params (%.3f M), %s MACs (%.3f M), activations %.2f MB per sample%n",
                Table.count(cost.params()), cost.paramsMillions(), Table.count(cost.macs()), cost.macsMillions(),
                cost.activationBytes() / 1e6);
        return 0;
    }

    private NetworkSpec load() {
        Path p = Path.of(network);
        if (Files.isDirectory(p)) {
            return new ModelDir(p).spec();
        }
        if (Files.isRegularFile(p)) {
            return SpecIO.read(p);
        }
        if (network.contains("/") || network.contains(".")) {
            throw new UserError("network " + network + " is neither a spec file nor a model directory (no such path)");
        }
        return Zoo.get(network, parseShape(input), classes, width);
    }

    static Shape parseShape(String s) {
        String[] parts = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            int[] d = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                d[i] = Integer.parseInt(parts[i].trim());
            }
            return Shape.of(d);
        } catch (NumberFormatException e) {
            throw new UserError("--input must look like 1x28x28 (channels x height x width), got '" + s + "'");
        }
    }
}

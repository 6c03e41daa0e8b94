package dev.gensynth.bench;

import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Latency;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Batch-1 latency of the same networks in DJL (PyTorch) and in ONNX Runtime, measured back to
 * back in one process: every built-in architecture for 1x28x28 / 10 classes, plus any model
 * directories given as arguments. Writes a Markdown table to the file named by --out.
 */
public final class LatencyComparison {
    private LatencyComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("bench/results/latency.md");
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out")) {
                out = Path.of(args[++i]);
            } else {
                models.add(Path.of(args[i]));
            }
        }
        int threads = Latency.threads();
        Provenance p = Provenance.current();
        StringBuilder md = new StringBuilder("# Batch-1 latency: DJL (PyTorch) vs ONNX Runtime\n\n")
                .append(String.format("Median of 200 batch-1 forward passes after 30 warm-up, %d intra-op thread(s) "
                        + "on both sides, measured back to back by `bench/latency.sh`.%n%nMade by %s on %s, %s.%n%n",
                        threads, p.software(), p.machine(), p.date()))
                .append("| network | params | MACs | DJL ms | ORT ms | DJL / ORT |\n|---|---:|---:|---:|---:|---:|\n");
        List<NetworkSpec> specs = new ArrayList<>();
        List<Weights> weights = new ArrayList<>();
        for (String arch : Zoo.names()) {
            NetworkSpec s = Zoo.get(arch, Shape.of(1, 28, 28), 10);
            specs.add(s);
            weights.add(Weights.initial(s, 1));
        }
        for (Path m : models) {
            ModelDir d = new ModelDir(m);
            NetworkSpec s = d.spec();
            specs.add(s.withName(m.getFileName() + " (" + s.name() + ")"));
            weights.add(d.weights(s));
        }
        for (int i = 0; i < specs.size(); i++) {
            NetworkSpec s = specs.get(i);
            double djl;
            try (Network net = Network.create(s, weights.get(i))) {
                djl = Latency.measure(net, 30, 200).medianMs();
            }
            Path f = Files.createTempFile("latency", ".onnx");
            OnnxExporter.export(s, weights.get(i), f);
            double ort = OnnxLatency.measure(f, s.input(), threads, 30, 200);
            Files.delete(f);
            Cost c = Cost.of(s);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.3f | %.3f | %.1f |%n", s.name(), c.params(),
                    c.macs(), djl, ort, djl / ort));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
        System.out.print(md);
    }
}

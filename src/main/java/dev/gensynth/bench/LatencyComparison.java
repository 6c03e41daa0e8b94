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
 * back in one process: every built-in architecture for 1x28x28 / 10 classes (or those named by
 * {@code --arch}), plus any model directories given as arguments. Writes a Markdown table to the
 * file named by --out.
 *
 * <p>Usage: {@code LatencyComparison [--out FILE.md] [--arch NAME]... [--warmup 30] [--runs 200] [MODEL_DIR...]}.
 */
public final class LatencyComparison {
    static final String USAGE = "LatencyComparison [--out FILE.md] [--arch NAME]... [--warmup N] [--runs N]"
            + " [MODEL_DIR...]";

    private LatencyComparison() {
    }

    public static void main(String[] args) {
        BenchCli.exit(run(System.err, args));
    }

    /** The whole main, with its user errors as one line on {@code err}; returns the exit code. */
    static int run(java.io.PrintStream err, String... args) {
        return BenchCli.run("LatencyComparison", err, () -> compare(args));
    }

    private static int compare(String[] args) throws Exception {
        Path out = Path.of("bench/results/latency.md");
        List<String> archs = new ArrayList<>();
        List<Path> models = new ArrayList<>();
        int warmup = 30;
        int runs = 200;
        BenchCli.Args a = new BenchCli.Args(args, USAGE);
        for (String arg = a.next(); arg != null; arg = a.next()) {
            switch (arg) {
                case "--out" -> out = Path.of(a.value(arg));
                case "--arch" -> archs.add(a.value(arg));
                case "--warmup" -> warmup = a.intValue(arg, 0);
                case "--runs" -> runs = a.intValue(arg, 1);
                default -> {
                    if (arg.startsWith("-")) {
                        throw a.error("unknown option '" + arg + "'");
                    }
                    models.add(Path.of(arg));
                }
            }
        }
        for (String arch : archs) {
            if (!Zoo.names().contains(arch)) {
                throw a.error("unknown --arch '" + arch + "' (built-in architectures: "
                        + String.join(", ", Zoo.names()) + ")");
            }
        }
        // everything the user gave is read before anything is measured
        List<NetworkSpec> specs = new ArrayList<>();
        List<Weights> weights = new ArrayList<>();
        for (String arch : archs.isEmpty() ? Zoo.names() : archs) {
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
        Files.createDirectories(out.toAbsolutePath().getParent());
        int threads = Latency.threads();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < specs.size(); i++) {
            NetworkSpec s = specs.get(i);
            double djl;
            try (Network net = Network.create(s, weights.get(i))) {
                djl = Latency.measure(net, warmup, runs).medianMs();
            }
            Path f = Files.createTempFile("latency", ".onnx");
            double ort;
            try {
                OnnxExporter.export(s, weights.get(i), f);
                ort = OnnxLatency.measure(f, s.input(), threads, warmup, runs);
            } finally {
                Files.deleteIfExists(f);
            }
            Cost c = Cost.of(s);
            rows.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.3f | %.3f | %.1f |%n", s.name(), c.params(),
                    c.macs(), djl, ort, djl / ort));
        }
        // provenance after the measurements: it then names the kernel setting's verdict in this process
        Provenance p = Provenance.current();
        StringBuilder md = new StringBuilder("# Batch-1 latency: DJL (PyTorch) vs ONNX Runtime\n\n")
                .append(String.format("Median of %d batch-1 forward passes after %d warm-up, %d intra-op thread(s) "
                        + "on both sides, measured back to back by `bench/latency.sh`.%n%nMade by %s on %s, %s.%n%n",
                        runs, warmup, threads, p.software(), p.machine(), p.date()))
                .append("| network | params | MACs | DJL ms | ORT ms | DJL / ORT |\n|---|---:|---:|---:|---:|---:|\n")
                .append(rows);
        Files.writeString(out, md.toString());
        System.out.print(md);
        return 0;
    }
}

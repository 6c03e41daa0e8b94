package dev.gensynth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.seed.Seed;
import dev.gensynth.synthesis.Generation;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Make networks from a learned generator, one per seed: fine-tune each, evaluate it on the test "
                + "split, report whether it meets the requirements (with reasons) and its utility, and save each as a"
                + " model directory.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "Synthesis run directory.")
    Path run;

    @Option(names = "--seeds", required = true, description = "Seeds, e.g. 100..107 or 1,5,9.")
    String seeds;

    @Option(names = "--epochs", description = "Fine-tuning per network (default: the final fine-tuning the run's "
            + "generator states, the generate recipe's epochs times log2 of its parent's MACs reduction; with --level, "
            + "that level's).")
    Double epochs;

    @Option(names = "--level", description = "Generate from the generator of requirement level A, B, ... (the run"
            + " config's levels), judged at that level.")
    String level;

    @Option(names = "--out", description = "Where to write the model directories (default: RUN/generated, with"
            + " --level RUN/generated-LEVEL).")
    Path out;

    @Option(names = "--force", description = "Replace the contents of an existing output directory.")
    boolean force;

    @Option(names = "--onnx", description = "Also export each network to ONNX (verified) beside its weights.")
    boolean onnx;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        List<Seed> list = Seed.parseList(seeds);
        List<Generation.Generated> gen = Generation.run(run, level, list, epochs, out, force, onnx,
                name -> new ConsoleProgress(name, false));
        Metrics proto = Generation.prototypeMetrics(run);
        boolean predicted = gen.stream().anyMatch(g -> g.predictedLatencyMs() != null);
        List<String> head = new java.util.ArrayList<>(List.of("network", "seed",
                proto.metricName() + " %", "params", "MACs",
                "MACs x fewer", "NetScore", "DJL ms", "ORT ms (threads)"));
        // a segmenter's pixel accuracy beside its mIoU
        boolean pixels = proto.pixelAccuracy() != null;
        if (pixels) {
            head.add(3, "pixel acc %");
        }
        if (predicted) {
            head.add("predicted ms");
        }
        head.addAll(List.of("U", "r"));
        Table t = new Table(head.toArray(String[]::new));
        List<Object> protoRow = new java.util.ArrayList<>(List.of(proto.network() + " (prototype)", "-",
                String.format("%.2f", proto.quality()), Table.count(proto.params()), Table.count(proto.macs()), "1.0",
                String.format("%.2f", proto.netScore()), ms(proto.latencyMs()), ort(proto)));
        if (pixels) {
            protoRow.add(3, String.format("%.2f", proto.pixelAccuracy()));
        }
        if (predicted) {
            protoRow.add("-");
        }
        protoRow.addAll(List.of("-", "-"));
        t.row(protoRow.toArray());
        for (Generation.Generated g : gen) {
            Metrics m = g.metrics();
            String verdict = g.met() ? "met" : String.join("; ", g.reasons());
            boolean measured = m.quality() != null; // not when its fine-tuning diverged: the reason stands in
            List<Object> row = new java.util.ArrayList<>(List.of(g.network(), g.seed(),
                    measured ? String.format("%.2f", m.quality()) : verdict, Table.count(m.params()),
                    Table.count(m.macs()), String.format("%.1f", (double) proto.macs() / m.macs()),
                    measured ? String.format("%.2f", m.netScore()) : "-", ms(m.latencyMs()), ort(m)));
            if (pixels) {
                row.add(3, m.pixelAccuracy() == null ? "-" : String.format("%.2f", m.pixelAccuracy()));
            }
            if (predicted) {
                row.add(ms(g.predictedLatencyMs()));
            }
            row.addAll(List.of(Double.isFinite(g.utility()) ? String.format("%.2f", g.utility()) : "-", verdict));
            t.row(row.toArray());
        }
        System.out.print(t);
        if (predicted) {
            System.out.println(predictionError(gen));
        }
        long met = gen.stream().filter(Generation.Generated::met).count();
        System.out.printf("%d of %d generated networks meet the requirements on the test split; model directories "
                + "in %s%n", met, gen.size(), out != null ? out : run.resolve(level == null ? "generated"
                : "generated-" + level));
        dev.gensynth.inquisitor.Promise promise = Generation.promise(run, level);
        if (promise != null) {
            System.out.println("the generator promised: " + promise.outcome(met, gen.size()));
        }
        System.out.println("report: " + dev.gensynth.report.RunReport.write(run));
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), gen);
        }
        return 0;
    }

    /** How far the run's latency model was off for these networks, against ONNX Runtime's measurement. */
    static String predictionError(List<Generation.Generated> gen) {
        double[] err = gen.stream().filter(g -> g.predictedLatencyMs() != null && g.metrics().onnxLatencyMs() != null)
                .mapToDouble(g -> g.predictedLatencyMs() / g.metrics().onnxLatencyMs() - 1).toArray();
        if (err.length == 0) {
            return "latency model: no network both predicted and measured";
        }
        double mean = java.util.Arrays.stream(err).map(Math::abs).average().orElse(0);
        double max = java.util.Arrays.stream(err).map(Math::abs).max().orElse(0);
        double bias = java.util.Arrays.stream(err).average().orElse(0);
        return String.format("latency model: predicted vs measured in ONNX Runtime, mean |error| %.0f %%, max %.0f %%,"
                + " mean %+.0f %% (%d networks)", 100 * mean, 100 * max, 100 * bias, err.length);
    }

    private static String ort(Metrics m) {
        return m.onnxLatencyMs() == null ? "-" : ms(m.onnxLatencyMs())
                + (m.onnxLatencyThreads() == null ? "" : " (" + m.onnxLatencyThreads() + ")");
    }

    private static String ms(Double v) {
        return v == null ? "-" : String.format("%.3f", v);
    }
}

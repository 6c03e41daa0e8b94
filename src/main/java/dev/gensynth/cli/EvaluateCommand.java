package dev.gensynth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxExporter;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.task.Measure;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a trained model: top-1 on the test split, params, MACs, information density, "
                + "NetScore and batch-1 CPU latency; a table and JSON.")
final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", required = true, description = "Model directory (written by train or generate).")
    Path model;

    @Option(names = "--dataset", description = "Override the dataset the model was trained on.")
    String dataset;

    @Option(names = "--data", description = "Override the dataset directory.")
    Path dataDir;

    @Option(names = "--json", description = "Also write the metrics as JSON to this file.")
    Path json;

    @Option(names = "--latency-runs", defaultValue = "100", description = "Timed batch-1 passes after warm-up.")
    int latencyRuns;

    @Override
    public Integer call() throws Exception {
        ModelDir dir = new ModelDir(model);
        NetworkSpec spec = dir.spec();
        var weights = dir.weights(spec);
        TrainingRecord rec = TrainingRecord.load(model).orElse(null);
        DataSource source = rec != null ? rec.data() : new DataSource("fashion-mnist", null, 0.1, 42);
        if (dataset != null || dataDir != null) {
            source = new DataSource(dataset != null ? dataset : source.kind(), dataDir != null ? dataDir : source.dir(),
                    source.validationFraction(), source.seed(), source.canvases(),
                    source.detectionCanvases());
        }
        Dataset test = source.load(spec.input(), rec == null ? null : rec.normalization()).test();
        if (!test.sampleShape().equals(spec.input())) {
            throw new UserError("model " + model + " takes input [" + spec.input() + "] but dataset " + source.kind()
                    + " has samples of [" + test.sampleShape() + "]");
        }
        try (Network net = Network.create(spec, weights)) {
            Metrics m = Measure.of(net, test, "test", latencyRuns);
            if (latencyRuns > 0) {
                OnnxLatency.Timed ort = onnxLatency(spec, weights);
                m = m.withOnnxLatency(ort.ms(), ort.threads());
            }
            if (Files.isRegularFile(dir.weightsFile())) {
                m = m.withModelBytes(Files.size(dir.weightsFile()));
            }
            System.out.print(table(m));
            String text = JSON.writeValueAsString(m.withProvenance(Provenance.current()));
            System.out.println(text);
            if (json != null) {
                Files.writeString(json, text + "\n");
            }
        }
        return 0;
    }

    /** Batch-1 latency of the same network exported to ONNX and run in ONNX Runtime. */
    private OnnxLatency.Timed onnxLatency(NetworkSpec spec, dev.gensynth.model.Weights weights) throws Exception {
        Path tmp = Files.createTempFile("gensynth-eval", ".onnx");
        try {
            OnnxExporter.export(spec, weights, tmp);
            return OnnxLatency.fastest(tmp, spec.input(), Measure.WARMUP, latencyRuns);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String table(Metrics m) {
        boolean seg = m.meanIoU() != null;
        boolean det = m.map50() != null;
        String metric = m.metricName();
        String beside = seg ? "pixel acc %" : det ? "COCO AP %" : null;
        Double besideValue = seg ? m.pixelAccuracy() : det ? m.cocoAp() : null;
        Table t = new Table("network", metric + " %", beside, "params", "MACs",
                "info density", "NetScore", "DJL ms", "ORT ms", "threads", "size KB", "inferences/J");
        t.row(m.network(), m.quality() == null ? "-" : String.format("%.2f", m.quality()),
                beside == null ? null : besideValue == null ? "-" : String.format("%.2f", besideValue),
                Table.count(m.params()),
                Table.count(m.macs()),
                m.informationDensity() == null ? "-" : String.format("%.1f", m.informationDensity()),
                m.netScore() == null ? "-" : String.format("%.2f", m.netScore()),
                m.latencyMs() == null ? "-" : String.format("%.3f", m.latencyMs()),
                m.onnxLatencyMs() == null ? "-" : String.format("%.3f", m.onnxLatencyMs()),
                m.latencyThreads() == null ? "-" : m.onnxLatencyThreads() == null ? m.latencyThreads()
                        : m.latencyThreads() + " / " + m.onnxLatencyThreads(),
                m.modelBytes() == null ? "-" : String.format("%.1f", m.modelBytes() / 1024.0),
                m.inferencesPerJoule() != null ? String.format("%.0f", m.inferencesPerJoule())
                        : m.latencyMs() == null ? "-" : "not available");
        return t + "(information density: " + metric + " % per million params; latency: batch 1, "
                + "median after warm-up;"
                + " threads: DJL's / ONNX Runtime's, the faster of one and every core; inferences/J: those batch-1 DJL"
                + " passes per joule of the CPU packages' RAPL counter, not available where the machine exposes none)\n";
    }
}

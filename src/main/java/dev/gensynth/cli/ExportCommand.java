package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.export.Export;
import dev.gensynth.metrics.Latency;
import dev.gensynth.task.Measure;
import dev.gensynth.model.ModelDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.spec.NetworkSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model directory to ONNX, generated from its spec and weights, then load it in ONNX "
                + "Runtime and check it computes the same outputs as the DJL network on held-out inputs.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory (spec.json + weights.npz).")
    Path model;

    @Option(names = "--format", defaultValue = "onnx", description = "Export format (only onnx).")
    String format;

    @Option(names = "--out", required = true, description = "Output file, e.g. model.onnx; a model card "
            + "(model.card.json) is written beside it.")
    Path out;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Option(names = "--tolerance", defaultValue = "1e-4", description = "Largest allowed absolute difference.")
    double tolerance;

    @Option(names = "--samples", defaultValue = "64", description = "Held-out inputs used for the check.")
    int samples;

    @Override
    public Integer call() {
        if (!format.equalsIgnoreCase("onnx")) {
            throw new UserError("export format '" + format + "' is not supported; use --format onnx");
        }
        ModelDir dir = new ModelDir(model);
        NetworkSpec spec = dir.spec();
        var weights = dir.weights(spec);
        int threads = Latency.threads();
        Export.Options opts = Export.Options.defaults().withForce(force).withTolerance(tolerance)
                .withLatency(threads, Measure.WARMUP, 100);
        String inputsFrom = "random inputs (the model has no training record)";
        var rec = TrainingRecord.load(model);
        if (rec.isPresent()) {
            Dataset test = rec.get().data().load(spec.input(), rec.get().normalization()).test().head(samples);
            opts = opts.withInputs(test.x(), test.size());
            inputsFrom = test.size() + " test samples of " + rec.get().data().kind();
        } else {
            opts = opts.withInputs(null, samples);
        }
        Export.Summary s = Export.run(spec, weights, dir.metrics().orElse(null), out, opts);
        double djlMs;
        try (Network net = Network.create(spec, weights)) {
            djlMs = Latency.measure(net, Measure.WARMUP, 100).medianMs();
        }
        boolean perPixel = spec.shapes().get(spec.outputs().get(0)).isMap();
        boolean detector = s.detectionAgreement() != null;
        Table t = new Table("file", "bytes", "opset", "max |diff|", perPixel ? "pixel arg-max agreement"
                : "top-1 agreement", detector ? "detections alike" : null, "checked on", "ORT ms", "DJL ms", "threads");
        t.row(s.onnxFile(), Table.count(s.bytes()), s.opset(), String.format("%.2e", s.maxAbsDiff()),
                String.format("%.1f%%", 100 * s.top1Agreement()),
                detector ? String.format("%.1f%%", 100 * s.detectionAgreement()) : null, inputsFrom,
                String.format("%.3f", s.latencyMs()),
                String.format("%.3f", djlMs), threads);
        System.out.print(t);
        System.out.println("inputs " + s.inputs() + ", outputs " + s.outputs() + "; model card " + s.cardFile());
        return 0;
    }
}

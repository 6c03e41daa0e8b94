package dev.gensynth.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.Layer;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.detection.CenterNetDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small JSON card written beside an exported model ({@code model.onnx} gets
 * {@code model.card.json}): what the file is, how to feed it, what the network costs and
 * scores, and how the export was checked.
 *
 * @param file the model file's name (the card sits beside it)
 * @param inputs graph inputs; the batch dimension is the string {@code "N"}
 * @param top1 a classifier's top-1 accuracy in percent, when the network was evaluated
 * @param meanIoU a segmenter's mIoU in percent (its primary metric), when evaluated
 * @param pixelAccuracy a segmenter's pixel accuracy in percent, beside its mIoU
 * @param map50 a detector's VOC mAP at IoU 0.5 in percent (its primary metric), when evaluated
 * @param cocoAp a detector's COCO AP@[.5:.95] in percent, beside its mAP50
 * @param decoding how a detector's three maps become boxes, for users of the file; null for other networks
 * @param verification the ONNX Runtime vs DJL comparison, when one was run
 * @param latency ONNX Runtime batch-1 latency, when measured
 * @param provenance how the export was made (null in cards written before it was recorded)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(String file, String format, long bytes, int opset, int irVersion, String producer,
        String network, List<TensorInfo> inputs, List<TensorInfo> outputs, long params, long macs, Double top1,
        Double meanIoU, Double pixelAccuracy, Double map50, Double cocoAp, Decoding decoding, String evaluatedOn,
        Double netScore, Double informationDensity, Verification verification, Latency latency, Provenance provenance) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A graph input or output: name and shape, the batch axis first as {@code "N"}. */
    public record TensorInfo(String name, List<Object> shape) {
    }

    /** @param detectionAgreement a detector's decoded detections that agree ({@link OnnxVerifier.Result}), else null */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(double maxAbsDiff, double top1Agreement, int samples, double tolerance,
            boolean passed, Double detectionAgreement) {
        static Verification of(OnnxVerifier.Result r) {
            return new Verification(r.maxAbsDiff(), r.top1Agreement(), r.samples(), r.tolerance(), r.passed(),
                    r.detectionAgreement());
        }
    }

    /**
     * A detector's decoding ({@link CenterNetDecoder}): keep a heatmap position equal to the maximum of its 3×3
     * neighbourhood, take the {@code topK} highest over classes and positions, and at row y, column x read the
     * centre (x + offset[0], y + offset[1]) and size (size[0], size[1]); the box is the centre ± size / 2, times
     * {@code stride} input pixels.
     */
    public record Decoding(String method, int stride, int topK, String rule) {
        static Decoding of(NetworkSpec spec) {
            int stride = dev.gensynth.task.ObjectDetection.strideOf(spec);
            return stride == 0 ? null : new Decoding("centernet", stride, CenterNetDecoder.DEFAULT.k(),
                    "peaks: heatmap positions equal to the max of their 3x3 neighbourhood; the topK over classes and"
                            + " positions; at row y, column x: centre (x + offset[0], y + offset[1]), size (size[0],"
                            + " size[1]); box = (centre -/+ size / 2) * stride input pixels, score = the heatmap value");
        }
    }

    /** Median batch-1 milliseconds in ONNX Runtime with {@code threads} intra-op threads. */
    public record Latency(String runtime, double medianMs, int threads, int batch) {
    }

    /**
     * The card of an exported file.
     *
     * @param metrics the model directory's metrics, or null (params and MACs then come from the spec)
     * @param verification null when not verified
     * @param latency null when not measured
     */
    public static ModelCard of(NetworkSpec spec, Metrics metrics, Path onnxFile, OnnxVerifier.Result verification,
            Latency latency) {
        Map<String, Shape> shapes = spec.shapes();
        Metrics m = metrics != null ? metrics : Metrics.fromCost(spec.name(), Cost.of(spec));
        long bytes;
        try {
            bytes = Files.size(onnxFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + onnxFile, e);
        }
        List<TensorInfo> outs = new ArrayList<>();
        for (String o : spec.outputs()) {
            outs.add(info(o, shapes.get(o)));
        }
        return new ModelCard(onnxFile.getFileName().toString(), "onnx", bytes, OnnxExporter.OPSET,
                OnnxExporter.IR_VERSION, OnnxExporter.PRODUCER, spec.name(), List.of(info(Layer.INPUT, spec.input())),
                outs, m.params(), m.macs(), m.top1(), m.meanIoU(), m.pixelAccuracy(), m.map50(), m.cocoAp(),
                spec.outputs().equals(CenterNetDecoder.OUTPUTS) ? Decoding.of(spec) : null, m.evaluatedOn(),
                m.netScore(), m.informationDensity(),
                verification == null ? null : Verification.of(verification), latency, Provenance.current());
    }

    private static TensorInfo info(String name, Shape s) {
        List<Object> dims = new ArrayList<>();
        dims.add(OnnxExporter.BATCH_DIM);
        dims.addAll(s.dims());
        return new TensorInfo(name, dims);
    }

    /** Where the card of a model file goes: {@code x.onnx} to {@code x.card.json}, else the name plus {@code .card.json}. */
    public static Path pathFor(Path modelFile) {
        String n = modelFile.getFileName().toString();
        String base = n.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
        return modelFile.resolveSibling(base + ".card.json");
    }

    /** Writes this card beside {@code modelFile}; returns the card's path. */
    public Path writeBeside(Path modelFile) {
        Path p = pathFor(modelFile);
        try {
            JSON.writeValue(p.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model card " + p, e);
        }
        return p;
    }

    public static ModelCard read(Path cardFile) {
        try {
            return JSON.readValue(cardFile.toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model card " + cardFile, e);
        }
    }
}

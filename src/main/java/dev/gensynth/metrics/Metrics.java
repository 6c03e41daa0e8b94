package dev.gensynth.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gensynth.provenance.Provenance;

/**
 * Everything measured about one trained network, as written to {@code metrics.json} and
 * printed by {@code evaluate}. Accuracy-dependent fields are null until the network has been
 * evaluated on data; latency is null until measured.
 *
 * @param top1 a classifier's top-1 accuracy in percent on {@code evaluatedOn}
 * @param informationDensity the primary metric ({@link #quality()}) in percent per million params
 * @param netScore NetScore with the primary metric as its accuracy term
 * @param latencyMs median batch-1 CPU forward time after warm-up, with {@code latencyThreads}
 * @param modelBytes size of the saved weights file
 * @param onnxLatencyMs the same latency for the ONNX export in ONNX Runtime, when measured
 * @param onnxLatencyThreads the intra-op threads of {@code onnxLatencyMs}: the faster of one and every core
 * @param meanIoU a segmenter's mean IoU in percent on {@code evaluatedOn} (its primary metric)
 * @param pixelAccuracy a segmenter's pixel accuracy in percent, reported beside its mIoU
 * @param map50 a detector's VOC mAP at IoU 0.5 in percent on {@code evaluatedOn} (its primary metric)
 * @param cocoAp a detector's COCO AP@[.5:.95] in percent, reported beside its mAP50
 * @param inferencesPerJoule batch-1 DJL forward passes per joule of the CPU packages' energy counter
 *     ({@link Energy}); null where the machine has none (never estimated)
 * @param provenance how the file holding these metrics was made; set when it is written (latency
 *     and accuracy depend on the machine, threads, kernels and versions it names)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metrics(String network, long params, long macs, long activationBytes, Double top1,
        String evaluatedOn, Double informationDensity, Double netScore, Double latencyMs, Integer latencyThreads,
        Long modelBytes, Double onnxLatencyMs, Integer onnxLatencyThreads, Double meanIoU, Double pixelAccuracy,
        Double map50, Double cocoAp, Double inferencesPerJoule, Provenance provenance) {

    /** Metrics known from the spec alone. */
    public static Metrics fromCost(String network, Cost cost) {
        return new Metrics(network, cost.params(), cost.macs(), cost.activationBytes(), null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** The name of {@link #quality()}: {@code mIoU}, {@code mAP50} or {@code top-1}, as the tasks name their metrics. */
    public String metricName() {
        return meanIoU != null ? "mIoU" : map50 != null ? "mAP50" : "top-1";
    }

    /** {@link #metricName()} of the metrics in a {@code metrics.json} read as a tree; {@code top-1} for null. */
    public static String metricName(com.fasterxml.jackson.databind.JsonNode metrics) {
        return metrics == null ? "top-1" : metrics.hasNonNull("meanIoU") ? "mIoU" : metrics.hasNonNull("map50")
                ? "mAP50" : "top-1";
    }

    /** The primary metric in percent: a segmenter's mIoU, a detector's mAP50, else top-1; null before any evaluation. */
    public Double quality() {
        return meanIoU != null ? meanIoU : map50 != null ? map50 : top1;
    }

    /** A segmenter's figures on {@code split}: mIoU (the primary metric, which the scores use) and pixel accuracy. */
    public Metrics withSegmentation(double meanIoUPercent, Double pixelAccuracyPercent, String split) {
        return new Metrics(network, params, macs, activationBytes, null, split,
                Scores.informationDensity(meanIoUPercent, params / 1e6),
                Scores.netScore(meanIoUPercent, params / 1e6, macs / 1e6), latencyMs, latencyThreads, modelBytes,
                onnxLatencyMs, onnxLatencyThreads, meanIoUPercent, pixelAccuracyPercent, null, null, inferencesPerJoule,
                provenance);
    }

    /** A detector's figures on {@code split}: VOC mAP50 (the primary metric, which the scores use) and COCO AP. */
    public Metrics withDetection(double map50Percent, Double cocoApPercent, String split) {
        return new Metrics(network, params, macs, activationBytes, null, split,
                Scores.informationDensity(map50Percent, params / 1e6),
                Scores.netScore(map50Percent, params / 1e6, macs / 1e6), latencyMs, latencyThreads, modelBytes,
                onnxLatencyMs, onnxLatencyThreads, null, null, map50Percent, cocoApPercent, inferencesPerJoule,
                provenance);
    }

    /**
     * The primary metric alone, named as a task names it ({@code top-1}, {@code mIoU} or {@code mAP50}), in percent
     * on {@code split}.
     */
    public Metrics withQuality(String metric, double percent, String split) {
        return switch (metric) {
            case "mIoU" -> withSegmentation(percent, null, split);
            case "mAP50" -> withDetection(percent, null, split);
            default -> withAccuracy(percent, split);
        };
    }

    public Metrics withAccuracy(double top1Percent, String split) {
        return new Metrics(network, params, macs, activationBytes, top1Percent, split,
                Scores.informationDensity(top1Percent, params / 1e6),
                Scores.netScore(top1Percent, params / 1e6, macs / 1e6), latencyMs, latencyThreads, modelBytes,
                onnxLatencyMs, onnxLatencyThreads, meanIoU, pixelAccuracy, null, null, inferencesPerJoule, provenance);
    }

    public Metrics withLatency(double ms, int threads) {
        return new Metrics(network, params, macs, activationBytes, top1, evaluatedOn, informationDensity, netScore,
                ms, threads, modelBytes, onnxLatencyMs, onnxLatencyThreads, meanIoU, pixelAccuracy, map50, cocoAp,
                inferencesPerJoule, provenance);
    }

    public Metrics withModelBytes(long bytes) {
        return new Metrics(network, params, macs, activationBytes, top1, evaluatedOn, informationDensity, netScore,
                latencyMs, latencyThreads, bytes, onnxLatencyMs, onnxLatencyThreads, meanIoU, pixelAccuracy, map50,
                cocoAp, inferencesPerJoule, provenance);
    }

    public Metrics withOnnxLatency(double ms, int threads) {
        return new Metrics(network, params, macs, activationBytes, top1, evaluatedOn, informationDensity, netScore,
                latencyMs, latencyThreads, modelBytes, ms, threads, meanIoU, pixelAccuracy, map50, cocoAp,
                inferencesPerJoule, provenance);
    }

    public Metrics withInferencesPerJoule(Double perJoule) {
        return new Metrics(network, params, macs, activationBytes, top1, evaluatedOn, informationDensity, netScore,
                latencyMs, latencyThreads, modelBytes, onnxLatencyMs, onnxLatencyThreads, meanIoU, pixelAccuracy, map50,
                cocoAp, perJoule, provenance);
    }

    public Metrics withProvenance(Provenance p) {
        return new Metrics(network, params, macs, activationBytes, top1, evaluatedOn, informationDensity, netScore,
                latencyMs, latencyThreads, modelBytes, onnxLatencyMs, onnxLatencyThreads, meanIoU, pixelAccuracy, map50,
                cocoAp, inferencesPerJoule, p);
    }
}

package dev.gensynth.benchmark;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gensynth.provenance.Provenance;
import java.util.List;

/**
 * One network of the benchmark, measured on the test split (and validation, for selection).
 *
 * @param method {@code gensynth}, {@code reference}, {@code width}, {@code l1-prune} or {@code random}
 * @param level the requirement level it was made or picked for (A, B, ...), or "-"
 * @param quality the task's primary metric on the test split, in percent (top-1, or a segmenter's mIoU); NaN,
 *     like the other quality-derived fields, when its training diverged: then its one reason says so, tables
 *     show that instead, and it has no model directory
 * @param pixelAccuracy a segmenter's pixel accuracy on the test split, beside its mIoU; null for other tasks
 * @param cocoAp a detector's COCO AP@[.5:.95] on the test split, beside its mAP50; null for other tasks
 * @param informationDensity quality % per million params
 * @param met whether it meets r on the test split: its level's accuracy floor (prototype test quality minus the
 *     level's drop) and the run's other requirements; for networks without a level, the loosest level
 * @param inferencesPerJoule batch-1 DJL passes per joule of the CPU's energy counter while its latency was timed;
 *     null where the machine has no such counter (or it was not measured)
 * @param trainEpochs full passes over the training split spent on it (its own training or fine-tuning only)
 * @param provenance how and when this row was made (a benchmark carried over sessions has rows of several
 *     dates and commits); null in rows written before it was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Row(String network, String method, String level, String source,
        @JsonAlias("top1") double quality, @JsonAlias("top1Validation") double validationQuality, Double pixelAccuracy,
        Double cocoAp, long params, long macs, double informationDensity, double netScore, Double latencyMs,
        Double onnxLatencyMs, Double inferencesPerJoule, boolean met, List<String> reasons, double trainEpochs, double seconds, String modelDir,
        Provenance provenance) {

    /** Whether it has a quality (not when its training diverged). */
    public boolean measured() {
        return !Double.isNaN(quality);
    }

    public Row renamed(String name, String newLevel, double epochs) {
        return new Row(name, method, newLevel, source, quality, validationQuality, pixelAccuracy, cocoAp, params, macs,
                informationDensity, netScore, latencyMs, onnxLatencyMs, inferencesPerJoule, met, reasons, epochs, seconds,
                modelDir, provenance);
    }

    /** The same network, with what making it cost in all (when it is the pick of several schedules trained). */
    public Row spent(String newSource, double epochs, double secs) {
        return new Row(network, method, level, newSource, quality, validationQuality, pixelAccuracy, cocoAp, params,
                macs, informationDensity, netScore, latencyMs, onnxLatencyMs, inferencesPerJoule, met, reasons, epochs,
                secs, modelDir, provenance);
    }

    /** The same row with its batch-1 latency timed again (DJL and ONNX Runtime, ms). */
    public Row withLatency(Double djlMs, Double onnxMs) {
        return new Row(network, method, level, source, quality, validationQuality, pixelAccuracy, cocoAp, params, macs,
                informationDensity, netScore, djlMs, onnxMs, inferencesPerJoule, met, reasons, trainEpochs, seconds,
                modelDir, provenance);
    }

    public Row withVerdict(boolean m, List<String> r) {
        return new Row(network, method, level, source, quality, validationQuality, pixelAccuracy, cocoAp, params, macs,
                informationDensity, netScore, latencyMs, onnxLatencyMs, inferencesPerJoule, m, r, trainEpochs, seconds,
                modelDir, provenance);
    }
}

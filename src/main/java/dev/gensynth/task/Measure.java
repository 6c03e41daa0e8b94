package dev.gensynth.task;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.metrics.Accuracy;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Energy;
import dev.gensynth.metrics.Latency;
import dev.gensynth.metrics.Metrics;

/**
 * Measures a trained network fully: cost from its spec, quality on data in its task's metrics (top-1,
 * mIoU and pixel accuracy, or VOC mAP50 and COCO AP), latency on this CPU, and inferences per joule where the CPU's
 * energy counter can be read ({@link Energy}).
 */
public final class Measure {
    public static final int WARMUP = 20;

    private Measure() {
    }

    /**
     * @param data evaluated split, or null to skip accuracy
     * @param latencyRuns timed batch-1 passes after warm-up; 0 skips latency
     */
    public static Metrics of(Network net, Dataset data, String split, int latencyRuns) {
        Metrics m = Metrics.fromCost(net.spec().name(), Cost.of(net.spec()));
        if (data != null && Task.of(data) instanceof Segmentation) {
            PixelCounts c = Segmentation.counts(net, data, 256);
            m = m.withSegmentation(c.meanIoU(), c.pixelAccuracy(), split);
        } else if (data != null && Task.of(data) instanceof ObjectDetection) {
            ObjectDetection.Evaluation e = ObjectDetection.evaluate(net, data, 256);
            m = m.withDetection(e.map50(), e.cocoAp(), split);
        } else if (data != null) {
            m = m.withAccuracy(Accuracy.top1(net, data, 256), split);
        }
        if (latencyRuns > 0) {
            Latency.Measurement[] l = new Latency.Measurement[1];
            double perJoule = Energy.at(Energy.POWERCAP).inferencesPerJoule(
                    () -> l[0] = Latency.measure(net, WARMUP, latencyRuns), WARMUP + latencyRuns);
            m = m.withLatency(l[0].medianMs(), l[0].threads());
            m = m.withInferencesPerJoule(Double.isNaN(perJoule) ? null : perJoule);
        }
        return m;
    }
}

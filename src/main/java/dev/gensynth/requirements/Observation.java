package dev.gensynth.requirements;

/**
 * What was observed of one network: the quantities requirements and utilities are judged on.
 *
 * @param quality the task's primary metric in percent (top-1 for a classifier, mIoU for a segmenter by default) on
 *     the split named by {@code split}
 * @param latencyMs batch-1 latency, NaN when not measured
 */
public record Observation(double quality, long params, long macs, double latencyMs, String split) {
    public double paramsMillions() {
        return params / 1e6;
    }

    public double macsMillions() {
        return macs / 1e6;
    }
}

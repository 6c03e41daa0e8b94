package dev.gensynth.requirements;

/**
 * What was observed of one network: the quantities requirements and utilities are judged on.
 *
 * @param top1 top-1 accuracy in percent on the split named by {@code split}
 * @param latencyMs batch-1 latency, NaN when not measured
 */
public record Observation(double top1, long params, long macs, double latencyMs, String split) {
    public double paramsMillions() {
        return params / 1e6;
    }

    public double macsMillions() {
        return macs / 1e6;
    }
}

package dev.gensynth.inquisitor;

import java.util.List;

/**
 * One probed candidate, as it goes into the run's candidates table: which seed, what came out,
 * what was measured (on the validation split), whether it met r and why not, and its U.
 *
 * @param widths channels of each prunable group of the parent, in network order (the architecture summary;
 *     the groups inside left-out blocks too)
 * @param quality the task's primary metric on the validation split, in percent; NaN when the candidate's fine-tuning diverged; its reason says so, and tables show that instead
 * @param changed the parent's structural units the candidate changed (blocks left out, operators replaced), by
 *     key
 * @param predictedLatencyMs what the latency model predicted before it was measured (NaN: no model in use)
 */
public record CandidateRecord(int cycle, int index, long seed, String network, List<Integer> widths, long params,
        long macs, @com.fasterxml.jackson.annotation.JsonAlias("top1") double quality, double latencyMs, boolean met, List<String> reasons, double utility,
        double finetuneEpochs, double seconds, boolean chosen,
        @com.fasterxml.jackson.annotation.JsonAlias("skipped") List<String> changed,
        Double predictedLatencyMs) {
    public CandidateRecord {
        changed = changed == null ? List.of() : List.copyOf(changed);
        predictedLatencyMs = predictedLatencyMs == null ? Double.NaN : predictedLatencyMs;
    }

    /** The same candidate judged by another requirement: whether it meets it, and why not. */
    public CandidateRecord judged(boolean meets, List<String> why) {
        return new CandidateRecord(cycle, index, seed, network, widths, params, macs, quality, latencyMs, meets, why,
                utility, finetuneEpochs, seconds, chosen, changed, predictedLatencyMs);
    }

    /** Whether it has a top-1: one whose fine-tuning diverged has only the reason it was rejected. */
    public boolean measured() {
        return !Double.isNaN(quality);
    }

    public CandidateRecord asChosen() {
        return new CandidateRecord(cycle, index, seed, network, widths, params, macs, quality, latencyMs, met, reasons,
                utility, finetuneEpochs, seconds, true, changed, predictedLatencyMs);
    }
}

package dev.gensynth.inquisitor;

import java.util.List;

/**
 * One probed candidate, as it goes into the run's candidates table: which seed, what came out,
 * what was measured (on the validation split), whether it met r and why not, and its U.
 *
 * @param widths channels of each prunable group, in network order (the architecture summary)
 */
public record CandidateRecord(int cycle, int index, long seed, String network, List<Integer> widths, long params,
        long macs, double top1, double latencyMs, boolean met, List<String> reasons, double utility,
        double finetuneEpochs, double seconds, boolean chosen) {

    public CandidateRecord asChosen() {
        return new CandidateRecord(cycle, index, seed, network, widths, params, macs, top1, latencyMs, met, reasons,
                utility, finetuneEpochs, seconds, true);
    }
}

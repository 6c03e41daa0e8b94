package dev.gensynth.inquisitor;

import dev.gensynth.train.TrainListener;

/** Hears about probing: a listener per candidate's fine-tuning, and each finished candidate. */
public interface ProbeListener {
    ProbeListener SILENT = new ProbeListener() {
    };

    default TrainListener training(int cycle, int index, String network) {
        return TrainListener.SILENT;
    }

    default void onCandidate(CandidateRecord c) {
    }

    /** Candidate {@code index} of {@code cycle} is left out: each of its {@code draws} seeds repeated a judged draw. */
    default void onRepeat(int cycle, int index, int draws) {
    }
}

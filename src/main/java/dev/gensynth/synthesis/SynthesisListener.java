package dev.gensynth.synthesis;

import dev.gensynth.inquisitor.ProbeListener;
import dev.gensynth.train.TrainListener;

/** Progress of a synthesis run: the prototype's training, each cycle's probing, each cycle's end. */
public interface SynthesisListener extends ProbeListener {
    SynthesisListener SILENT = new SynthesisListener() {
    };

    /** Before anything is trained: the name of the task's metric candidates are judged by (top-1, mIoU). */
    default void onMetric(String metric) {
    }

    default TrainListener prototypeTraining(String network) {
        return TrainListener.SILENT;
    }

    default void onCycleStart(int cycle, int candidates) {
    }

    default void onCycleEnd(RunDir.CycleSummary summary) {
    }

    default void onMessage(String message) {
    }
}

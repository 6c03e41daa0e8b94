package dev.gensynth.utility;

import dev.gensynth.requirements.Observation;

/** The universal performance function U(N): what "efficient" means; higher is better. */
public interface Utility {
    double score(Observation o);

    /** Short name for tables and logs. */
    String name();

    /** Whether {@link #score} reads the latency: then it is NaN for an observation without one. */
    default boolean needsLatency() {
        return false;
    }
}

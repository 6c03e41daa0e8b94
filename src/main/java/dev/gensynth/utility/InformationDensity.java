package dev.gensynth.utility;

import dev.gensynth.metrics.Scores;
import dev.gensynth.requirements.Observation;

/** Information density: top-1 % per million params. */
public record InformationDensity() implements Utility {
    @Override
    public double score(Observation o) {
        return Scores.informationDensity(o.quality(), o.paramsMillions());
    }

    @Override
    public String name() {
        return "information_density";
    }
}

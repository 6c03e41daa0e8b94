package dev.gensynth.utility;

import dev.gensynth.metrics.Scores;
import dev.gensynth.requirements.Observation;

/** NetScore, the default U: accuracy squared over the square roots of params and MACs, in dB. */
public record NetScore() implements Utility {
    @Override
    public double score(Observation o) {
        return Scores.netScore(o.quality(), o.paramsMillions(), o.macsMillions());
    }

    @Override
    public String name() {
        return "netscore";
    }
}

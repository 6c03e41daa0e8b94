package dev.gensynth.benchmark;

import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.requirements.Verdict;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.utility.Utility;
import java.util.List;
import java.util.function.Function;

/**
 * The benchmark's requirement levels: "quality (the task's metric) at least the prototype's minus d" for each d, with the
 * run's other requirements. A network is picked for a level on the validation split and judged at
 * it on the test split, each against the prototype's quality on the same split.
 *
 * @param prototypeValidationQuality the prototype's quality on the validation split
 * @param prototypeTestQuality the prototype's quality on the test split
 * @param loosest the loosest level's drop, for rows that belong to no level
 */
record Levels(SynthesisConfig run, double prototypeValidationQuality, double prototypeTestQuality, double loosest) {

    /** The run's requirements at this level; its latency bound only where the latency was measured alike. */
    Requirements at(double drop, boolean withLatency) {
        Requirements r = run.requirements();
        return new Requirements(null, drop, r.maxMacs(), r.maxParams(), withLatency ? r.maxLatencyMs() : null,
                r.metric());
    }

    /** The best-U item meeting the level on validation, or null. */
    <T> T pick(List<T> items, Function<T, Observation> obs, double drop) {
        Utility u = run.utility();
        Requirements req = at(drop, false);
        T best = null;
        double bu = Double.NEGATIVE_INFINITY;
        for (T t : items) {
            Observation o = obs.apply(t);
            if (req.check(o, prototypeValidationQuality).met() && u.score(o) > bu) {
                bu = u.score(o);
                best = t;
            }
        }
        return best;
    }

    /**
     * The row judged at a level on the test split, its latency in ONNX Runtime as synthesis judges it; a
     * diverged one keeps its reason, the only thing known of it.
     */
    Row verdict(Row r, Double drop) {
        if (!r.measured()) {
            return r;
        }
        Double ms = r.onnxLatencyMs() != null ? r.onnxLatencyMs() : r.latencyMs();
        Verdict v = at(drop == null ? loosest : drop, true).check(new Observation(r.quality(), r.params(), r.macs(),
                ms == null ? Double.NaN : ms, "test"), prototypeTestQuality);
        return r.withVerdict(v.met(), v.reasons());
    }
}

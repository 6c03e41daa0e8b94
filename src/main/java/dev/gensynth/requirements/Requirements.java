package dev.gensynth.requirements;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gensynth.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * Operational requirements r. Every field is optional (null = no such requirement).
 *
 * @param minTop1 top-1 (%) must be at least this
 * @param maxTop1Drop top-1 may be at most this many points below the prototype's on the same split
 * @param maxMacs multiply-accumulates per sample at most this
 * @param maxParams learned parameters at most this
 * @param maxLatencyMs batch-1 latency on this CPU at most this
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Requirements(Double minTop1, Double maxTop1Drop, Long maxMacs, Long maxParams, Double maxLatencyMs) {

    public Requirements {
        if (minTop1 != null && (minTop1 < 0 || minTop1 > 100)) {
            throw new UserError("requirement minTop1 must be a percentage in [0, 100], got " + minTop1
                    + "; no network can reach more than 100 %");
        }
        if (maxTop1Drop != null && maxTop1Drop < 0) {
            throw new UserError("requirement maxTop1Drop must be >= 0 points, got " + maxTop1Drop);
        }
        if (maxMacs != null && maxMacs < 1 || maxParams != null && maxParams < 1) {
            throw new UserError("requirements maxMacs and maxParams must be positive");
        }
        if (maxLatencyMs != null && !(maxLatencyMs > 0)) {
            throw new UserError("requirement maxLatencyMs must be > 0, got " + maxLatencyMs);
        }
    }

    public boolean needsLatency() {
        return maxLatencyMs != null;
    }

    /** Whether r bounds a cost (MACs, params or latency), not only accuracy. */
    public boolean boundsCost() {
        return maxMacs != null || maxParams != null || maxLatencyMs != null;
    }

    /** The accuracy part of r alone. */
    public Requirements accuracy() {
        return new Requirements(minTop1, maxTop1Drop, null, null, null);
    }

    /** The accuracy floor given the prototype's top-1 on the same split, or NaN when there is none. */
    public double top1Floor(double prototypeTop1) {
        double floor = Double.NaN;
        if (minTop1 != null) {
            floor = minTop1;
        }
        if (maxTop1Drop != null) {
            double rel = prototypeTop1 - maxTop1Drop;
            floor = Double.isNaN(floor) ? rel : Math.max(floor, rel);
        }
        return floor;
    }

    /** 1r(N) with reasons; {@code prototypeTop1} is measured on the same split as {@code o}. */
    public Verdict check(Observation o, double prototypeTop1) {
        List<String> reasons = new ArrayList<>();
        double floor = top1Floor(prototypeTop1);
        // written so that an accuracy that is not a number fails the floor (NaN < floor would pass it)
        if (!Double.isNaN(floor) && !(o.top1() >= floor)) {
            reasons.add(Double.isNaN(o.top1()) ? "top-1 not measured" : String.format("top-1 %.2f%% < %.2f%% required%s",
                    o.top1(), floor, maxTop1Drop != null ? String.format(" (prototype %.2f%% - %.1f)", prototypeTop1,
                            maxTop1Drop) : ""));
        }
        if (maxMacs != null && o.macs() > maxMacs) {
            reasons.add(String.format("MACs %,d > %,d allowed", o.macs(), maxMacs));
        }
        if (maxParams != null && o.params() > maxParams) {
            reasons.add(String.format("params %,d > %,d allowed", o.params(), maxParams));
        }
        if (maxLatencyMs != null && !(o.latencyMs() <= maxLatencyMs)) {
            reasons.add(Double.isNaN(o.latencyMs()) ? "latency not measured"
                    : String.format("latency %.3f ms > %.3f ms allowed", o.latencyMs(), maxLatencyMs));
        }
        return new Verdict(reasons.isEmpty(), reasons);
    }

    @Override
    public String toString() {
        List<String> p = new ArrayList<>();
        if (minTop1 != null) {
            p.add("top-1 >= " + minTop1 + "%");
        }
        if (maxTop1Drop != null) {
            p.add("top-1 >= prototype - " + maxTop1Drop + " points");
        }
        if (maxMacs != null) {
            p.add(String.format("MACs <= %,d", maxMacs));
        }
        if (maxParams != null) {
            p.add(String.format("params <= %,d", maxParams));
        }
        if (maxLatencyMs != null) {
            p.add("latency <= " + maxLatencyMs + " ms");
        }
        return p.isEmpty() ? "none" : String.join(", ", p);
    }
}

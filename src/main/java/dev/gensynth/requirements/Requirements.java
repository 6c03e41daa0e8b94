package dev.gensynth.requirements;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gensynth.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * Operational requirements r. Every bound is optional (null = no such requirement). The quality
 * bounds are in the task's primary metric, named by {@code metric}: top-1 for a classifier, mIoU
 * for a segmenter (config files may still say {@code minTop1} and {@code maxTop1Drop}).
 *
 * @param minQuality the metric (%) must be at least this
 * @param maxQualityDrop the metric may be at most this many points below the prototype's on the same split
 * @param maxMacs multiply-accumulates per sample at most this
 * @param maxParams learned parameters at most this
 * @param maxLatencyMs batch-1 latency on this CPU at most this
 * @param metric the name of the metric the quality bounds are in, as messages print it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Requirements(Double minQuality, Double maxQualityDrop, Long maxMacs, Long maxParams,
        Double maxLatencyMs, String metric) {

    /** Requirements of a classifier (quality in top-1). */
    public Requirements(Double minQuality, Double maxQualityDrop, Long maxMacs, Long maxParams, Double maxLatencyMs) {
        this(minQuality, maxQualityDrop, maxMacs, maxParams, maxLatencyMs, "top-1");
    }

    public Requirements {
        if (minQuality != null && (minQuality < 0 || minQuality > 100)) {
            throw new UserError("requirement minQuality (" + metric + ") must be a percentage in [0, 100], got "
                    + minQuality + "; no network can reach more than 100 %");
        }
        if (maxQualityDrop != null && maxQualityDrop < 0) {
            throw new UserError("requirement maxQualityDrop (" + metric + ") must be >= 0 points, got "
                    + maxQualityDrop);
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

    /** The quality part of r alone. */
    public Requirements accuracy() {
        return new Requirements(minQuality, maxQualityDrop, null, null, null, metric);
    }

    /** The quality floor given the prototype's quality on the same split, or NaN when there is none. */
    public double floor(double prototypeQuality) {
        double floor = Double.NaN;
        if (minQuality != null) {
            floor = minQuality;
        }
        if (maxQualityDrop != null) {
            double rel = prototypeQuality - maxQualityDrop;
            floor = Double.isNaN(floor) ? rel : Math.max(floor, rel);
        }
        return floor;
    }

    /** 1r(N) with reasons; {@code prototypeQuality} is measured on the same split as {@code o}. */
    public Verdict check(Observation o, double prototypeQuality) {
        List<String> reasons = new ArrayList<>();
        double floor = floor(prototypeQuality);
        // written so that a quality that is not a number fails the floor (NaN < floor would pass it)
        if (!Double.isNaN(floor) && !(o.quality() >= floor)) {
            reasons.add(Double.isNaN(o.quality()) ? metric + " not measured" : String.format("%s %.2f%% < %.2f%% required%s",
                    metric, o.quality(), floor, maxQualityDrop != null ? String.format(" (prototype %.2f%% - %.1f)",
                            prototypeQuality, maxQualityDrop) : ""));
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
        if (minQuality != null) {
            p.add(metric + " >= " + minQuality + "%");
        }
        if (maxQualityDrop != null) {
            p.add(metric + " >= prototype - " + maxQualityDrop + " points");
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

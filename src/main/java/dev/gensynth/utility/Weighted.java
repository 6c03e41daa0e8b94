package dev.gensynth.utility;

import dev.gensynth.requirements.Observation;

/**
 * A user-defined U = a·log10(top-1 %) − p·log10(params M) − m·log10(MACs M) − l·log10(latency ms).
 * In logs so that weights are exponents, like NetScore's (NetScore is a=40, p=m=10, l=0);
 * latency is only used when its weight is non-zero.
 */
public record Weighted(double accuracy, double params, double macs, double latency) implements Utility {
    @Override
    public double score(Observation o) {
        double u = accuracy * Math.log10(o.quality()) - params * Math.log10(o.paramsMillions())
                - macs * Math.log10(o.macsMillions());
        if (latency != 0) {
            u -= latency * Math.log10(o.latencyMs());
        }
        return u;
    }

    @Override
    public boolean needsLatency() {
        return latency != 0;
    }

    @Override
    public String name() {
        return "weighted";
    }
}

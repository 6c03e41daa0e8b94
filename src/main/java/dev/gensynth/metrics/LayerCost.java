package dev.gensynth.metrics;

import dev.gensynth.spec.Shape;

/** What one layer costs for one sample, computed from the spec alone. */
public record LayerCost(String name, String kind, Shape output, long params, long macs, long activationBytes) {
}

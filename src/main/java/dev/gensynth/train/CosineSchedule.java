package dev.gensynth.train;

import ai.djl.training.tracker.Tracker;

/** Linear warm-up to the peak rate, then cosine decay to the floor at the last update. */
public record CosineSchedule(float peak, float floor, int warmupUpdates, int totalUpdates) implements Tracker {
    @Override
    public float getNewValue(int update) {
        if (update < warmupUpdates) {
            return peak * (update + 1) / warmupUpdates;
        }
        int span = Math.max(1, totalUpdates - warmupUpdates);
        double progress = Math.min(1.0, (double) (update - warmupUpdates) / span);
        return (float) (floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}

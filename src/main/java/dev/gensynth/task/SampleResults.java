package dev.gensynth.task;

/**
 * What a network got right on each sample of a split, kept in the form its task's primary metric is computed
 * from: enough to compare two networks on the same samples. The inquisitor judges candidates by this, so the
 * noise of its margins comes from the metric itself, whatever the task (a binomial top-1 error says nothing
 * about an mIoU).
 */
public interface SampleResults {
    /** The task's primary metric over all the samples, in percent. */
    double quality();

    /** How many samples (images) these are. */
    int size();

    /**
     * The standard error, in points, of the metric measured on these samples for a network near {@code at}
     * percent: how far above a floor a quality must be to be above it by more than noise.
     */
    double standardError(double at);

    /**
     * The standard error, in points, of {@code quality() - other.quality()} when both were measured on the same
     * samples: paired, so two networks that agree on most images show little noise between them.
     */
    double pairedError(SampleResults other);
}

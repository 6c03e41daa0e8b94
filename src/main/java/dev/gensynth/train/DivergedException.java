package dev.gensynth.train;

import dev.gensynth.UserError;

/**
 * A training whose loss or weights stopped being finite numbers. Nothing trained after that point
 * means anything, so {@link Trainer} stops at once. Whoever asked for the training decides what it
 * means: a network the user trains directly (the prototype, {@code train}) cannot go on, which is a
 * {@link #toUserError user error}; a candidate or a generated network is rejected with
 * {@link #reason()} and the run goes on.
 *
 * @param epoch 1-based epoch the divergence was seen in
 * @param batch 1-based batch within that epoch
 * @param what what was not finite, e.g. {@code loss NaN} or {@code weight fc.weight has NaN}
 * @param epochsRun passes over the training split spent until then (budgets count them)
 */
public final class DivergedException extends RuntimeException {
    private final int epoch;
    private final long batch;
    private final String what;
    private final double epochsRun;

    public DivergedException(int epoch, long batch, String what, double epochsRun) {
        super("diverged at epoch " + epoch + " batch " + batch + ": " + what);
        this.epoch = epoch;
        this.batch = batch;
        this.what = what;
        this.epochsRun = epochsRun;
    }

    public int epoch() {
        return epoch;
    }

    public long batch() {
        return batch;
    }

    public String what() {
        return what;
    }

    public double epochsRun() {
        return epochsRun;
    }

    /** "diverged at epoch E batch N: loss NaN", as rejections record it. */
    public String reason() {
        return getMessage();
    }

    /**
     * For a training the user set up directly: what happened and what to try.
     *
     * @param learningRate where the user sets this training's learning rate (a config field or an option)
     */
    public UserError toUserError(String network, String learningRate) {
        return new UserError("training of " + network + " " + reason() + ". Lower the learning rate (" + learningRate
                + "); if it diverges at any rate, run `gensynth doctor` to check the engine", this);
    }
}

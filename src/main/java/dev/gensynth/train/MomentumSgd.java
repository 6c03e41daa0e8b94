package dev.gensynth.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;

/**
 * SGD with (optionally Nesterov) momentum and L2 weight decay, with the update rule of PyTorch's
 * {@code torch.optim.SGD}, so recipes carry over from Python. Decay applies to convolution and
 * linear weights only, not to biases and batch-norm scales (the usual practice). Written here because
 * DJL's SGD has no Nesterov option. Temporaries of each update are closed by an
 * {@link NDScope}: they would otherwise pile up in the model's manager.
 */
final class MomentumSgd extends Optimizer {
    private final Tracker learningRate;
    private final float momentum;
    private final boolean nesterov;
    private final float decay;
    private final Map<String, NDArray> velocity = new HashMap<>();

    MomentumSgd(Tracker learningRate, float momentum, boolean nesterov, float weightDecay) {
        super(new Builder());
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.decay = weightDecay;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray g = decay > 0 && weight.getShape().dimension() > 1 ? grad.add(weight.mul(decay)) : grad;
            if (momentum > 0) {
                NDArray v = velocity.get(parameterId);
                if (v == null) {
                    v = g.duplicate();
                    NDScope.unregister(v);
                    velocity.put(parameterId, v);
                } else {
                    v.muli(momentum).addi(g);
                }
                g = nesterov ? g.add(v.mul(momentum)) : v;
            }
            weight.subi(g.mul(lr));
        }
    }

    /** DJL's optimizer base class wants a builder; ours has nothing to set. */
    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}

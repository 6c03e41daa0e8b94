package dev.gensynth.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;

/**
 * SGD with (optionally Nesterov) momentum and L2 weight decay, with the update rule of PyTorch's
 * {@code torch.optim.SGD}, so recipes carry over from Python. Decay applies to convolution and
 * linear weights only, not to biases and batch-norm scales (the usual practice). Written here because
 * DJL's SGD has no Nesterov option. The update works in place on the gradient and closes its two
 * temporaries at once: they would otherwise pile up in the model's manager.
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

    /**
     * Update {@code update} (0-based) of every trainable parameter of {@code block} from its
     * gradient, which is then zeroed. Does what DJL's {@code Trainer.step()} followed by
     * {@link Trainer#zeroGradients} did, with the same numbers, in fewer native calls: no copy of
     * each gradient (DJL's parameter server makes one for multi-device reduction), arithmetic in
     * place on the gradient, which is zeroed next anyway, and no scope of temporaries.
     */
    void step(dev.gensynth.djl.SpecBlock block, long update) {
        // the rate DJL's updateCount gives every parameter at this step: update + 1
        float lr = learningRate.getNewValue((int) update + 1);
        block.getParameters().forEach(pair -> {
            ai.djl.nn.Parameter p = pair.getValue();
            NDArray w = p.getArray();
            if (!p.requiresGradient() || !w.hasGradient()) {
                return;
            }
            try (NDArray g = w.getGradient()) {
                apply(p.getId(), w, g, lr);
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) w);
            }
        });
    }

    /** DJL's per-parameter entry point (its {@code Trainer.step()}); the trainer calls {@link #step} instead. */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        apply(parameterId, weight, grad, learningRate.getNewValue(parameterId, updateCount(parameterId)));
    }

    /** One update of {@code w}; {@code g} is overwritten (in place, so no temporaries to free but two). */
    private void apply(String id, NDArray w, NDArray g, float lr) {
        if (decay > 0 && w.getShape().dimension() > 1) {
            try (NDArray wd = w.mul(decay)) {
                g.addi(wd);
            }
        }
        NDArray step = g;
        if (momentum > 0) {
            NDArray v = velocity.get(id);
            if (v == null) {
                v = g.duplicate(); // in the model's manager: freed with the network
                velocity.put(id, v);
            } else {
                v.muli(momentum).addi(g);
            }
            if (nesterov) {
                try (NDArray mv = v.mul(momentum)) {
                    g.addi(mv);
                }
            } else {
                step = v;
            }
        }
        try (NDArray delta = step.mul(lr)) {
            w.subi(delta);
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

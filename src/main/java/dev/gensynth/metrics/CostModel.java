package dev.gensynth.metrics;

import dev.gensynth.spec.NetworkSpec;

/**
 * What the generator aims at when it narrows a parent: a cost of a network that falls as channels and
 * blocks go. MACs by default; measured latency when r or U asks for it ({@code dev.gensynth.latency}).
 */
public interface CostModel {
    /** MACs of convolutions and linear layers, from the spec. */
    CostModel MACS = new CostModel() {
        @Override
        public double of(NetworkSpec spec) {
            return Cost.of(spec).macs();
        }

        @Override
        public String unit() {
            return "MACs";
        }

        @Override
        public boolean ratioOfTotal() {
            return true;
        }
    };

    double of(NetworkSpec spec);

    /** What {@link #of} counts, for messages. */
    String unit();

    /**
     * Whether nearly all of the cost goes with the channels (MACs), or a large part stays whatever the widths
     * (latency: the runtime's overhead, the layers without MACs), so that a push must not ask the channels for
     * more than they have (see {@code Logits.plan}).
     */
    default boolean ratioOfTotal() {
        return false;
    }

    /** The cost model G aims with while narrowing {@code parent}: one per parent, so it may be linearised there. */
    interface Aim {
        Aim MACS = parent -> CostModel.MACS;

        CostModel at(NetworkSpec parent);
    }
}

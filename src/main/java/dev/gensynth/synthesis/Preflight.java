package dev.gensynth.synthesis;

import dev.gensynth.UserError;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.metrics.Cost;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.NetworkSpec;

/**
 * Checks, before anything is trained, that the requirements can be met at all by some network
 * the generator can make from this prototype ({@link dev.gensynth.generator.Generator#smallest}).
 */
final class Preflight {
    private Preflight() {
    }

    static void check(SynthesisConfig cfg, NetworkSpec prototype) {
        ChannelGroups groups = new ChannelGroups(prototype);
        Cost smallest = Cost.of(dev.gensynth.generator.Generator.smallest(prototype, cfg.search().widths(),
                cfg.search().skipBlocks(), cfg.search().operators()));
        Requirements r = cfg.requirements();
        if (r.maxMacs() != null && r.maxMacs() < smallest.macs()) {
            throw new UserError(String.format("requirements.maxMacs %,d is below the smallest network the generator "
                    + "can make from prototype '%s' (%,d MACs with %d channel(s) per layer, more before an output layer, "
                    + "every residual block it may leave out left out, every operator choice it may make taken); no "
                    + "network could meet it. Raise maxMacs or choose a smaller prototype", r.maxMacs(), prototype.name(),
                    smallest.macs(), cfg.search().widths().narrowest(Integer.MAX_VALUE)));
        }
        if (r.maxParams() != null && r.maxParams() < smallest.params()) {
            throw new UserError(String.format("requirements.maxParams %,d is below the smallest network the generator"
                    + " can make from prototype '%s' (%,d params); no network could meet it. Raise maxParams or "
                    + "choose a smaller prototype", r.maxParams(), prototype.name(), smallest.params()));
        }
        if (groups.count() == 0) {
            throw new UserError("prototype '" + prototype.name() + "' has no channels the generator may vary (every "
                    + "width is tied to a concat, slice, shuffle, grouped convolution or output); use another prototype");
        }
    }
}

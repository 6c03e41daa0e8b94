package dev.gensynth.inquisitor;

import dev.gensynth.data.Dataset;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.generator.Logits;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Units;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.CostModel;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * I(G; θI): probes the generator with seeds ({@link Prober}: fine-tunes what it makes, measures
 * it on validation inputs, never the test split, judges it by r and U); observes the parent's
 * reactions to stimuli ({@link Reactions}: channel importance, what each block costs); and from
 * that computes ΔθG (the new parent and its keep-logits, {@link ParentPolicy}) and its own next θI
 * (how hard to push next, {@link PushPolicy}).
 */
public final class Inquisitor {
    /** Expected cost of generated networks relative to the final parent: enough room for seeds to differ. */
    public static final double GENERATION_RATIO = 0.9;

    private final Prober prober;
    private final Dataset stimuli;
    private final Units units;
    private final boolean groupBlame;
    private InquisitorState state;

    /**
     * @param stimuli validation inputs fed to each parent to observe its reactions
     * @param groupBlame whether failed candidates make the channel groups they cut weigh more
     *     ({@link Reactions#blameGroups})
     */
    public Inquisitor(Prober prober, Dataset stimuli, Units units, InquisitorState state, boolean groupBlame) {
        this.prober = prober;
        this.stimuli = stimuli;
        this.units = units;
        this.state = state;
        this.groupBlame = groupBlame;
    }

    public InquisitorState state() {
        return state;
    }

    /** G0 and what I0 starts from, from the prototype φ: observe φ, aim at the first push. */
    public static GeneratorState initialGenerator(Prototype proto, double push, Units units, Dataset stimuli,
            Reactions.Observed[] observedOut) {
        ChannelGroups groups = new ChannelGroups(proto.spec());
        Reactions.Observed o = Reactions.observe(proto.spec(), proto.weights(), groups, units, stimuli);
        observedOut[0] = o;
        return state(proto.spec(), proto.weights(), units.plan(groups, o.importance(), o.unitLoss(), Map.of(), push),
                0);
    }

    private static GeneratorState state(NetworkSpec parent, Weights weights, Logits.Plan plan,
            int version) {
        return new GeneratorState(parent, weights, plan.channels(), plan.units(), version);
    }

    /**
     * The final generator with its {@link Promise}, from {@code samples} networks of its own fine-tuned with
     * {@code recipe}: aimed first at {@link #GENERATION_RATIO} of the final parent's cost; when that promises
     * less than {@link Promise#TARGET}, aimed once more, wider when top-1 is the weaker part (at the parent's
     * cost) or narrower when latency is (at 0.8), and the better of the two is kept.
     */
    public Final promisedGenerator(Generator g, TrainConfig recipe, int samples, ProbeListener listener,
            java.util.function.Consumer<String> log) {
        Prober sampler = prober.forPromise(recipe, samples);
        GeneratorState fin = finalGenerator(g, GENERATION_RATIO);
        Generator first = new Generator(fin, g.widths());
        Promise promise = sampler.promise(first, GENERATION_RATIO, listener);
        log.accept("final generator: " + promise.describe());
        if (promise.probability() < Promise.TARGET) {
            double ratio = promise.latencyIsWeaker() ? 0.8 : 1.0;
            GeneratorState other = finalGenerator(g, ratio);
            Generator again = new Generator(other, g.widths());
            if (sampler.sameNetworks(first, again)) {
                log.accept("final generator, aimed again at " + ratio + " of its parent's cost: the same networks, "
                        + "not sampled twice");
                return new Final(fin, promise, promise.finetuneEpochs());
            }
            Promise second = sampler.promise(again, ratio, listener);
            log.accept("final generator, aimed again: " + second.describe());
            double both = promise.finetuneEpochs() + second.finetuneEpochs();
            if (second.probability() > promise.probability()) {
                return new Final(other, second, both);
            }
            return new Final(fin, promise, both);
        }
        return new Final(fin, promise, promise.finetuneEpochs());
    }

    /**
     * A parent observed afresh for the generators of requirement levels: G's plan for it at any share of its cost,
     * keeping its depth as the final generator does. Observed once, however many ratios and levels use it.
     */
    public LevelAim levelAim(NetworkSpec parent, Weights weights) {
        ChannelGroups groups = new ChannelGroups(parent);
        Reactions.Observed o = Reactions.observe(parent, weights, groups, units, stimuli);
        Map<String, Double> gw = state.groupWeight();
        return ratio -> state(parent, weights, units.plan(groups, o.importance(), Map.of(), gw, ratio), 0)
                .withCostWindow(units.costWindow(), aimedMacs(parent, ratio));
    }

    /** G's plans for one parent, by the share of its cost they aim at. */
    @FunctionalInterface
    public interface LevelAim {
        GeneratorState at(double ratio);
    }

    /**
     * {@code samples} networks of {@code g}, each fine-tuned with {@code recipe} (a level's final fine-tuning) and
     * measured with the prototype on the promise's images; {@code index} picks their seeds, so each ratio a level
     * tries draws networks of its own (index 0: the seeds every generator's promise has drawn).
     */
    public Prober.Sampled sampleLevel(GeneratorState g, TrainConfig recipe, int samples, int index,
            ProbeListener listener) {
        return prober.forPromise(recipe, samples).sample(new Generator(g, units.widths()), index, listener);
    }

    /** What networks sampled for a level promise under its requirements {@code level} ({@link Promise}). */
    public Promise levelPromise(Prober.Sampled s, Requirements level, double ratio) {
        return prober.promise(s, ratio, level);
    }

    /** The generator handed to users, what it promises, and the fine-tuning its sampling cost. */
    public record Final(GeneratorState generator, Promise promise, double sampledEpochs) {
    }

    /** Probes G with this cycle's seeds, none repeating a draw of {@code judged} (see {@link Prober}). */
    public Prober.Probe probe(Generator g, int cycle, ProbeListener listener, java.util.Set<Prober.Draw> judged) {
        return prober.probe(g, cycle, listener, judged);
    }

    /**
     * ΔθG and the new θI from a cycle's probe. The best feasible candidate becomes the parent
     * when it beats the current one on U; the push tightens while the accuracy margin is wide and
     * backs off when candidates fail r; channel importance is re-observed on the parent and
     * blended into the running estimate; logits are recomputed for the next push.
     */
    public GeneratorState update(Generator g, Prober.Probe probe) {
        GeneratorState old = g.state();
        CostModel cost = units.aim().at(old.parent());
        List<double[]> obs = new ArrayList<>(state.observations());
        for (int i = 0; i < probe.records().size(); i++) {
            CandidateRecord r = probe.records().get(i);
            // a diverged candidate says nothing about how accuracy falls with cost, nor one that changed a
            // structural unit: what it lost came with its architecture, and would hold the push back for channels
            if (r.measured() && r.changed().isEmpty()) {
                obs.add(new double[] {Math.log10(cost.of(probe.specs().get(i))), r.quality()});
            }
        }
        double floor = prober.floor();
        // the push follows accuracy: a candidate accurate enough that fails only a cost bound asks for a harder
        // push, not a softer one
        long accurate = probe.records().stream()
                .filter(r -> r.measured() && (Double.isNaN(floor) || r.quality() >= floor)).count();
        // a stepping stone replaces only a parent that fails r too
        boolean improved = probe.best() != null && probe.best().utility() > state.parentUtility()
                && (!probe.steppingStone() || !state.parentMeetsR());

        double margin = probe.best() == null || Double.isNaN(floor) ? Double.POSITIVE_INFINITY
                : probe.best().quality() - floor;
        // a probe left empty drew only cuts that had failed from this parent: back off as from a cycle that failed
        double push = probe.records().isEmpty() ? PushPolicy.next(state.push(), 0, Double.POSITIVE_INFINITY)
                : PushPolicy.after(state.push(), (double) accurate / probe.records().size(), margin, obs, floor,
                        cost.of(improved ? probe.bestCut().spec() : old.parent()));

        NewParent next = improved
                ? new NewParent(probe.bestCut(), probe.bestWeights())
                : null;
        GeneratorState base = next == null ? old
                : new GeneratorState(next.cut.spec(), next.weights, old.logits(), old.version());
        ChannelGroups groups = new ChannelGroups(base.parent());
        double[][] previous = state.importance();
        if (next != null) {
            previous = Reactions.reindex(previous, next.cut.kept(), g.groups(), groups);
        }
        Reactions.Observed fresh = Reactions.observe(base.parent(), base.parentWeights(), groups, units, stimuli);
        double[][] blended = Reactions.blend(previous, fresh.importance());
        Map<String, Double> unitLoss = Reactions.penalise(Reactions.blendUnits(state.unitLoss(),
                fresh.unitLoss()), probe.records());
        Map<String, Double> groupWeight = groupBlame
                ? Reactions.blameGroups(state.groupWeight(), probe.records(), g.groups())
                : state.groupWeight();
        Logits.Plan plan = units.plan(groups, blended, unitLoss, groupWeight, push);
        state = new InquisitorState(push, blended, obs,
                improved ? probe.best().utility() : state.parentUtility(),
                improved ? probe.best().quality() : state.parentQuality(), improved ? 0 : state.stale() + 1, unitLoss,
                improved ? !probe.steppingStone() : state.parentMeetsR(), groupWeight);
        return state(base.parent(), base.parentWeights(), plan, old.version() + 1);
    }

    /**
     * The generator handed to users: the final parent, with logits aimed just below it
     * ({@link #GENERATION_RATIO} of its cost), so fresh seeds give different networks around the
     * best feasible size, differing in the least important channels, rather than pushing on. It
     * keeps every block the final parent has: the depth is what the search found feasible, and a
     * seed that drew a shallower network would be a different, unjudged architecture.
     */
    public GeneratorState finalGenerator(Generator g) {
        return finalGenerator(g, GENERATION_RATIO);
    }

    /** As {@link #finalGenerator(Generator)}, aimed at {@code ratio} of the final parent's cost. */
    public GeneratorState finalGenerator(Generator g, double ratio) {
        GeneratorState s = g.state();
        Logits.Plan plan = units.plan(new ChannelGroups(s.parent()), state.importance(), Map.of(),
                state.groupWeight(), ratio);
        return state(s.parent(), s.parentWeights(), plan, s.version() + 1).withCostWindow(units.costWindow(),
                aimedMacs(s.parent(), ratio));
    }

    /** The MACs a plan at {@code ratio} of {@code parent}'s cost aims at; null when it aims at latency. */
    private Double aimedMacs(NetworkSpec parent, double ratio) {
        return units.aim() == CostModel.Aim.MACS ? ratio * Cost.of(parent).macs() : null;
    }

    private record NewParent(Slicer.Cut cut, Weights weights) {
    }

}

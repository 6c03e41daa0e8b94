package dev.gensynth.inquisitor;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.generator.Logits;
import dev.gensynth.generator.Slicer;
import dev.gensynth.generator.Units;
import dev.gensynth.metrics.Accuracy;
import dev.gensynth.metrics.Cost;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.metrics.Latency;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.requirements.Verdict;
import dev.gensynth.seed.Seed;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import dev.gensynth.utility.Utility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * I(G; θI): probes the generator with seeds, fine-tunes what it makes, feeds the networks
 * stimuli (validation inputs, never the test split) and observes their reactions (top-1,
 * params, MACs, latency, channel importance); judges them by r and U; and from that computes
 * ΔθG (the new parent and its keep-logits) and its own next θI (how hard to push next).
 */
public final class Inquisitor {
    /** Relative weight of the newest importance observation in the running estimate. */
    private static final double IMPORTANCE_RATE = 0.5;
    /** Expected MACs of generated networks relative to the final parent: enough room for seeds to differ. */
    static final double GENERATION_RATIO = 0.9;
    private static final int LATENCY_WARMUP = 10;

    private final Requirements requirements;
    private final Utility utility;
    private final Prototype prototype;
    private final Dataset train;
    private final Dataset validation;
    private final Dataset stimuli;
    private final TrainConfig finetune;
    /** The prototype as teacher of every candidate's fine-tuning, or null. */
    private final Distillation distill;
    private final int candidates;
    private final Units units;
    private final int latencyRuns;
    private final Seed runSeed;
    private InquisitorState state;

    /**
     * @param validation held-out split candidates' top-1 is measured on (the prototype's yardstick too)
     * @param stimuli the part of it fed to parents to observe channel importance
     */
    public Inquisitor(Requirements requirements, Utility utility, Prototype prototype, Dataset train,
            Dataset validation, Dataset stimuli, TrainConfig finetune, Distillation distill, int candidates,
            Units units, int latencyRuns, Seed runSeed, InquisitorState state) {
        this.requirements = requirements;
        this.utility = utility;
        this.prototype = prototype;
        this.train = train;
        this.validation = validation;
        this.stimuli = stimuli;
        this.finetune = finetune;
        this.distill = distill;
        this.candidates = candidates;
        this.units = units;
        this.latencyRuns = latencyRuns;
        this.runSeed = runSeed;
        this.state = state;
    }

    public InquisitorState state() {
        return state;
    }

    /** What the inquisitor observed of a parent: its channels' importance and its blocks' loss. */
    public record Observed(double[][] importance, Map<String, Double> blockLoss) {
    }

    /** G0 and what I0 starts from, from the prototype φ: observe φ, aim at the first push. */
    public static GeneratorState initialGenerator(Prototype proto, double push, Units units, Dataset stimuli,
            Observed[] observedOut) {
        ChannelGroups groups = new ChannelGroups(proto.spec());
        Observed o = observe(proto.spec(), proto.weights(), groups, units, stimuli);
        observedOut[0] = o;
        return state(proto.spec(), proto.weights(), units.plan(groups, o.importance(), o.blockLoss(), push), 0);
    }

    private static Observed observe(dev.gensynth.spec.NetworkSpec spec, Weights weights, ChannelGroups groups,
            Units units, Dataset stimuli) {
        double[][] imp;
        try (Network net = Network.create(spec, weights)) {
            imp = Importance.taylor(net, groups, stimuli, batch(stimuli));
        }
        return new Observed(imp, units.blocks() ? Importance.blockLoss(spec, weights, stimuli, batch(stimuli))
                : Map.of());
    }

    private static GeneratorState state(dev.gensynth.spec.NetworkSpec parent, Weights weights, Logits.Plan plan,
            int version) {
        return new GeneratorState(parent, weights, plan.channels(), plan.blocks(), version);
    }

    /**
     * φ as the first parent, observed like a candidate: its latency too when {@code latencyRuns} asks for
     * it, or a U that weighs latency would be NaN for it and no candidate could ever beat it.
     */
    public static Observation observeParent(Prototype proto, int latencyRuns) {
        Cost c = Cost.of(proto.spec());
        double ms = Double.NaN;
        if (latencyRuns > 0) {
            ms = latency(proto.spec(), proto.weights(), latencyRuns);
        }
        return new Observation(proto.validationTop1(), c.params(), c.macs(), ms, "validation");
    }

    /**
     * Batch-1 latency in ONNX Runtime, the deployment runtime (median of {@code runs} after warm-up, at
     * the machine's latency threads): DJL's per-operator overhead at batch 1 is 4-17x larger and
     * would rank candidates by their number of layers rather than by what they cost where they run.
     */
    static double latency(dev.gensynth.spec.NetworkSpec spec, Weights weights, int runs) {
        return OnnxLatency.measure(spec, weights, Latency.threads(), LATENCY_WARMUP, runs);
    }

    /**
     * Timed batch-1 passes per network: as configured ({@code search.latencyRuns}), else 30 when a
     * requirement or U needs the latency, else none.
     */
    public static int latencyRuns(int configured, Requirements requirements, Utility utility) {
        return configured > 0 ? configured : requirements.needsLatency() || utility.needsLatency() ? 30 : 0;
    }

    /** What one cycle's probing found: every candidate, and the best one that met r, if any. */
    public record Probe(List<CandidateRecord> records, Slicer.Cut bestCut, Weights bestWeights,
            CandidateRecord best) {
    }

    /** Probes G with this cycle's seeds; every candidate is fine-tuned for the same budget. */
    public Probe probe(Generator g, int cycle, ProbeListener listener) {
        List<CandidateRecord> records = new ArrayList<>();
        List<ParentPolicy.Feasible> feasible = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            Seed seed = runSeed.derive("candidate", (long) cycle * 1000 + i);
            long t0 = System.nanoTime();
            Slicer.Cut cut = g.generate(seed);
            Cost cost = Cost.of(cut.spec());
            Observation o;
            Verdict v;
            double epochs;
            Weights trained = null;
            try (Network net = Network.create(cut.spec(), cut.weights())) {
                TrainResult tr = Trainer.train(net, train, null, finetune.withSeed(seed.derive("finetune", 0).value()),
                        distill, listener.training(cycle, i, cut.spec().name()));
                trained = tr.weights();
                epochs = tr.epochsRun();
                double top1 = Accuracy.top1(net, validation, 256);
                double ms = Double.NaN;
                int runs = latencyRuns(latencyRuns, requirements, utility);
                if (runs > 0) {
                    ms = latency(cut.spec(), trained, runs);
                }
                o = new Observation(top1, cost.params(), cost.macs(), ms, "validation");
                v = requirements.check(o, prototype.validationTop1());
            } catch (DivergedException e) {
                // its weights are not numbers, so there is nothing to measure: rejected with the reason, and
                // the probe goes on with the next seed
                o = new Observation(Double.NaN, cost.params(), cost.macs(), Double.NaN, "validation");
                v = new Verdict(false, List.of(e.reason()));
                epochs = e.epochsRun();
            }
            CandidateRecord rec = new CandidateRecord(cycle, i, seed.value(), cut.spec().name(),
                    widths(cut), cost.params(), cost.macs(), o.top1(),
                    o.latencyMs(), v.met(), v.reasons(), utility.score(o), epochs, (System.nanoTime() - t0) / 1e9,
                    false, cut.skipped());
            records.add(rec);
            listener.onCandidate(rec);
            if (v.met()) {
                feasible.add(new ParentPolicy.Feasible(rec, cut, trained));
            }
        }
        ParentPolicy.Feasible pick = ParentPolicy.choose(feasible, requirements.top1Floor(prototype.validationTop1()),
                validation.size());
        return pick == null ? new Probe(records, null, null, null)
                : new Probe(records, pick.cut(), pick.weights(), pick.rec());
    }

    /**
     * ΔθG and the new θI from a cycle's probe. The best feasible candidate becomes the parent
     * when it beats the current one on U; the push tightens while the accuracy margin is wide and
     * backs off when candidates fail r; channel importance is re-observed on the parent and
     * blended into the running estimate; logits are recomputed for the next push.
     */
    public GeneratorState update(Generator g, Probe probe) {
        GeneratorState old = g.state();
        List<double[]> obs = new ArrayList<>(state.observations());
        for (CandidateRecord r : probe.records()) {
            // a diverged candidate says nothing about how accuracy falls with MACs, nor one that left out a
            // block: what it lost came with its depth, and would hold the push back for channels
            if (r.measured() && r.skipped().isEmpty()) {
                obs.add(new double[] {Math.log10(r.macs()), r.top1()});
            }
        }
        long feasible = probe.records().stream().filter(CandidateRecord::met).count();
        double floor = requirements.top1Floor(prototype.validationTop1());
        boolean improved = probe.best() != null && probe.best().utility() > state.parentUtility();

        double margin = feasible == 0 || Double.isNaN(floor) ? Double.POSITIVE_INFINITY : probe.best().top1() - floor;
        double push = PushPolicy.after(state.push(), (double) feasible / probe.records().size(), margin, obs, floor,
                improved ? probe.best().macs() : parentMacs(old));

        NewParent next = improved
                ? new NewParent(probe.bestCut(), probe.bestWeights())
                : null;
        GeneratorState base = next == null ? old
                : new GeneratorState(next.cut.spec(), next.weights, old.logits(), old.version());
        ChannelGroups groups = new ChannelGroups(base.parent());
        double[][] previous = state.importance();
        if (next != null) {
            previous = reindex(previous, next.cut.kept(), g.groups(), groups);
        }
        Observed fresh = observe(base.parent(), base.parentWeights(), groups, units, stimuli);
        double[][] blended = blend(previous, fresh.importance());
        Map<String, Double> blockLoss = penalise(blendBlocks(state.blockLoss(), fresh.blockLoss()), probe.records());
        Logits.Plan plan = units.plan(groups, blended, blockLoss, push);
        state = new InquisitorState(push, blended, obs,
                improved ? probe.best().utility() : state.parentUtility(),
                improved ? probe.best().top1() : state.parentTop1(), improved ? 0 : state.stale() + 1, blockLoss);
        return state(base.parent(), base.parentWeights(), plan, old.version() + 1);
    }

    /**
     * The generator handed to users: the final parent, with logits aimed just below it
     * ({@link #GENERATION_RATIO} of its MACs), so fresh seeds give different networks around the
     * best feasible size, differing in the least important channels, rather than pushing on. It
     * keeps every block the final parent has: the depth is what the search found feasible, and a
     * seed that drew a shallower network would be a different, unjudged architecture.
     */
    public GeneratorState finalGenerator(Generator g) {
        GeneratorState s = g.state();
        Logits.Plan plan = units.plan(new ChannelGroups(s.parent()), state.importance(), Map.of(), GENERATION_RATIO);
        return state(s.parent(), s.parentWeights(), plan, s.version() + 1);
    }

    /** What a candidate record lists as its widths: each group's kept count, the groups of left-out blocks too. */
    private static List<Integer> widths(Slicer.Cut cut) {
        return Arrays.stream(cut.kept()).map(k -> k.length).toList();
    }

    private static long parentMacs(GeneratorState s) {
        return Cost.of(s.parent()).macs();
    }

    private record NewParent(Slicer.Cut cut, Weights weights) {
    }

    /**
     * The running importance of the kept channels, in the new parent's groups and channel order. A
     * group is found in the old parent by a layer of it (groups inside a left-out block are gone).
     */
    static double[][] reindex(double[][] imp, int[][] kept, ChannelGroups oldGroups, ChannelGroups newGroups) {
        double[][] r = new double[newGroups.count()][];
        for (int g = 0; g < r.length; g++) {
            int old = oldGroups.groupOf(newGroups.anyLayer(g));
            r[g] = new double[kept[old].length];
            for (int i = 0; i < kept[old].length; i++) {
                r[g][i] = imp[old][kept[old][i]];
            }
        }
        return r;
    }

    /** How much dearer a block becomes each time a candidate that left it out fails r. */
    static final double BLOCK_PENALTY = 2;

    /**
     * The measured loss of leaving a block out, before fine-tuning, is all G knows of its price at
     * first; a candidate that left it out and then failed r says it costs more than that (the loss
     * rise outlived fine-tuning), so that block's price rises by {@link #BLOCK_PENALTY}.
     */
    static Map<String, Double> penalise(Map<String, Double> blockLoss, List<CandidateRecord> records) {
        Map<String, Double> r = new TreeMap<>(blockLoss);
        for (CandidateRecord c : records) {
            if (!c.met()) {
                for (String b : c.skipped()) {
                    r.computeIfPresent(b, (k, v) -> Math.max(v, 1e-6) * BLOCK_PENALTY);
                }
            }
        }
        return r;
    }

    /** The running loss of each block the parent still has: fresh and previous observations weighed alike. */
    static Map<String, Double> blendBlocks(Map<String, Double> old, Map<String, Double> fresh) {
        Map<String, Double> r = new TreeMap<>();
        fresh.forEach((b, f) -> {
            Double o = old.get(b);
            r.put(b, o == null ? f : (1 - IMPORTANCE_RATE) * o + IMPORTANCE_RATE * f);
        });
        return r;
    }

    /**
     * Each group's scale normalised to mean 1 before blending, so old and new weigh alike, and the
     * blend put back on the fresh observation's scale: logits read importance relative to its
     * group, but blocks are priced against channels in the loss units of a Taylor estimate.
     */
    static double[][] blend(double[][] old, double[][] fresh) {
        double[][] r = new double[fresh.length][];
        for (int g = 0; g < fresh.length; g++) {
            double mo = Arrays.stream(old[g]).average().orElse(0);
            double mf = Arrays.stream(fresh[g]).average().orElse(0);
            r[g] = new double[fresh[g].length];
            for (int c = 0; c < r[g].length; c++) {
                double o = mo > 0 ? old[g][c] / mo : 1;
                double f = mf > 0 ? fresh[g][c] / mf : 1;
                r[g][c] = ((1 - IMPORTANCE_RATE) * o + IMPORTANCE_RATE * f) * (mf > 0 ? mf : 1);
            }
        }
        return r;
    }

    static int batch(Dataset stimuli) {
        return Math.min(128, stimuli.size());
    }
}

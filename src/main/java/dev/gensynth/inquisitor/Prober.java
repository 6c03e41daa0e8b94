package dev.gensynth.inquisitor;

import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Slicer;
import dev.gensynth.latency.LatencyModel;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.requirements.Verdict;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.task.SampleResults;
import dev.gensynth.task.Task;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.Recipes;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import dev.gensynth.utility.Utility;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The inquisitor's probe of G: generates a cycle's candidates from its seeds, fine-tunes each for
 * the same budget on the training split, measures it on the validation split (never the test
 * split), judges it by r and U, and picks the feasible one that should become the parent.
 */
public final class Prober {
    private static final int LATENCY_WARMUP = 10;

    private final Requirements requirements;
    private final Utility utility;
    private final Prototype prototype;
    private final Dataset train;
    private final Dataset validation;
    private final TrainConfig finetune;
    /** The prototype as teacher of every candidate's fine-tuning, or null. */
    private final Distillation distill;
    private final int candidates;
    private final int latencyRuns;
    private final Seed runSeed;
    /** Predicts each candidate's latency before it is measured, so the run can say how far off it is; or null. */
    private final LatencyModel latencyModel;
    /** Validation images the search never selects on, for promises; or null (the validation split itself). */
    private final Holdout holdout;

    /**
     * Validation images held out from the search, and the prototype's top-1 on them (the yardstick of r there):
     * a promise measured on the images parents were selected on would be optimistic.
     */
    public record Holdout(Dataset images, Prototype prototype) {
    }

    /**
     * @param validation held-out split candidates' top-1 is measured on (the prototype's yardstick too)
     * @param latencyRuns timed batch-1 passes per candidate as configured (0: as {@link #latencyRuns} decides)
     */
    public Prober(Requirements requirements, Utility utility, Prototype prototype, Dataset train, Dataset validation,
            TrainConfig finetune, Distillation distill, int candidates, int latencyRuns, Seed runSeed) {
        this(requirements, utility, prototype, train, validation, finetune, distill, candidates, latencyRuns, runSeed,
                null, null);
    }

    private Prober(Requirements requirements, Utility utility, Prototype prototype, Dataset train, Dataset validation,
            TrainConfig finetune, Distillation distill, int candidates, int latencyRuns, Seed runSeed,
            LatencyModel latencyModel, Holdout holdout) {
        this.requirements = requirements;
        this.utility = utility;
        this.prototype = prototype;
        this.train = train;
        this.validation = validation;
        this.finetune = finetune;
        this.distill = distill;
        this.candidates = candidates;
        this.latencyRuns = latencyRuns;
        this.runSeed = runSeed;
        this.latencyModel = latencyModel;
        this.holdout = holdout;
    }

    /** This prober, stating promises on {@code h} instead of the validation split it judges candidates on. */
    public Prober withHoldout(Holdout h) {
        return new Prober(requirements, utility, prototype, train, validation, finetune, distill, candidates,
                latencyRuns, runSeed, latencyModel, h);
    }

    /**
     * A prober of the final generator for its {@link Promise}: {@code samples} networks per probe, fine-tuned
     * with {@code recipe} (the generate step's), as users will get them.
     */
    public Prober forPromise(TrainConfig recipe, int samples) {
        return forPromise(recipe, samples, requirements);
    }

    /** As {@link #forPromise(TrainConfig, int)}, judging by {@code r} (a requirement level's). */
    public Prober forPromise(TrainConfig recipe, int samples, Requirements r) {
        return new Prober(r, utility, holdout == null ? prototype : holdout.prototype(), train,
                holdout == null ? validation : holdout.images(), recipe, distill, samples, latencyRuns,
                runSeed.derive("promise", 0), latencyModel, null);
    }

    /** What the final generator {@code g}, aimed at {@code ratio} of its parent's cost, promises ({@link Promise}). */
    public Promise promise(Generator g, double ratio, ProbeListener listener) {
        return promise(sample(g, listener), ratio);
    }

    /**
     * A promise's samples: networks of a final generator, each fine-tuned and judged on the promise's images, and
     * the prototype judged on the same images. They do not depend on r, so a generator that stands for two
     * requirement levels is sampled once and judged by each.
     */
    public record Sampled(Probe probe, SampleResults prototype) {
    }

    /** Samples the final generator {@code g} with this prober's seeds (see {@link Sampled}). */
    public Sampled sample(Generator g, ProbeListener listener) {
        return sample(g, 0, listener);
    }

    /** As {@link #sample(Generator, ProbeListener)}, with the seeds of draw {@code index} (0: the same seeds). */
    public Sampled sample(Generator g, int index, ProbeListener listener) {
        Probe p = probe(g, index, listener);
        try (Network net = Network.create(prototype.spec(), prototype.weights())) {
            return new Sampled(p, Task.of(validation).judge(net, validation, 256));
        }
    }

    /**
     * What {@code s}'s generator, aimed at {@code ratio} of its parent's cost, promises under this prober's r: each
     * sample judged again by r (it may have been sampled for another level), then {@link Promise#of}.
     */
    public Promise promise(Sampled s, double ratio) {
        List<CandidateRecord> judged = s.probe().records().stream().map(r -> {
            if (!r.measured()) {
                return r;
            }
            Verdict v = requirements.check(new Observation(r.quality(), r.params(), r.macs(), r.latencyMs(),
                    "validation"), prototype.validationQuality());
            return r.judged(v.met(), v.reasons());
        }).toList();
        // the standard error of each sample's quality minus the prototype's on the same images: the floor is the
        // prototype's quality minus the drop, so this is the noise of the margin
        double se = s.probe().results().stream().mapToDouble(c -> c.pairedError(s.prototype())).average()
                .orElse(Double.NaN);
        return Promise.of(ratio, judged, floor(), requirements.maxLatencyMs(), requirements.maxMacs(),
                requirements.maxParams(), validation.size(), se);
    }

    /** What sampled networks promise when judged by {@code r} (a requirement level's) on the promise's images. */
    public Promise promise(Sampled s, double ratio, Requirements r) {
        return forPromise(finetune, s.probe().records().size(), r).promise(s, ratio);
    }

    /** This prober, recording what {@code model} predicts for each candidate next to what it measures. */
    public Prober withLatencyModel(LatencyModel model) {
        return new Prober(requirements, utility, prototype, train, validation, finetune, distill, candidates,
                latencyRuns, runSeed, model, holdout);
    }

    /** The validation top-1 r asks for (NaN when r sets none). */
    double floor() {
        return requirements.floor(prototype.validationQuality());
    }

    /**
     * What one cycle's probing found: every candidate, and the best one that met r, if any; when none did
     * but r bounds a cost, the one the parent policy picks among those accurate enough ({@code
     * steppingStone}): failing only a cost bound, it is a parent to narrow further from while the parent
     * fails r too.
     */
    public record Probe(List<CandidateRecord> records, List<NetworkSpec> specs, Slicer.Cut bestCut,
            Weights bestWeights, CandidateRecord best, boolean steppingStone, List<SampleResults> results) {
    }

    private Seed candidateSeed(int cycle, int i) {
        return runSeed.derive("candidate", (long) cycle * 1000 + i);
    }

    /** Seeds a search candidate may try (its own and those derived from it) before it is left out. */
    static final int DRAWS = 16;

    /**
     * An architecture as G draws it from one parent: each channel group's width and the structural units
     * changed. Two draws alike fine-tune to networks alike (they may keep different channels of a group, but G
     * ranks channels by importance, so they rarely do), so a search judges each once per parent.
     */
    public record Draw(List<Integer> widths, List<String> changed) {
        public Draw {
            widths = List.copyOf(widths);
            changed = List.copyOf(changed);
        }

        /** What {@code r} was drawn as. */
        public static Draw of(CandidateRecord r) {
            return new Draw(r.widths(), r.changed());
        }

        /** The parent of {@code g} itself: every channel kept, nothing changed. */
        static Draw parentOf(Generator g) {
            List<Integer> w = new ArrayList<>();
            for (int i = 0; i < g.groups().count(); i++) {
                w.add(g.groups().width(i));
            }
            return new Draw(w, List.of());
        }

        static Draw of(Generator g, Seed seed) {
            return new Draw(Prober.widths(g.sampleKept(seed)), g.sampleChanged(seed));
        }
    }

    /**
     * The first of candidate {@code i}'s seeds (its own, then up to {@link #DRAWS} - 1 derived from it) whose draw
     * is not in {@code seen}, which it then adds to {@code seen}; or null when every one is: fine-tuning an
     * architecture already judged from this parent again costs a candidate's epochs and says little new (a 48-cycle
     * detection search spent 9 of its 92 candidates on cuts that had failed from the same parent, `up1_node`
     * 16 -> 8 eight times).
     */
    Seed fresh(Generator g, int cycle, int i, Set<Draw> seen) {
        Seed first = candidateSeed(cycle, i);
        for (int k = 0; k < DRAWS; k++) {
            Seed s = k == 0 ? first : first.derive("redraw", k);
            if (seen.add(Draw.of(g, s))) {
                return s;
            }
        }
        return null;
    }

    /**
     * Whether a probe of {@code a} and one of {@code b} would fine-tune the same networks: every seed keeps the same
     * parent channels and changes the same units (both generators cut the same parent). Two generators whose
     * logits differ often do, once widths are rounded to the multiple, and sampling both twice costs epochs.
     */
    public boolean sameNetworks(Generator a, Generator b) {
        if (!a.state().parent().equals(b.state().parent())) {
            return false;
        }
        for (int i = 0; i < candidates; i++) {
            Seed seed = candidateSeed(0, i);
            if (!java.util.Arrays.deepEquals(a.sampleKept(seed), b.sampleKept(seed))
                    || !a.sampleChanged(seed).equals(b.sampleChanged(seed))) {
                return false;
            }
        }
        return true;
    }

    /** Probes G with this cycle's seeds, every draw fine-tuned, repeats too (as a promise samples G). */
    public Probe probe(Generator g, int cycle, ProbeListener listener) {
        return probe(g, cycle, listener, null);
    }

    /**
     * Probes G with this cycle's seeds; every candidate is fine-tuned for the same budget. With {@code judged}
     * (the draws already judged from G's parent), a candidate is drawn afresh where it would repeat one of them or
     * an earlier candidate of this cycle, and left out when {@link #DRAWS} seeds all would: the probe may then hold
     * fewer candidates, or none. The parent's own architecture stays drawable once per cycle: fine-tuned again it
     * is the parent trained further, which is what let a 48-cycle detection search go on cutting (it ended at
     * 14.5 M MACs; one that drew the parent afresh too stopped at 16.6 M).
     */
    public Probe probe(Generator g, int cycle, ProbeListener listener, Set<Draw> judged) {
        List<CandidateRecord> records = new ArrayList<>();
        List<NetworkSpec> specs = new ArrayList<>();
        List<SampleResults> results = new ArrayList<>();
        List<ParentPolicy.Feasible> feasible = new ArrayList<>();
        List<ParentPolicy.Feasible> accurate = new ArrayList<>();
        Set<Draw> seen = null;
        if (judged != null) {
            seen = new HashSet<>(judged);
            seen.remove(Draw.parentOf(g));
        }
        for (int i = 0; i < candidates; i++) {
            Seed seed = seen == null ? candidateSeed(cycle, i) : fresh(g, cycle, i, seen);
            if (seed == null) {
                listener.onRepeat(cycle, i, DRAWS);
                continue;
            }
            long t0 = System.nanoTime();
            Slicer.Cut cut = g.generate(seed);
            Cost cost = Cost.of(cut.spec());
            double predicted = latencyModel == null ? Double.NaN : latencyModel.predict(cut.spec());
            Observation o;
            Verdict v;
            double epochs;
            Weights trained = null;
            double margin = Double.NaN;
            try (Network net = Network.create(cut.spec(), cut.weights())) {
                TrainResult tr = Trainer.train(net, train, null, Recipes.finetuneOn(finetune, train.size())
                        .withSeed(seed.derive("finetune", 0).value()),
                        distill, listener.training(cycle, i, cut.spec().name()));
                trained = tr.weights();
                epochs = tr.epochsRun();
                SampleResults measured = Task.of(validation).judge(net, validation, 256);
                results.add(measured);
                double top1 = measured.quality();
                margin = measured.standardError(floor());
                double ms = Double.NaN;
                // a prediction is only worth recording next to a measurement
                int runs = Math.max(latencyRuns(latencyRuns, requirements, utility), latencyModel == null ? 0 : 30);
                if (runs > 0) {
                    ms = latency(cut.spec(), trained, runs);
                }
                o = new Observation(top1, cost.params(), cost.macs(), ms, "validation");
                v = requirements.check(o, prototype.validationQuality());
            } catch (DivergedException e) {
                // its weights are not numbers, so there is nothing to measure: rejected with the reason, and
                // the probe goes on with the next seed
                o = new Observation(Double.NaN, cost.params(), cost.macs(), Double.NaN, "validation");
                v = new Verdict(false, List.of(e.reason()));
                epochs = e.epochsRun();
            }
            CandidateRecord rec = new CandidateRecord(cycle, i, seed.value(), cut.spec().name(),
                    widths(cut.kept()), cost.params(), cost.macs(), o.quality(),
                    o.latencyMs(), v.met(), v.reasons(), utility.score(o), epochs, (System.nanoTime() - t0) / 1e9,
                    false, cut.changed(), predicted);
            records.add(rec);
            specs.add(cut.spec());
            listener.onCandidate(rec);
            if (v.met()) {
                feasible.add(new ParentPolicy.Feasible(rec, cut, trained, margin));
            } else if (!Double.isNaN(o.quality()) && requirements.boundsCost()
                    && requirements.accuracy().check(o, prototype.validationQuality()).met()) {
                accurate.add(new ParentPolicy.Feasible(rec, cut, trained, margin));
            }
        }
        if (feasible.isEmpty() && accurate.isEmpty()) {
            return new Probe(records, specs, null, null, null, false, results);
        }
        ParentPolicy.Feasible pick = ParentPolicy.choose(feasible, floor());
        boolean stone = pick == null;
        if (stone) {
            pick = ParentPolicy.choose(accurate, floor());
        }
        return pick == null ? new Probe(records, specs, null, null, null, false, results)
                : new Probe(records, specs, pick.cut(), pick.weights(), pick.rec(), stone, results);
    }

    /** What a candidate record lists as its widths: each group's kept count, the groups of left-out blocks too. */
    private static List<Integer> widths(int[][] kept) {
        return Arrays.stream(kept).map(k -> k.length).toList();
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
        return new Observation(proto.validationQuality(), c.params(), c.macs(), ms, "validation");
    }

    /**
     * Batch-1 latency in ONNX Runtime, the deployment runtime (median of {@code runs} after warm-up, at the
     * faster of one thread and every core, {@link OnnxLatency#fastest}): DJL's per-operator overhead at batch 1
     * is 4-17x larger and would rank candidates by their number of layers rather than by what they cost where
     * they run.
     */
    static double latency(NetworkSpec spec, Weights weights, int runs) {
        return OnnxLatency.fastest(spec, weights, LATENCY_WARMUP, runs).ms();
    }

    /**
     * Timed batch-1 passes per network: as configured ({@code search.latencyRuns}), else 30 when a
     * requirement or U needs the latency, else none.
     */
    public static int latencyRuns(int configured, Requirements requirements, Utility utility) {
        return configured > 0 ? configured : requirements.needsLatency() || utility.needsLatency() ? 30 : 0;
    }
}

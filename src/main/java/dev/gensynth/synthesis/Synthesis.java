package dev.gensynth.synthesis;

import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.Dataset;
import dev.gensynth.data.Split;
import dev.gensynth.djl.Network;
import dev.gensynth.generator.ChannelGroups;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.GeneratorState;
import dev.gensynth.generator.Units;
import dev.gensynth.inquisitor.CandidateRecord;
import dev.gensynth.inquisitor.Inquisitor;
import dev.gensynth.inquisitor.Prober;
import dev.gensynth.inquisitor.InquisitorState;
import dev.gensynth.inquisitor.ProbeListener;
import dev.gensynth.inquisitor.Promise;
import dev.gensynth.latency.LatencyModel;
import dev.gensynth.latency.LatencyTable;
import dev.gensynth.metrics.Cost;
import dev.gensynth.task.Measure;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.OutputDir;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.requirements.Observation;
import dev.gensynth.seed.Seed;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loop of generative synthesis: G0 and I0 from the prototype, then cycles of "I probes G,
 * computes ΔθG, G moves, I updates itself", checkpointed after every cycle, until the cycle,
 * wall-time or fine-tuning budget ends or the generator stops improving. The run directory
 * ends holding the learned generator (generator/), every candidate, and the best network.
 * A checkpoint commits the cycle ({@link RunDir#checkpoint}); best/ and parents/ are written
 * from the committed state after it, and again on resume in case a crash came in between.
 */
public final class Synthesis {
    private final SynthesisConfig cfg;
    private final RunDir run;
    private final SynthesisListener listener;

    /** The task's primary metric, which parents' metrics are recorded in: known once the data is loaded. */
    private String metric;

    private Synthesis(SynthesisConfig cfg, RunDir run, SynthesisListener listener) {
        this.cfg = cfg;
        this.run = run;
        this.listener = listener;
    }

    /** Starts a new run in {@code dir}, which must not exist or be empty (or {@code force}). */
    public static RunDir.Progress start(Path configFile, SynthesisConfig cfg, Path dir, boolean force,
            SynthesisListener listener) {
        return new Synthesis(cfg, new RunDir(newRunDir(configFile, dir, force)), listener).execute();
    }

    /**
     * Only a run's first stage: its prototype trained into {@code dir} exactly as {@link #start} trains it (or found
     * there), with no search. For a benchmark whose steps made from the run's generators are carried over from
     * another session and need only the same trained prototype. A later {@link #start} on {@code dir} begins anew.
     */
    public static Prototype prototypeOnly(Path configFile, SynthesisConfig cfg, Path dir, SynthesisListener listener) {
        RunDir run = new RunDir(dir);
        if (!Files.isRegularFile(run.prototypeDir().resolve("prototype.json"))) {
            newRunDir(configFile, dir, true);
        }
        DataSource.Data data = cfg.data().load(cfg.folderShape());
        NetworkSpec spec = PrototypeStage.spec(cfg, data.sampleShape(), data.classes());
        Preflight.check(cfg, spec);
        return PrototypeStage.prepare(cfg, run, data, spec, listener.prototypeTraining(spec.name()));
    }

    /** {@code dir} emptied (or made) for a new run, with the run's resolved config in {@code run.yaml}. */
    private static Path newRunDir(Path configFile, Path dir, boolean force) {
        Path d = OutputDir.prepare(dir, force, "--force");
        try {
            AtomicFiles.writeString(d.resolve("run.yaml"), SynthesisConfig.resolvedCopy(configFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /**
     * Continues an interrupted run from its last finished cycle, or a finished one whose {@code run.yaml} now allows
     * more search (a larger cycle, fine-tuning or wall-time budget, more patience): it searches on from its last
     * parent and hands over new generators.
     */
    public static RunDir.Progress resume(Path dir, SynthesisListener listener) {
        RunDir run = new RunDir(dir);
        if (!Files.isRegularFile(run.config())) {
            throw new UserError("cannot resume " + dir + ": it is not a synthesis run directory (no run.yaml)");
        }
        RunDir.Progress p = run.progress().orElse(null);
        if (p != null && p.done() && p.provenance() != null && unchanged(run, p)) {
            throw finished(run, p.stopReason());
        }
        SynthesisConfig cfg = SynthesisConfig.load(run.config());
        return new Synthesis(cfg, run, listener).execute();
    }

    private static boolean unchanged(RunDir run, RunDir.Progress p) {
        try {
            return Provenance.configHash(Files.readString(run.config())).equals(p.provenance().configHash());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished run that its budget in run.yaml would stop again at once. */
    private static UserError finished(RunDir run, String stop) {
        return new UserError("run " + run.dir() + " has already finished (" + stop + "); to search further, raise "
                + "the budget that ended it (budget.cycles, budget.totalFinetuneEpochs, budget.wallMinutes or "
                + "budget.patience) in " + run.config() + " and resume it again, or use 'gensynth generate --run "
                + run.dir() + "'");
    }

    /** The prototype's quality (its task's primary metric) on {@code images}. */
    private static double quality(Prototype p, dev.gensynth.data.Dataset images) {
        try (Network net = Network.create(p.spec(), p.weights())) {
            return dev.gensynth.task.Task.qualityOf(net, images);
        }
    }

    /** What the prototype got right on each of {@code images}. */
    private static dev.gensynth.task.SampleResults judged(Prototype p, Dataset images) {
        try (Network net = Network.create(p.spec(), p.weights())) {
            return dev.gensynth.task.Task.of(images).judge(net, images, 256);
        }
    }

    /** What the final generator promises, beside it in {@code generator/}. */
    public static final String PROMISE = "promise.json";

    /** The run's latency model, when G aims at latency. */
    public static final String LATENCY_MODEL = "latency_model.json";

    private RunDir.Progress execute() {
        long started = System.nanoTime();
        run.recover();
        RunDir.Progress previous = run.progress().orElse(null);
        double previousSeconds = previous == null ? 0 : previous.seconds();
        Search s = prepare(previous);
        String stop = cycles(s, previous, previousSeconds, started);
        return handOver(s, stop, previous, previousSeconds, started);
    }

    /**
     * What the cycles work on, set up from the prototype (a new run) or from the last checkpoint (a resumed one); the
     * generator's state, the cycle and the fine-tuning used move on with the cycles.
     */
    private static final class Search {
        final Prototype yard;
        final Cost protoCost;
        final Yardstick.Measured ys;
        final LatencyModel latencyModel;
        final Inquisitor inq;
        final Set<Prober.Draw> judged;
        final double totalBudget;
        GeneratorState gState;
        int cycle;
        double epochsUsed;

        Search(Prototype yard, Cost protoCost, Yardstick.Measured ys, LatencyModel latencyModel, Inquisitor inq,
                Set<Prober.Draw> judged, double totalBudget, GeneratorState gState, int cycle, double epochsUsed) {
            this.yard = yard;
            this.protoCost = protoCost;
            this.ys = ys;
            this.latencyModel = latencyModel;
            this.inq = inq;
            this.judged = judged;
            this.totalBudget = totalBudget;
            this.gState = gState;
            this.cycle = cycle;
            this.epochsUsed = epochsUsed;
        }
    }

    /**
     * The prototype (trained, or found), the split the search judges on and the promise's held-out images, the
     * yardstick, the latency model, and G0 and I0 (a new run) or the last checkpoint's (a resumed one).
     */
    private Search prepare(RunDir.Progress previous) {
        DataSource.Data data = cfg.data().load(cfg.folderShape());
        metric = dev.gensynth.task.Task.of(data.test()).metric();
        listener.onMetric(metric);
        NetworkSpec protoSpec = PrototypeStage.spec(cfg, data.sampleShape(), data.classes());
        Preflight.check(cfg, protoSpec);
        Prototype proto = PrototypeStage.prepare(cfg, run, data, protoSpec,
                listener.prototypeTraining(protoSpec.name()));
        Cost protoCost = Cost.of(protoSpec);
        listener.onMessage(String.format("prototype %s: %.2f%% validation / %.2f%% test %s, %,d params, %,d MACs"
                + "%s", protoSpec.name(), proto.validationQuality(), proto.testQuality(), metric, protoCost.params(),
                protoCost.macs(), proto.trainingEpochs() > 0 ? String.format(", trained %.1f epochs in %.0f s",
                        proto.trainingEpochs(), proto.trainingSeconds()) : ""));
        // the promise is stated on validation images the search never selects parents on; the search judges on
        // the rest, against the prototype's top-1 on those same images
        double held = cfg.search().promiseHoldout(data.validation().size());
        Prober.Holdout holdout = null;
        var searchVal = data.validation();
        Prototype yard = proto;
        // what the prototype got right on the search split, when it had to be judged there anyway
        dev.gensynth.task.SampleResults onSearch = null;
        if (held > 0) {
            Split s = Split.of(data.validation(), held, cfg.seed() ^ 0x9e3779b9L);
            searchVal = s.train();
            onSearch = judged(proto, searchVal);
            yard = proto.withValidationQuality(onSearch.quality());
            holdout = new Prober.Holdout(s.validation(), proto.withValidationQuality(quality(proto, s.validation())));
            listener.onMessage(String.format("promise: %d of %d validation images held out from the search (prototype"
                    + " %.2f%% on them; %.2f%% on the %d the search judges on)", s.validation().size(),
                    data.validation().size(), holdout.prototype().validationQuality(), yard.validationQuality(),
                    searchVal.size()));
        }
        Seed seed = new Seed(cfg.seed());
        Distillation teacher = cfg.teacher(proto.spec(), proto.weights(), data.train());
        // measured once, when the run starts (a run resumed from before it was kept goes on without one)
        Yardstick.Measured ys = Yardstick.read(run.dir());
        if (ys == null && previous == null && proto.trainingEpochs() > 0
                && Yardstick.applies(onSearch != null ? onSearch : judged(proto, searchVal))) {
            List<Dataset> splits = holdout == null ? List.of(searchVal) : List.of(searchVal, holdout.images());
            ys = Yardstick.measure(proto, data.train(), data.validation(), splits, cfg.prototypeTraining(), seed);
            Yardstick.write(run.dir(), ys);
            listener.onMessage(String.format("yardstick: on %d validation images the prototype's %s is %.2f%%, and "
                    + "%.2f%% averaged with %d copies trained again from scratch (%.2f epochs); the floor is measured "
                    + "from the average", searchVal.size(), metric, yard.validationQuality(), ys.quality()[0],
                    Yardstick.COPIES, ys.epochs()));
        }
        if (ys != null) {
            yard = proto.withValidationQuality(ys.quality()[0]);
            if (holdout != null) {
                holdout = new Prober.Holdout(holdout.images(), proto.withValidationQuality(ys.quality()[1]));
            }
        }
        var stimuli = searchVal.head(cfg.search().stimuli());
        // the aim is fixed when a run starts: a resumed run aims at latency exactly when it kept a latency model,
        // whatever its config says now (its observations of accuracy against cost are in that unit)
        boolean aimLatency = previous != null ? Files.isRegularFile(run.dir().resolve(LATENCY_MODEL))
                : cfg.search().aimsAtLatency(cfg.requirements(), cfg.utility());
        LatencyModel latencyModel = aimLatency ? latencyModel(protoSpec) : null;
        Units units = latencyModel == null ? cfg.search().units() : cfg.search().units().withAim(latencyModel.aim());

        GeneratorState gState;
        InquisitorState iState;
        int cycle;
        double epochsUsed;
        if (previous != null) {
            gState = run.generatorState();
            iState = run.inquisitorState();
            cycle = previous.cycles();
            epochsUsed = previous.finetuneEpochs();
            // best/ and parents/ follow the commit, so a crash may have left them one checkpoint behind
            if (iState.parentMeetsR()) {
                saveBest(gState, iState.parentQuality());
            }
            List<RunDir.CycleSummary> committed = run.cycles();
            if (!committed.isEmpty() && committed.get(committed.size() - 1).improved() && !Files.isDirectory(run.parentDir(cycle))) {
                keepParent(cycle, gState, iState.parentQuality());
            }
            listener.onMessage("resuming after cycle " + cycle);
        } else {
            dev.gensynth.inquisitor.Reactions.Observed[] observed = new dev.gensynth.inquisitor.Reactions.Observed[1];
            gState = Inquisitor.initialGenerator(yard, cfg.search().initialPush(), units, stimuli, observed);
            Observation po = Prober.observeParent(yard, Prober.latencyRuns(cfg.search().latencyRuns(),
                    cfg.requirements(), cfg.utility()));
            iState = new InquisitorState(cfg.search().initialPush(), observed[0].importance(), List.of(),
                    cfg.utility().score(po), yard.validationQuality(), 0, observed[0].unitLoss(),
                    cfg.requirements().check(po, yard.validationQuality()).met(), Map.of());
            cycle = 0;
            epochsUsed = 0;
            run.checkpoint(gState, iState, null, new RunDir.Progress(0, 0, 0, null, false, provenance()));
            saveBest(gState, yard.validationQuality());
        }
        double totalBudget = cfg.budget().totalFinetuneEpochs() != null ? cfg.budget().totalFinetuneEpochs()
                : 3 * Math.max(proto.trainingEpochs(), cfg.prototypeTraining().epochs());
        Prober prober = new Prober(cfg.requirements(), cfg.utility(), yard, data.train(), searchVal,
                cfg.finetune(), teacher, cfg.budget().candidates(),
                cfg.search().latencyRuns(), seed);
        if (holdout != null) {
            prober = prober.withHoldout(holdout);
        }
        Inquisitor inq = new Inquisitor(latencyModel == null ? prober : prober.withLatencyModel(latencyModel), stimuli,
                units, iState, cfg.search().groupBlame());
        Set<Prober.Draw> judged = judgedSinceParent(previous == null ? List.of() : run.cycles());
        return new Search(yard, protoCost, ys, latencyModel, inq, judged, totalBudget, gState, cycle, epochsUsed);
    }

    /** The cycles, each checkpointed, until a budget ends them or G stops improving; returns why they stopped. */
    private String cycles(Search s, RunDir.Progress previous, double previousSeconds, long started) {
        GeneratorState gState = s.gState;
        int cycle = s.cycle;
        double epochsUsed = s.epochsUsed;
        Inquisitor inq = s.inq;
        Set<Prober.Draw> judged = s.judged;
        LatencyModel latencyModel = s.latencyModel;
        double totalBudget = s.totalBudget;
        String stop = null;
        while (stop == null) {
            double seconds = previousSeconds + (System.nanoTime() - started) / 1e9;
            double perCycle = cfg.budget().candidates() * cfg.finetune().epochs();
            if (cycle >= cfg.budget().cycles()) {
                stop = "cycle budget of " + cfg.budget().cycles() + " reached";
            } else if (epochsUsed + perCycle > totalBudget + 1e-9) {
                stop = String.format("fine-tuning budget of %.2f epochs reached (%.2f used)", totalBudget, epochsUsed);
            } else if (cfg.budget().wallMinutes() > 0 && seconds > cfg.budget().wallMinutes() * 60) {
                stop = "wall-time budget of " + cfg.budget().wallMinutes() + " minutes reached";
            } else if (inq.state().stale() >= cfg.budget().patience()) {
                stop = "no better generator for " + cfg.budget().patience() + " cycles";
            }
            boolean further = previous != null && previous.done() && cycle == previous.cycles();
            if (stop != null) {
                if (further) {
                    throw finished(run, stop);
                }
                break;
            }
            if (further) {
                // the generators it handed over, and the networks made from them, are of the search that ended
                Path aside = run.setAsideHandover(cycle);
                if (aside != null) {
                    listener.onMessage("searching further: the generators and networks of the search that ended at "
                            + "cycle " + cycle + " are in " + aside);
                }
            }
            cycle++;
            long t0 = System.nanoTime();
            listener.onCycleStart(cycle, cfg.budget().candidates());
            Generator g = new Generator(gState, cfg.search().widths());
            Prober.Probe probe = inq.probe(g, cycle, listener, judged);
            double epochs = probe.records().stream().mapToDouble(CandidateRecord::finetuneEpochs).sum();
            epochsUsed += epochs;
            double before = inq.state().parentUtility();
            gState = inq.update(g, probe);
            boolean improved = inq.state().parentUtility() > before;
            List<CandidateRecord> recs = new ArrayList<>(probe.records());
            if (improved) {
                recs.set(recs.indexOf(probe.best()), probe.best().asChosen());
            }
            int feasible = (int) recs.stream().filter(CandidateRecord::met).count();
            RunDir.CycleSummary summary = new RunDir.CycleSummary(cycle, inq.state().parentUtility(),
                    Cost.of(gState.parent()).macs(), inq.state().parentQuality(), feasible, recs.size(),
                    inq.state().push(), improved, epochs, (System.nanoTime() - t0) / 1e9, recs);
            judge(judged, improved, recs);
            run.checkpoint(gState, inq.state(), summary, new RunDir.Progress(cycle, epochsUsed,
                    previousSeconds + (System.nanoTime() - started) / 1e9, null, false, provenance()));
            if (improved) {
                if (inq.state().parentMeetsR()) { // best/ holds the best network that meets r
                    saveBest(gState, probe.best().quality());
                }
                keepParent(cycle, gState, probe.best().quality());
            }
            listener.onCycleEnd(summary);
            if (latencyModel != null) {
                latencyModel.keepTable();
            }
        }
        s.gState = gState;
        s.cycle = cycle;
        s.epochsUsed = epochsUsed;
        return stop;
    }

    /**
     * The hand-over once the cycles stopped: the final generator with its promise, one generator per requirement
     * level, all kept in {@code generator/}, and the last checkpoint, which marks the run done.
     */
    private RunDir.Progress handOver(Search s, String stop, RunDir.Progress previous, double previousSeconds,
            long started) {
        GeneratorState gState = s.gState;
        int cycle = s.cycle;
        double epochsUsed = s.epochsUsed;
        Inquisitor inq = s.inq;
        LatencyModel latencyModel = s.latencyModel;
        Prototype yard = s.yard;
        Cost protoCost = s.protoCost;
        Yardstick.Measured ys = s.ys;
        Generator last = new Generator(gState, cfg.search().widths());
        // the run's own generator is fine-tuned as a level's is: more as its networks are smaller (they lost more)
        TrainConfig finalRecipe = cfg.generateFinetune().withEpochs(LevelGenerators.finetuneEpochs(cfg,
                protoCost.macs(), Cost.of(gState.parent()).macs(), Inquisitor.GENERATION_RATIO));
        // the yardstick's copies: fine-tuning spent judging, not searching; and what a search that ended before this
        // one went on had spent on its hand-over
        double sampled = previous != null && previous.done() ? previous.sampledEpochs() : ys == null ? 0 : ys.epochs();
        ProbeListener samples = new ProbeListener() {
            @Override
            public dev.gensynth.train.TrainListener training(int c, int index, String network) {
                return listener.training(c, index, network);
            }

            @Override
            public void onCandidate(CandidateRecord r) {
                listener.onMessage(String.format("  generator sample %d: %s, %,d MACs%s, %s", r.index() + 1,
                        r.measured() ? String.format("%s %.2f%%", metric, r.quality()) : "not measured", r.macs(),
                        Double.isNaN(r.latencyMs()) ? "" : String.format(", %.3f ms", r.latencyMs()),
                        r.met() ? "meets r" : "misses r: " + String.join("; ", r.reasons())));
            }
        };
        GeneratorState fin;
        Promise promise = null;
        Handover handover = new Handover(run.dir(), cycle, provenance().configHash());
        if (cfg.search().promiseSamples() > 0) {
            Inquisitor.Final f = handover.finalGenerator();
            if (f == null) {
                f = inq.promisedGenerator(last, finalRecipe, cfg.search().promiseSamples(), samples,
                        listener::onMessage);
                handover.keepFinal(f);
            } else {
                listener.onMessage("final generator, as made before the run was interrupted: "
                        + f.promise().describe());
            }
            fin = f.generator();
            promise = f.promise();
            sampled += f.sampledEpochs(); // spent choosing the generator, so part of what synthesis cost
        } else {
            fin = inq.finalGenerator(last);
        }
        Promise promised = promise;
        List<LevelGenerators.Made> levels = LevelGenerators.make(run, cfg, yard, inq, samples, listener::onMessage,
                handover);
        for (LevelGenerators.Made m : levels) {
            sampled += m.generator().sampledEpochs();
        }
        if (latencyModel != null) {
            latencyModel.keepTable();
        }
        try {
            AtomicFiles.replaceDirectory(run.dir().resolve("generator"), d -> {
                Handover.save(d, fin, promised, null);
                Generation.keepFinetuneEpochs(d, finalRecipe.epochs());
                LevelGenerators.write(levels, d);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RunDir.Progress done = new RunDir.Progress(cycle, epochsUsed,
                previousSeconds + (System.nanoTime() - started) / 1e9, stop, true, provenance(), sampled);
        run.checkpoint(gState, inq.state(), null, done);
        handover.clear();
        listener.onMessage("synthesis stopped: " + stop);
        return done;
    }

    /**
     * The latency model G aims with: the run's own when it has one (a resumed run aims as before), else
     * calibrated now on the prototype and kept in {@code latency_model.json}.
     */
    private LatencyModel latencyModel(NetworkSpec protoSpec) {
        Path file = run.dir().resolve(LATENCY_MODEL);
        LatencyTable table = LatencyTable.forMachine();
        // calibrated once per machine and prototype, like the table: two runs of one config then aim alike
        Path cached = dev.gensynth.io.UserCache.dir().resolve("latency").resolve("model-"
                + dev.gensynth.io.UserCache.fileName(table.machine() + "|" + SpecIO.toJson(protoSpec)) + ".json");
        try {
            if (Files.isRegularFile(file)) {
                return LatencyModel.load(file, table);
            }
            if (Files.isRegularFile(cached)) {
                LatencyModel m = LatencyModel.load(cached, table);
                m.save(file);
                listener.onMessage("latency model: this machine's calibration for this prototype, from " + cached);
                return m;
            }
            long t0 = System.nanoTime();
            LatencyModel m = LatencyModel.calibrate(protoSpec, table);
            m.save(file);
            try {
                Files.createDirectories(cached.getParent());
                m.save(cached);
            } catch (IOException e) {
                // an unwritable cache only costs calibrating again next time
            }
            listener.onMessage(String.format("latency model: %.4f ms + %.3f x segments alone + %.4f ms per segment,"
                    + " calibrated on %d networks in %.0f s (mean error %.0f %%; ONNX Runtime)",
                    m.overheadMs(), m.scale(), m.perSegmentMs(), m.calibration().size(), (System.nanoTime() - t0) / 1e9,
                    100 * LatencyModel.meanAbsError(m.calibration())));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a checkpoint is made: this process, the run's seed, and run.yaml as it is now (resuming may change it). */
    private Provenance provenance() {
        try {
            return Provenance.current().forRun(cfg.seed(), Files.readString(run.config()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every parent the run adopts stays available (parents/cycle-NNN), e.g. for picking one per requirement level. */
    private void keepParent(int cycle, GeneratorState g, double validationQuality) {
        saveModel(run.parentDir(cycle), g, validationQuality);
    }

    /**
     * The draws judged from the current parent: every measured candidate of the cycles since the last that adopted
     * a new parent (that cycle's other candidates were drawn from the parent before), so a resumed run avoids what
     * the interrupted one had judged.
     */
    static Set<Prober.Draw> judgedSinceParent(List<RunDir.CycleSummary> cycles) {
        Set<Prober.Draw> judged = new HashSet<>();
        for (RunDir.CycleSummary c : cycles) {
            judge(judged, c.improved(), c.candidates());
        }
        return judged;
    }

    /**
     * {@code judged} after a cycle that probed {@code records}: none when it adopted a new parent, else those it
     * measured added (a fine-tuning that diverged says nothing of the architecture: another seed may not).
     */
    private static void judge(Set<Prober.Draw> judged, boolean improved, List<CandidateRecord> records) {
        if (improved) {
            judged.clear();
        } else {
            records.stream().filter(CandidateRecord::measured).forEach(r -> judged.add(Prober.Draw.of(r)));
        }
    }

    private void saveBest(GeneratorState g, double validationQuality) {
        saveModel(run.bestDir(), g, validationQuality);
    }

    /** The parent of {@code g} as a model directory, with its validation quality (a parent that fails r too). */
    private void saveModel(Path dir, GeneratorState g, double validationQuality) {
        try (Network net = Network.create(g.parent(), g.parentWeights())) {
            var m = Measure.of(net, null, null, 0).withQuality(metric, validationQuality, "validation");
            AtomicFiles.replaceDirectory(dir, d -> new ModelDir(d).save(g.parent(), g.parentWeights(), m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

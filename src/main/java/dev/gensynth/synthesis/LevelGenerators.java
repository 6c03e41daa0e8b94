package dev.gensynth.synthesis;

import dev.gensynth.export.OnnxLatency;
import dev.gensynth.inquisitor.Inquisitor;
import dev.gensynth.inquisitor.Prober;
import dev.gensynth.inquisitor.Promise;
import dev.gensynth.inquisitor.ProbeListener;
import dev.gensynth.metrics.Cost;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.requirements.Observation;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.utility.Utility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One generator per requirement level ({@code levels} in the run config): for the level "top-1 at least the
 * prototype's minus d" (with r's other bounds), the parent with the best U that meets it on validation,
 * the prototype included, handed over as the run's final generator is, with its own promise and its own
 * final fine-tuning budget ({@link #finetuneEpochs}: smaller networks, which lost more, get more). With
 * {@code search.levelRatios} of more than one share, the generator reaches below its parent as far as its own
 * networks, fine-tuned as users will fine-tune them, keep the promise ({@link Promise#TARGET}): the search judged
 * candidates after a short fine-tuning, which says less about how far a network can go than the final one does.
 * Kept in {@code generator/levels/X/}.
 */
public final class LevelGenerators {
    static final String DIR = "levels";
    static final String LEVEL = "level.json";

    private LevelGenerators() {
    }

    /**
     * What a level's generator is: its drop, the parent it narrows (prototype or cycle-NNN), its final fine-tuning,
     * the share of the parent's cost it aims at, and how many of {@code search.levelRatios} its promise samples
     * tried (0 when the run drew none: {@code search.promiseSamples: 0}).
     */
    public record Level(String name, double drop, String parent, long macs,
            @com.fasterxml.jackson.annotation.JsonAlias("validationTop1") double validationQuality,
            double finetuneEpochs, double ratio, int triedRatios) {
        /** A level of a run from before levels tried several ratios: aimed at 0.9, the only one it tried. */
        public Level {
            if (ratio == 0) {
                ratio = Inquisitor.GENERATION_RATIO;
                triedRatios = 1;
            }
        }
    }

    private record Candidate(String name, NetworkSpec spec, Weights weights, double validationQuality) {
    }

    /**
     * Computes every level's generator and promise, each kept in {@code handover} as soon as it is made (and taken
     * from there when it was made before the run was interrupted); {@link #write} saves them.
     */
    static List<Made> make(RunDir run, SynthesisConfig cfg, Prototype proto, Inquisitor inq, ProbeListener listener,
            Consumer<String> log, Handover handover) {
        List<Candidate> parents = new ArrayList<>();
        parents.add(new Candidate("prototype", proto.spec(), proto.weights(), proto.validationQuality()));
        for (RunDir.CycleSummary s : run.cycles()) {
            Path d = run.parentDir(s.cycle());
            if (s.improved() && Files.isDirectory(d)) {
                ModelDir m = new ModelDir(d);
                NetworkSpec spec = m.spec();
                parents.add(new Candidate(d.getFileName().toString(), spec, m.weights(spec), s.bestQuality()));
            }
        }
        Requirements r = cfg.requirements();
        Utility u = cfg.utility();
        boolean latency = r.needsLatency() || u.needsLatency();
        double[] ms = new double[parents.size()];
        for (int i = 0; i < parents.size(); i++) {
            ms[i] = latency ? OnnxLatency.fastest(parents.get(i).spec(), parents.get(i).weights(), 10, 30).ms()
                    : Double.NaN;
        }
        long protoMacs = Cost.of(proto.spec()).macs();
        List<Double> ratios = cfg.search().levelRatios();
        int samples = cfg.search().promiseSamples();
        List<Made> out = new ArrayList<>();
        // a parent is observed once, and the networks of its generator at one ratio are sampled once and judged by
        // each level from it; a level made before an interruption left no samples to share, so the next one from
        // its parent samples the same networks again, and counts them once, as an uninterrupted run does
        Map<String, Inquisitor.LevelAim> aims = new HashMap<>();
        Map<String, Prober.Sampled> sampledAt = new HashMap<>();
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (int l = 0; l < cfg.levels().size(); l++) {
            double drop = cfg.levels().get(l);
            String name = SynthesisConfig.levelName(l);
            Made kept = handover.level(name);
            if (kept != null) {
                log.accept(String.format("level %s: as made before the run was interrupted, from %s", name,
                        kept.level().parent()));
                out.add(kept);
                for (int k = 0; k < Math.max(1, kept.level().triedRatios()); k++) {
                    counted.add(kept.level().parent() + "@" + k);
                }
                continue;
            }
            Requirements level = new Requirements(null, drop, r.maxMacs(), r.maxParams(), r.maxLatencyMs(), r.metric());
            Candidate best = null;
            double bestU = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < parents.size(); i++) {
                Candidate c = parents.get(i);
                Cost cost = Cost.of(c.spec());
                Observation o = new Observation(c.validationQuality(), cost.params(), cost.macs(), ms[i], "validation");
                // a utility of -infinity (NetScore of a network that finds nothing) still makes a parent
                if (level.check(o, proto.validationQuality()).met() && (best == null || u.score(o) > bestU)) {
                    bestU = u.score(o);
                    best = c;
                }
            }
            if (best == null) {
                log.accept("level " + name + " (quality >= prototype - " + drop + "): no parent meets it on validation,"
                        + " not even the prototype (r's other bounds); no generator for it");
                continue;
            }
            Candidate from = best;
            long macs = Cost.of(from.spec()).macs();
            Inquisitor.LevelAim aim = aims.computeIfAbsent(from.name(), n -> inq.levelAim(from.spec(), from.weights()));
            int chosen = 0;
            int tried = 0;
            Promise promise = null;
            double spent = 0;
            boolean shared = false;
            for (int k = 0; samples > 0 && k < ratios.size(); k++) {
                TrainConfig recipe = cfg.generateFinetune().withEpochs(finetuneEpochs(cfg, protoMacs, macs, ratios.get(k)));
                String key = from.name() + "@" + k;
                shared |= sampledAt.containsKey(key);
                int index = k;
                Prober.Sampled s = sampledAt.computeIfAbsent(key,
                        x -> inq.sampleLevel(aim.at(ratios.get(index)), recipe, samples, index, listener));
                Promise p = inq.levelPromise(s, level, ratios.get(k));
                tried = k + 1;
                if (counted.add(key)) {
                    spent += p.finetuneEpochs();
                }
                if (ratios.size() > 1) {
                    log.accept(String.format("level %s, aimed at %.2f of %s's cost: %s", name, ratios.get(k),
                            from.name(), p.describe()));
                }
                if (k == 0 || p.probability() >= Promise.TARGET) {
                    chosen = k;
                    promise = p;
                }
                // reaching further only while the networks keep the promise
                if (p.probability() < Promise.TARGET) {
                    break;
                }
            }
            double epochs = finetuneEpochs(cfg, protoMacs, macs, ratios.get(chosen));
            Inquisitor.Final f = new Inquisitor.Final(aim.at(ratios.get(chosen)), promise, spent);
            Level lv = new Level(name, drop, from.name(), macs, from.validationQuality(), epochs, ratios.get(chosen),
                    tried);
            Made made = new Made(lv, f);
            handover.keepLevel(made);
            log.accept(String.format("level %s (quality >= prototype - %.1f): from %s (%,d MACs, %.2f%% validation),"
                    + " aimed at %.2f of its cost, final fine-tuning %.2f epochs%s%s", name, drop, from.name(), macs,
                    from.validationQuality(), ratios.get(chosen), epochs,
                    shared ? "; networks sampled for an earlier level from that parent, judged again" : "",
                    promise == null ? "" : "; " + promise.describe()));
            out.add(made);
        }
        return out;
    }

    /**
     * A level's final fine-tuning for its generator aimed at {@code share} of a parent of {@code macs}: the
     * generate recipe's epochs times log2 of how many times fewer MACs the parent has (at least once), plus once more
     * for each halving of the share below {@link Inquisitor#GENERATION_RATIO} (what the search's generators aim at),
     * so networks that are smaller get more.
     */
    static double finetuneEpochs(SynthesisConfig cfg, long protoMacs, long macs, double share) {
        double parentHalvings = Math.max(1, Math.log((double) protoMacs / macs) / Math.log(2));
        double further = Math.max(0, Math.log(Inquisitor.GENERATION_RATIO / share) / Math.log(2));
        return cfg.generateFinetune().epochs() * (parentHalvings + further);
    }

    /** A level's generator, as made. */
    record Made(Level level, Inquisitor.Final generator) {
    }

    /** Saves each level's generator under {@code generatorDir/levels/X/}. */
    static void write(List<Made> made, Path generatorDir) throws IOException {
        for (Made m : made) {
            Path d = generatorDir.resolve(DIR).resolve(m.level().name());
            Files.createDirectories(d);
            Handover.save(d, m.generator().generator(), m.generator().promise(), m.level());
        }
    }

    /** Whether the run handed over a generator for level {@code name}. */
    public static boolean has(Path runDir, String name) {
        return Files.isRegularFile(folder(runDir, name).resolve(LEVEL));
    }

    /** Where level {@code name}'s generator is kept. */
    public static Path folder(Path runDir, String name) {
        return runDir.resolve("generator").resolve(DIR).resolve(name);
    }

    /** What level {@code name}'s generator is, or a clear error when the run has none. */
    public static Level read(Path runDir, String name) {
        Path f = runDir.resolve("generator").resolve(DIR).resolve(name).resolve(LEVEL);
        if (!Files.isRegularFile(f)) {
            throw new dev.gensynth.UserError("run " + runDir + " has no generator for level '" + name + "' (levels are"
                    + " A, B, ... in the order of the run config's 'levels'; a run without 'levels' has none)");
        }
        try {
            return RunDir.JSON.readValue(f.toFile(), Level.class);
        } catch (IOException e) {
            throw new dev.gensynth.UserError(f + " cannot be read (" + e.getMessage() + ")");
        }
    }
}

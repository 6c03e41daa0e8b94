package dev.gensynth.synthesis;

import dev.gensynth.export.OnnxLatency;
import dev.gensynth.inquisitor.Inquisitor;
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
 * final fine-tuning budget: the generate recipe's epochs times log2 of how many times fewer MACs the parent
 * has (at least once), so smaller networks, which lost more, get more. Kept in {@code generator/levels/X/}.
 */
public final class LevelGenerators {
    static final String DIR = "levels";
    static final String LEVEL = "level.json";

    private LevelGenerators() {
    }

    /**
     * What a level's generator is: its drop, the parent it narrows (prototype or cycle-NNN), and its final
     * fine-tuning.
     */
    public record Level(String name, double drop, String parent, long macs,
            @com.fasterxml.jackson.annotation.JsonAlias("validationTop1") double validationQuality,
            double finetuneEpochs) {
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
        List<Made> out = new ArrayList<>();
        // levels whose best parent is the same share its generator and samples (sampled once, judged by each); a
        // level made before an interruption left no samples to share, so the next one from its parent samples the
        // same networks again, and counts them once, as an uninterrupted run does
        Map<String, Inquisitor.LevelFinal> sampledFrom = new HashMap<>();
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (int l = 0; l < cfg.levels().size(); l++) {
            double drop = cfg.levels().get(l);
            String name = SynthesisConfig.levelName(l);
            Made kept = handover.level(name);
            if (kept != null) {
                log.accept(String.format("level %s: as made before the run was interrupted, from %s", name,
                        kept.level().parent()));
                out.add(kept);
                counted.add(kept.level().parent());
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
            long macs = Cost.of(best.spec()).macs();
            double epochs = cfg.generateFinetune().epochs()
                    * Math.max(1, Math.log((double) protoMacs / macs) / Math.log(2));
            TrainConfig recipe = cfg.generateFinetune().withEpochs(epochs);
            Inquisitor.LevelFinal earlier = sampledFrom.get(best.name());
            Inquisitor.LevelFinal lf = earlier != null
                    ? inq.levelGeneratorAgain(earlier, level, recipe, cfg.search().promiseSamples())
                    : inq.levelGenerator(best.spec(), best.weights(), level, recipe, cfg.search().promiseSamples(),
                            listener);
            sampledFrom.putIfAbsent(best.name(), lf);
            Inquisitor.Final f = counted.add(best.name()) ? lf.fin()
                    : new Inquisitor.Final(lf.fin().generator(), lf.fin().promise(), 0);
            Level lv = new Level(name, drop, best.name(), macs, best.validationQuality(), epochs);
            Made made = new Made(lv, f);
            handover.keepLevel(made);
            log.accept(String.format("level %s (quality >= prototype - %.1f): from %s (%,d MACs, %.2f%% validation),"
                    + " final fine-tuning %.2f epochs%s%s", name, drop, best.name(), macs, best.validationQuality(),
                    epochs, earlier == null ? "" : "; the generator and samples of an earlier level from that parent",
                    f.promise() == null ? "" : "; " + f.promise().describe()));
            out.add(made);
        }
        return out;
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

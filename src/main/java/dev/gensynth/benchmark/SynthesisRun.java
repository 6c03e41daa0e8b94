package dev.gensynth.benchmark;

import dev.gensynth.UserError;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.ModelDir;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.report.RunReport;
import dev.gensynth.synthesis.LevelGenerators;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.Synthesis;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.synthesis.SynthesisListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The synthesis run the FermiNets come from, finished: the benchmark's own run (started or resumed in
 * {@code run/}, at the loosest level) or an existing one, with its config, trained prototype and the epochs its
 * search spent.
 *
 * @param dir the run directory
 * @param config its run config
 * @param prototype its trained prototype
 * @param prototypeMetrics the prototype's metrics
 * @param epochs the search and the sampling that chose the generators: what synthesis spent before the FermiNets
 */
record SynthesisRun(Path dir, SynthesisConfig config, Prototype prototype, Metrics prototypeMetrics, double epochs) {

    /** The run's trained prototype as a model directory. */
    ModelDir prototypeModel() {
        return new ModelDir(dir.resolve("prototype"));
    }

    /**
     * The synthesis run's config, known before the run is made: the existing run's, or the one derived from the
     * benchmark config (written once to {@code synthesis.yaml} in {@code benchDir}, which the run is started from).
     */
    static SynthesisConfig config(BenchmarkConfig cfg, Path benchDir) {
        if (cfg.existingRun() != null) {
            return SynthesisConfig.load(cfg.existingRun().resolve("run.yaml"));
        }
        Path yaml = benchDir.resolve("synthesis.yaml");
        String derived = cfg.derivedRunConfig();
        try {
            if (!Files.isRegularFile(yaml)) {
                AtomicFiles.writeString(yaml, derived);
            } else if (!sameYaml(yaml, derived)) {
                // a changed prototype or recipe would otherwise be ignored, and new rows compared with old ones
                throw new UserError("benchmark directory " + benchDir + " was started from another synthesis config: its "
                        + "synthesis.yaml differs from the one the benchmark config derives now from " + cfg.synthesisConfig()
                        + ". Run the benchmark into a new --out directory: this one's FermiNet, alternative and noise "
                        + "rows were made from the old run and would be reused beside the new one's.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SynthesisConfig.load(yaml);
    }

    private static boolean sameYaml(Path kept, String derived) throws IOException {
        try {
            return BenchmarkConfig.sameYaml(Files.readString(kept), derived);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new UserError("benchmark directory file " + kept + " is not readable YAML (" + e.getOriginalMessage()
                    + "); it is written once when a benchmark starts and then only read. Run the benchmark into a new "
                    + "--out directory.");
        }
    }

    /**
     * The finished run: the existing one of {@code cfg}, or the benchmark's own in {@code benchDir/run}, started,
     * resumed or found done, its adopted parents kept in {@code benchDir/parents} and its report written. With a
     * carry store, the run must reproduce the one the carried steps came from.
     */
    static SynthesisRun make(BenchmarkConfig cfg, Path benchDir, Consumer<String> log, SynthesisListener listener,
            Carry carry) {
        return make(cfg, benchDir, log, listener, carry, true);
    }

    /**
     * As {@link #make(BenchmarkConfig, Path, Consumer, SynthesisListener, Carry)}; when {@code generatorsNeeded} is
     * false (every FermiNet is carried, and every fresh network or the run's own generator that makes them) and the
     * store has the run's print, only the
     * prototype is trained again and checked against it: the steps left need nothing else of the run, and the
     * search it would repeat takes most of a session.
     */
    static SynthesisRun make(BenchmarkConfig cfg, Path benchDir, Consumer<String> log, SynthesisListener listener,
            Carry carry, boolean generatorsNeeded) {
        if (cfg.existingRun() == null && !generatorsNeeded && carry != null && carry.carriedRun() != null) {
            Path runDir = benchDir.resolve("run");
            RunDir run = new RunDir(runDir);
            boolean started = run.progress().isPresent();
            if (!started) {
                log.accept("synthesis: every step made from its generators is carried in " + carry.store()
                        + " (or its own generator, for the fresh networks left); training its prototype again and "
                        + "checking it against the carried run");
                Prototype proto = Synthesis.prototypeOnly(benchDir.resolve("synthesis.yaml"), config(cfg, benchDir),
                        runDir, listener);
                carry.checkPrototype(runDir, proto);
                return new SynthesisRun(runDir, SynthesisConfig.load(runDir.resolve("run.yaml")), proto,
                        new ModelDir(runDir.resolve("prototype")).metrics().orElseThrow(),
                        carry.carriedRun().synthesisEpochs());
            }
        }
        Path runDir;
        if (cfg.existingRun() != null) {
            runDir = cfg.existingRun();
            RunDir run = new RunDir(runDir);
            if (!run.progress().map(RunDir.Progress::done).orElse(false)) {
                throw new UserError("run " + runDir + " has not finished; finish it with 'gensynth synthesize --resume "
                        + runDir + "' first");
            }
            log.accept("using the finished synthesis run " + runDir + " (only its best network and prototype can "
                    + "be picked for the levels: its earlier parents were not kept)");
        } else {
            runDir = benchDir.resolve("run");
            SynthesisConfig c = config(cfg, benchDir);
            RunDir run = new RunDir(runDir);
            if (run.progress().map(RunDir.Progress::done).orElse(false)) {
                log.accept("synthesis: done (" + runDir + ")");
            } else if (Files.isRegularFile(run.config()) && run.progress().isPresent()) {
                log.accept("synthesis: resuming " + runDir);
                Synthesis.resume(runDir, listener);
            } else {
                log.accept("synthesis: starting " + runDir + " at the loosest level (quality >= prototype - "
                        + cfg.loosestLevel() + ")");
                Synthesis.start(benchDir.resolve("synthesis.yaml"), c, runDir, true, listener);
            }
            keepParents(run, benchDir.resolve("parents"));
            try {
                RunReport.write(runDir);
            } catch (RuntimeException e) {
                log.accept("run report not written: " + e.getMessage());
            }
        }
        Prototype proto;
        try {
            proto = Prototype.read(runDir.resolve("prototype/prototype.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SynthesisRun made = new SynthesisRun(runDir, SynthesisConfig.load(runDir.resolve("run.yaml")), proto,
                new ModelDir(runDir.resolve("prototype")).metrics().orElseThrow(),
                new RunDir(runDir).progress().map(RunDir.Progress::allEpochs).orElse(0.0));
        if (carry != null) {
            Map<String, String> lv = new TreeMap<>();
            for (int i = 0; i < cfg.levels().size(); i++) {
                String level = SynthesisConfig.levelName(i);
                if (LevelGenerators.has(runDir, level)) {
                    LevelGenerators.Level l = LevelGenerators.read(runDir, level);
                    // the share only when a level reached below the search's own (older prints have none)
                    lv.put(level, l.parent() + ", " + l.macs() + " MACs, " + l.finetuneEpochs() + " epochs"
                            + (l.ratio() == dev.gensynth.inquisitor.Inquisitor.GENERATION_RATIO ? ""
                                    : ", aimed at " + l.ratio() + " of it"));
                }
            }
            carry.checkRun(Carry.RunPrint.of(runDir, proto, made.epochs(), lv));
        }
        return made;
    }

    /**
     * Copies every parent the finished run adopted (RUN/parents/cycle-NNN) to {@code parents}, with its
     * cycle's numbers in parent.json. Done once the run has finished rather than as each cycle
     * ends, so that a crash between a cycle's checkpoint and its copy loses no parent.
     */
    private static void keepParents(RunDir run, Path parents) {
        try {
            AtomicFiles.recover(parents);
            for (RunDir.CycleSummary s : run.cycles()) {
                Path source = run.parentDir(s.cycle());
                Path target = parents.resolve(source.getFileName());
                if (!s.improved() || !Files.isDirectory(source) || Files.isRegularFile(target.resolve("parent.json"))) {
                    continue;
                }
                AtomicFiles.replaceDirectory(target, tmp -> {
                    for (String f : List.of(ModelDir.SPEC, ModelDir.WEIGHTS, ModelDir.METRICS)) {
                        Files.copy(source.resolve(f), tmp.resolve(f));
                    }
                    Rows.JSON.writeValue(tmp.resolve("parent.json").toFile(), Map.of("cycle", s.cycle(), "validationQuality",
                            s.bestQuality(), "macs", s.bestMacs(), "utility", s.bestUtility()));
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the parents of " + run.dir(), e);
        }
    }
}

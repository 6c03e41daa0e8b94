package dev.gensynth.benchmark;

import dev.gensynth.data.DataSource;
import dev.gensynth.generator.Generator;
import dev.gensynth.generator.Slicer;
import dev.gensynth.inquisitor.Promise;
import dev.gensynth.metrics.Cost;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.seed.Seed;
import dev.gensynth.synthesis.Generation;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * r for every seed: networks of the run's own generator from fresh seeds, each made as {@code gensynth generate}
 * makes it (the run's generate recipe, the prototype teaching when the run distils), tested and judged against
 * the run's requirement (the loosest level), beside what the generator promised. In {@code fresh/seed-S/}, the
 * promise in {@code fresh/promise.json}. They show what a user's {@code generate} gets; they are no method's
 * networks, so they stay out of the fronts and of the budget.
 */
final class FreshSeeds {
    static final String DIR = "fresh";
    /** The first fresh seed is the benchmark's seed plus this (FermiNets take plus 100 and up). */
    static final int SEED_OFFSET = 200;
    /** The run's generator as {@link RunDir#loadGenerator} and {@link Generation#recipe} read it. */
    private static final List<String> GENERATOR_FILES = List.of("generator.json", "parent.npz", "finetune.json");

    /**
     * The fresh networks and what the generator promised for them.
     *
     * @param promise the run's promise, or null for a run that did not sample one
     */
    record Outcome(List<Row> rows, Promise promise) {
        long met() {
            return rows.stream().filter(Row::met).count();
        }

        /** "The generator promised: ...; expected 7.6 of 8, 8 met it (as promised)", or how many met r. */
        String text() {
            return promise != null ? "The generator promised: " + promise.outcome(met(), rows.size())
                    : String.format(Locale.ROOT, "%d of %d met r; the run states no promise (it sampled none)", met(),
                            rows.size());
        }
    }

    private FreshSeeds() {
    }

    /**
     * Whether every fresh network of {@code cfg} and the promise are already in {@code benchDir} (then the run is not
     * needed for them).
     */
    static boolean done(BenchmarkConfig cfg, Path benchDir) {
        if (cfg.freshSeeds() == 0) {
            return true;
        }
        for (int k = 0; k < cfg.freshSeeds(); k++) {
            if (Rows.read(stepDir(benchDir, seed(cfg, k))) == null) {
                return false;
            }
        }
        return Files.isRegularFile(promiseFile(benchDir));
    }

    /**
     * Whether the fresh networks left unmade can be made without the run: its generator and promise are kept in
     * {@code benchDir} (carried from the session that made the run).
     */
    static boolean canFinish(Path benchDir) {
        Path g = keptGenerator(benchDir);
        return Files.isRegularFile(promiseFile(benchDir)) && Files.isRegularFile(g.resolve(GENERATOR_FILES.get(0)))
                && Files.isRegularFile(g.resolve(GENERATOR_FILES.get(1)));
    }

    /** The fresh networks of {@code cfg}, made (or found made) from the run's generator. */
    static Outcome of(BenchmarkConfig cfg, Path benchDir, SynthesisRun run, FermiNets ferminets, DataSource.Data data,
            TrainAndMeasure step, Consumer<String> log, Carry carry) {
        if (cfg.freshSeeds() == 0) {
            return new Outcome(List.of(), null);
        }
        SynthesisConfig sc = run.config();
        Path pf = promiseFile(benchDir);
        if (!Files.isRegularFile(pf)) {
            // JSON null for a run that sampled no promise: the file says the run was asked
            try {
                AtomicFiles.write(pf, Rows.JSON.writeValueAsBytes(Generation.promise(run.dir())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (carry != null) {
            carry.keepFile(benchDir, pf);
        }
        Path kept = keptGenerator(benchDir);
        keepGenerator(run.dir().resolve("generator"), kept, benchDir, carry);
        List<Row> rows = new ArrayList<>();
        Generator g = null;
        TrainConfig recipe = null;
        for (int k = 0; k < cfg.freshSeeds(); k++) {
            Seed s = new Seed(seed(cfg, k));
            Path d = stepDir(benchDir, s.value());
            Row done = Rows.read(d);
            if (done == null) {
                if (g == null) {
                    // the copy kept in fresh/ (laid out as in a run directory), which a later session may have
                    // carried without making the run again
                    g = new Generator(RunDir.loadGenerator(kept), sc.search().widths());
                    recipe = Generation.recipe(kept.getParent(), sc, null, null, data.train().size());
                }
                Slicer.Cut cut = g.generate(s);
                String name = "Fresh-" + s.value();
                log.accept(String.format(Locale.ROOT, "%s: the run's generator, seed %d, %,d MACs, fine-tuning %.2f "
                        + "epochs", name, s.value(), Cost.of(cut.spec()).macs(), recipe.epochs()));
                done = step.train(cut.spec().withName(name), cut.weights(), Generation.seeded(recipe, s),
                        ferminets.teacher(), d, new TrainAndMeasure.Label(name, "generate", "-",
                        "the run's generator, seed " + s.value(), null));
            }
            rows.add(done);
        }
        Promise promise = null;
        if (Files.isRegularFile(pf)) {
            try {
                promise = Rows.JSON.readValue(pf.toFile(), Promise.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pf, e);
            }
        }
        return new Outcome(rows, promise);
    }

    /**
     * Copies the run's generator (when the run directory has it: not when only its prototype was made again) to
     * {@code kept}, and to the store: its state and its parent's weights (tens of kilobytes), its final fine-tuning.
     */
    private static void keepGenerator(Path runGenerator, Path kept, Path benchDir, Carry carry) {
        if (!Files.isRegularFile(runGenerator.resolve(GENERATOR_FILES.get(0)))) {
            return;
        }
        try {
            for (String f : GENERATOR_FILES) {
                Path from = runGenerator.resolve(f);
                Path to = kept.resolve(f);
                if (Files.isRegularFile(from)) {
                    if (!Files.isRegularFile(to)) {
                        AtomicFiles.write(to, Files.readAllBytes(from));
                    }
                    if (carry != null) {
                        carry.keepFile(benchDir, to);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the run's generator " + runGenerator, e);
        }
    }

    private static Path keptGenerator(Path benchDir) {
        return benchDir.resolve(DIR).resolve("generator");
    }

    private static long seed(BenchmarkConfig cfg, int k) {
        return cfg.seed() + SEED_OFFSET + k;
    }

    private static Path stepDir(Path benchDir, long seed) {
        return benchDir.resolve(DIR).resolve("seed-" + seed);
    }

    static Path promiseFile(Path benchDir) {
        return benchDir.resolve(DIR).resolve("promise.json");
    }
}

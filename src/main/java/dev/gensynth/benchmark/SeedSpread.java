package dev.gensynth.benchmark;

import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The spread of test quality over seeds of the same recipe, which decides the ties of the tables: the prototype
 * trained again from scratch, and the first width-scaled network, each with {@code noiseSeeds - 1} further seeds
 * (initial weights and batch order) in {@code noise/}; the first seed is the network already in the table.
 */
final class SeedSpread {
    private final Path benchDir;
    private final int seeds;
    private final TrainAndMeasure step;
    private final Consumer<String> log;

    SeedSpread(Path benchDir, int seeds, TrainAndMeasure step, Consumer<String> log) {
        this.benchDir = benchDir;
        this.seeds = seeds;
        this.step = step;
        this.log = log;
    }

    /** The spreads of the prototype of {@code run} and of the first width-scaled network among {@code rows}. */
    List<Results.Noise> of(SynthesisRun run, List<Row> rows) {
        List<Results.Noise> out = new ArrayList<>();
        if (seeds < 2) {
            return out;
        }
        ModelDir pm = run.prototypeModel();
        TrainConfig recipe = run.config().prototypeTraining();
        long seed = run.config().seed();
        out.add(of("prototype", run.prototype().testQuality(), pm.spec(), recipe, seed));
        rows.stream().filter(r -> r.method().equals("width") && r.measured() && r.modelDir() != null).findFirst()
                .ifPresent(w -> {
                    ModelDir m = new ModelDir(benchDir.resolve(w.modelDir()));
                    // the schedule its model was trained with: the row of the step holding the model (where the
                    // row is the pick of several schedules, its own epochs count all of them)
                    Row trained = Rows.read(benchDir.resolve(w.modelDir()).getParent());
                    double epochs = trained != null ? trained.trainEpochs() : w.trainEpochs();
                    out.add(of(w.network(), w.quality(), m.spec(), recipe.withEpochs(epochs), seed));
                });
        return out;
    }

    private Results.Noise of(String name, double first, NetworkSpec spec, TrainConfig recipe, long runSeed) {
        List<Double> quality = new ArrayList<>(List.of(first));
        for (int k = 1; k < seeds; k++) {
            String label = name + " seed +" + k;
            Path d = benchDir.resolve("noise").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-seed-" + k);
            Row done = Rows.read(d);
            if (done == null) {
                log.accept("noise: " + label + ", from scratch for " + recipe.epochs() + " epochs");
                long s = runSeed + 7919L * k;
                done = step.train(spec, Weights.initial(spec, s), recipe.withSeed(s), null, d,
                        new TrainAndMeasure.Label(label, "noise", "-", "seed spread of " + name, null));
            }
            if (done.measured()) {
                quality.add(done.quality());
            }
        }
        return Results.Noise.of(name, quality);
    }
}

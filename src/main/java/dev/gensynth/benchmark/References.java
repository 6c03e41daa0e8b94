package dev.gensynth.benchmark;

import dev.gensynth.data.DataSource;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The reference networks: each zoo architecture of the benchmark config trained from scratch with the
 * prototype's recipe into {@code references/NAME/}, except the prototype's own architecture at width 1, which
 * is the run's trained prototype, not trained again.
 */
final class References {
    /** The source of the reference row that is the run's own prototype, not a network trained again. */
    static final String PROTOTYPE_SOURCE = "prototype of the synthesis run";

    private final Path dir;
    private final DataSource.Data data;
    private final TrainAndMeasure step;
    private final Consumer<String> log;

    References(Path benchDir, DataSource.Data data, TrainAndMeasure step, Consumer<String> log) {
        this.dir = benchDir.resolve("references");
        this.data = data;
        this.step = step;
        this.log = log;
    }

    /** Whether reference {@code name} is the prototype of run config {@code c}. */
    static boolean isPrototype(String name, SynthesisConfig c) {
        return name.equals(c.prototypeArch()) && c.prototypeWidth() == 1.0;
    }

    /** A reference network trained from scratch with the recipe (its row judged later, with the prototype known). */
    Row fromScratch(String name, SynthesisConfig c) {
        Path d = dir.resolve(name);
        Row done = Rows.read(d);
        if (done != null) {
            return done;
        }
        log.accept("reference " + name + ": training from scratch (" + c.prototypeTraining().epochs() + " epochs)");
        NetworkSpec spec = Zoo.get(name, data.sampleShape(), data.classes());
        return step.train(spec, Weights.initial(spec, c.seed()), c.prototypeTraining(), null, d,
                new TrainAndMeasure.Label(name, "reference", "-", "zoo " + name + ", from scratch", null));
    }

    /** The run's prototype as the reference of its architecture: same architecture and recipe, not retrained. */
    Row prototype(String name, SynthesisRun run) {
        Path d = dir.resolve(name);
        Row done = Rows.read(d);
        if (done != null) {
            return done;
        }
        log.accept("reference " + name + ": the run's prototype (same architecture and recipe), not retrained");
        ModelDir m = run.prototypeModel();
        NetworkSpec spec = m.spec();
        return step.measure(spec, m.weights(spec), d, new TrainAndMeasure.Label(name, "reference", "-",
                PROTOTYPE_SOURCE, null), run.prototype().trainingEpochs(), run.prototype().trainingSeconds());
    }
}

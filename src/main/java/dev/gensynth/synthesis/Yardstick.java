package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.seed.Seed;
import dev.gensynth.task.SampleResults;
import dev.gensynth.task.Task;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The prototype's quality on a noisy validation split, which the floor of r is measured from during the
 * search: the mean over the prototype and {@link #COPIES} copies of its architecture trained again from scratch
 * with its recipe and other seeds.
 *
 * <p>Why not the prototype's own figure: on a few hundred images one trained network's top-1 is one draw, points
 * away from what networks of its quality score there, and the floor inherits the error: too high, candidates
 * fail on noise and the search stalls; too low, generated networks miss r on the test split. Measured with
 * {@code bench/small_data.sh} over three seeds (143 validation images the search judges on): the prototype's
 * figure against the mean with its copies was 79.7 against 80.1, 86.7 against 85.7 and 80.4 against 83.2 %; with
 * the mean, 11 of 12 generated networks met r on the test split, against 9 of 12 with the prototype's own figure.
 * (Copies fine-tuned as candidates are stay too close to the prototype to average its luck out.) Where the
 * prototype's figure is precise to a point ({@link #applies}) it is kept, and so is the figure of a prototype the
 * run did not train (its recipe is not known).
 */
final class Yardstick {
    /** Copies of the prototype trained from scratch, beside the prototype itself. */
    static final int COPIES = 3;

    /**
     * @param quality the mean quality on each of the splits asked for, in their order
     * @param epochs the training the copies took, in passes over the training split
     */
    record Measured(double[] quality, double epochs) {
    }

    /** Where a run keeps its yardstick, so that a resumed run holds candidates to the same floor. */
    static final String FILE = "yardstick.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The yardstick a run measured when it started, or null (it had none: a large split, or an older run). */
    static Measured read(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), Measured.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    static void write(Path runDir, Measured m) {
        try {
            AtomicFiles.write(runDir.resolve(FILE), JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Yardstick() {
    }

    /** The standard error, in points, above which one network's figure on the search split is too noisy a yardstick. */
    static final double NOISY = 1.0;

    /**
     * Whether the prototype's quality on the search split, as judged there, is noisy enough for the mean of copies:
     * its standard error in the task's metric above {@link #NOISY} points (a classifier's top-1 near 80 % on fewer
     * than about 1,600 images; a segmenter's mIoU, resampled over images, on a few dozen).
     */
    static boolean applies(SampleResults prototypeOnSearch) {
        return prototypeOnSearch.standardError(prototypeOnSearch.quality()) > NOISY;
    }

    /**
     * The mean quality of the prototype and its copies on each of {@code splits}; each copy is trained as the
     * prototype was ({@code recipe}, the {@code validation} split selecting its epoch alike), from its own seed. A
     * copy whose training diverges is left out of the mean (the prototype's own figure always counts).
     */
    static Measured measure(Prototype p, Dataset train, Dataset validation, List<Dataset> splits, TrainConfig recipe,
            Seed seed) {
        double[] sum = new double[splits.size()];
        int counted = 1;
        try (Network net = Network.create(p.spec(), p.weights())) {
            for (int s = 0; s < splits.size(); s++) {
                sum[s] = Task.qualityOf(net, splits.get(s));
            }
        }
        double epochs = 0;
        for (int k = 0; k < COPIES; k++) {
            long s0 = seed.derive("yardstick", k).value();
            try (Network net = Network.create(p.spec(), Weights.initial(p.spec(), s0))) {
                var r = Trainer.train(net, train, validation, recipe.withSeed(s0), TrainListener.SILENT);
                epochs += r.epochsRun();
                for (int s = 0; s < splits.size(); s++) {
                    sum[s] += Task.qualityOf(net, splits.get(s));
                }
                counted++;
            } catch (DivergedException e) {
                epochs += e.epochsRun();
            }
        }
        double[] mean = new double[sum.length];
        for (int s = 0; s < sum.length; s++) {
            mean[s] = sum[s] / counted;
        }
        return new Measured(mean, epochs);
    }
}

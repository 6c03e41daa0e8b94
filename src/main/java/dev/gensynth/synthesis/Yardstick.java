package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.AtomicFiles;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.seed.Seed;
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
 * The prototype's quality on a small validation split, which the floor of r is measured from during the
 * search: the mean over the prototype and {@link #COPIES} copies of its architecture trained again from scratch
 * with its recipe and other seeds.
 *
 * <p>Why not the prototype's own figure: on a few hundred images one trained network's top-1 carries luck of
 * its own, which networks close to it in function share and networks further from it lose. Measured on the
 * small-data set of {@code bench/small_data.sh} (143 validation images the search judges on): in one seed the
 * prototype scored 86.7 % there and 61.1 % on the 36 held-out images; copies of it fine-tuned as candidates
 * are kept that luck (87.1 % on average), candidates cut by 5-20 % of the MACs lost it (83-85 %), the floor
 * stood out of their reach and the search stalled at 10 M MACs, though on the test split those networks met
 * the floor. Networks trained again from scratch do not share the prototype's luck: their mean is what a
 * network of the prototype's quality scores on these images. A split of {@link
 * SynthesisConfig.Search#SMALL_VALIDATION} images or more keeps the prototype's own figure (the luck there is
 * under a point, and the copies would cost whole trainings); so does a prototype the run did not train (its
 * recipe is not known).
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

    /** Whether a validation split of {@code size} images gets the mean of copies rather than one figure. */
    static boolean applies(int size) {
        return size < SynthesisConfig.Search.SMALL_VALIDATION;
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

package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.AtomicFiles;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.seed.Seed;
import dev.gensynth.task.Task;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.Distillation;
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
 * search: the mean over the prototype as trained and {@link #COPIES} copies of it fine-tuned exactly as a
 * candidate is (the candidates' recipe, teacher and budget, their own seeds).
 *
 * <p>Why not the prototype's own figure: on a few hundred images one network's top-1 is one draw with a
 * spread of several points, and so is every fine-tuned candidate's. Measured on the small-data set of
 * {@code bench/small_data.sh} (143 validation images the search judges on), the prototype scored 86.7 % there
 * in one seed and 61.1 % on the 36 held-out images, while its candidates, unchanged or nearly so, scored
 * 83-86 %: the floor stood 2-3 points above what any network of the prototype's quality reaches after a
 * candidate's fine-tuning, and the search stalled. In another seed the prototype's draw was low and the
 * candidates cleared the floor by 4 points. The mean of several draws of the same family is the yardstick a
 * candidate can be fairly held to; a split of {@link SynthesisConfig.Search#SMALL_VALIDATION} images or more
 * keeps the prototype's own figure (its spread there is under a point, and the copies would cost epochs).
 */
final class Yardstick {
    /** Fine-tuned copies of the prototype, beside the prototype itself. */
    static final int COPIES = 3;

    /**
     * @param quality the mean quality on each of the splits asked for, in their order
     * @param epochs the fine-tuning the copies took, in passes over the training split
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
     * The mean quality of the prototype and its fine-tuned copies on each of {@code splits}. A copy whose
     * fine-tuning diverges is left out of the mean (the prototype's own figure always counts).
     */
    static Measured measure(Prototype p, Dataset train, List<Dataset> splits, TrainConfig finetune,
            Distillation teacher, Seed seed) {
        double[] sum = new double[splits.size()];
        int counted = 1;
        try (Network net = Network.create(p.spec(), p.weights())) {
            for (int s = 0; s < splits.size(); s++) {
                sum[s] = Task.qualityOf(net, splits.get(s));
            }
        }
        double epochs = 0;
        for (int k = 0; k < COPIES; k++) {
            try (Network net = Network.create(p.spec(), p.weights())) {
                var r = Trainer.train(net, train, null, finetune.withSeed(seed.derive("yardstick", k).value()),
                        teacher, TrainListener.SILENT);
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

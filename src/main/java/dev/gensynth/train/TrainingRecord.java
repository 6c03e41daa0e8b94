package dev.gensynth.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.Normalization;
import dev.gensynth.provenance.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a model directory's weights came to be ({@code training.json}): the data, the
 * normalisation its inputs need, the recipe, the per-epoch history, and the provenance of the
 * training (build, engines, machine, threads, kernels). {@code evaluate} reads it to feed the
 * network the same kind of inputs it was trained on.
 *
 * @param provenance null until {@link #save} stamps it, and in files written before it was recorded
 */
public record TrainingRecord(DataSource data, Normalization normalization, TrainConfig recipe,
        List<TrainResult.EpochStats> history, double seconds, double imagesPerSecond, Provenance provenance) {
    public static final String FILE = "training.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The record of a training just done, to {@link #save} right away. */
    public TrainingRecord(DataSource data, Normalization normalization, TrainConfig recipe,
            List<TrainResult.EpochStats> history, double seconds, double imagesPerSecond) {
        this(data, normalization, recipe, history, seconds, imagesPerSecond, null);
    }

    /** Writes {@code training.json}, with the provenance of this write (the training just ended in this process). */
    public void save(Path modelDir) {
        try {
            Files.createDirectories(modelDir);
            JSON.writeValue(modelDir.resolve(FILE).toFile(), new TrainingRecord(data, normalization, recipe, history,
                    seconds, imagesPerSecond, Provenance.current()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<TrainingRecord> load(Path modelDir) {
        Path f = modelDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), TrainingRecord.class));
        } catch (IOException e) {
            throw new UserError("training record " + f + " cannot be read: " + e.getMessage());
        }
    }
}

package dev.gensynth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.spec.Shape;
import dev.gensynth.train.Recipes;
import dev.gensynth.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The training recipe: the project's default, a YAML file, or single settings overriding either. */
public final class RecipeOptions {
    @Option(names = "--recipe", description = "YAML/JSON training recipe (fields of TrainConfig).")
    Path file;

    @Option(names = "--epochs", description = "Full passes over the training split (default 10).")
    Double epochs;

    @Option(names = "--batch-size", description = "Batch size (default 128).")
    Integer batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default 0.1 for SGD).")
    Double lr;

    @Option(names = "--seed", description = "Seed of initial weights, shuffling and augmentation (default 42).")
    Long seed;

    @Option(names = "--augment", description = "Random crop with 2-pixel padding, and horizontal flips for natural "
            + "colour images (cifar10, or a folder with a 3-channel --image-size).")
    boolean augment;

    @Option(names = "--image-size", defaultValue = "1x28x28",
            description = "CxHxW images of a 'folder' or 'voc' dataset are converted to. Default: ${DEFAULT-VALUE}.")
    String imageSize;

    Shape folderShape() {
        return InspectCommand.parseShape(imageSize);
    }

    /** The recipe for training on {@code data}, which decides whether --augment flips. */
    TrainConfig config(DataSource data) {
        TrainConfig c = file == null ? TrainConfig.defaults() : read(file);
        if (epochs != null) {
            c = c.withEpochs(epochs);
        }
        if (batchSize != null) {
            c = c.withBatchSize(batchSize);
        }
        if (lr != null) {
            c = c.withLearningRate(lr);
        }
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (augment) {
            c = c.withAugmentation(2, data.naturalColourImages(folderShape()));
        }
        return c;
    }

    static TrainConfig read(Path f) {
        if (!Files.isRegularFile(f)) {
            throw new UserError("recipe file " + f + " does not exist");
        }
        try {
            return Recipes.merge(TrainConfig.defaults(), new ObjectMapper(new YAMLFactory()).readTree(f.toFile()),
                    "recipe file " + f);
        } catch (IOException e) {
            throw new UserError("recipe file " + f + " is not valid YAML or JSON: " + e.getMessage().split("\n")[0]);
        }
    }
}

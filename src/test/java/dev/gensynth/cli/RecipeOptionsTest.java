package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code train}'s recipe options make of the command line. */
class RecipeOptionsTest {
    static TrainConfig recipe(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c.recipe.config(c.data.source());
    }

    @Test
    void augmentFlipsNaturalColourImagesOnly() {
        // decided by the dataset, not by --image-size (which only folders use)
        assertThat(recipe("--dataset", "cifar10", "--augment").horizontalFlip()).isTrue();
        assertThat(recipe("--dataset", "folder", "--data", "imgs", "--image-size", "3x32x32", "--augment")
                .horizontalFlip()).isTrue();
        assertThat(recipe("--dataset", "folder", "--data", "imgs", "--augment").horizontalFlip()).isFalse();
        assertThat(recipe("--dataset", "mnist", "--augment").horizontalFlip()).isFalse();
        assertThat(recipe("--augment")).extracting(TrainConfig::horizontalFlip, TrainConfig::cropPadding)
                .containsExactly(false, 2);
        assertThat(recipe("--dataset", "cifar10")).extracting(TrainConfig::horizontalFlip, TrainConfig::cropPadding)
                .containsExactly(false, 0);
    }
}

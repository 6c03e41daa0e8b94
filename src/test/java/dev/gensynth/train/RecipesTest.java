package dev.gensynth.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a fine-tuning recipe adapts to the size of the training split. */
class RecipesTest {
    @Test
    void aFinetuneOnFewImagesGetsASmallerBatchForItsUpdatesAndKeepsItsEpochs() {
        TrainConfig twoEpochs = TrainConfig.defaults().withEpochs(2).withBatchSize(128);
        // 1,020 images: 15 updates at 128; 2,040 passes / 60 = 34, down to a multiple of 8: 32 (63 updates)
        assertThat(Recipes.finetuneOn(twoEpochs, 1020)).isEqualTo(twoEpochs.withBatchSize(32));
        // Fashion-MNIST's 54,000: 843 updates, nothing changes
        assertThat(Recipes.finetuneOn(twoEpochs, 54_000)).isSameAs(twoEpochs);
        // exactly 60 updates: nothing changes
        assertThat(Recipes.finetuneOn(twoEpochs, 3840)).isSameAs(twoEpochs);
        // too few images for 60 updates even at 16: 16
        assertThat(Recipes.finetuneOn(twoEpochs, 100).batchSize()).isEqualTo(16);
        // a batch already as small is kept
        TrainConfig small = twoEpochs.withBatchSize(8);
        assertThat(Recipes.finetuneOn(small, 100)).isSameAs(small);
        assertThat(Recipes.finetuneOn(twoEpochs, 1020).epochs()).isEqualTo(2.0);
    }
}

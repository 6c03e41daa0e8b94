package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gensynth.spec.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourceTest {
    @Test
    void aFolderWithoutATestFolderHoldsOutATestSplitThatIsNotTheValidationSplit(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("imgs");
        for (String c : List.of("a", "b")) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < 20; i++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setSample(i % 8, i / 8 % 8, 0, 10 * i + (c.equals("a") ? 0 : 5));
                javax.imageio.ImageIO.write(img, "png", root.resolve(c).resolve(i + ".png").toFile());
            }
        }
        DataSource.Data one = new DataSource("folder", root, 0.25, 1).load(Shape.of(1, 8, 8));
        DataSource.Data other = new DataSource("folder", root, 0.25, 2).load(Shape.of(1, 8, 8));
        assertThat(one.test().size()).isEqualTo(10); // a quarter of 40, half of each class
        assertThat(one.train().size() + one.validation().size() + one.test().size()).isEqualTo(40);
        // the same test images whatever the run's seed (only their normalisation follows the train split);
        // none of them in the validation split
        assertThat(keys(other.test())).isEqualTo(keys(one.test()));
        assertThat(keys(one.test())).doesNotContainAnyElementsOf(keys(one.validation()))
                .doesNotContainAnyElementsOf(keys(one.train()));
        assertThat(keys(other.validation())).isNotEqualTo(keys(one.validation()));
    }

    /** Each image by its bright pixel and its class (every image of the fixture differs in one of them). */
    private static List<Integer> keys(Dataset d) {
        List<Integer> k = new java.util.ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            int best = 0;
            for (int p = 1; p < 64; p++) {
                if (d.x()[i * 64 + p] > d.x()[i * 64 + best]) {
                    best = p;
                }
            }
            k.add(best * 2 + d.y()[i]);
        }
        return k;
    }
}

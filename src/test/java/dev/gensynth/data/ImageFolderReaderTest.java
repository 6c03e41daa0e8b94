package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    @TempDir
    Path tmp;

    private static void solid(Path file, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** Two classes x three images: "bird" is pure red, "cat" pure blue. */
    private Path twoClasses() throws IOException {
        Path root = tmp.resolve("pets");
        for (int i = 0; i < 3; i++) {
            solid(root.resolve("cat/" + i + ".png"), 8, 6, 0x0000FF);
            solid(root.resolve("bird/" + i + ".PNG"), 3 + i, 5, 0xFF0000);
        }
        Files.writeString(root.resolve("cat/README.txt"), "ignored");
        return root;
    }

    @Test
    void readsRgbWithSortedClassesAndResizes() throws IOException {
        Dataset d = ImageFolderReader.read(twoClasses(), Shape.of(3, 4, 4));
        assertThat(d.classNames()).containsExactly("bird", "cat");
        assertThat(d.y()).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(d.sampleShape().dims()).containsExactly(3, 4, 4);
        float[] bird = d.sample(0);
        float[] cat = d.sample(5);
        for (int p = 0; p < 16; p++) {
            assertThat(bird[p]).isEqualTo(1f);
            assertThat(bird[32 + p]).isZero();
            assertThat(cat[p]).isZero();
            assertThat(cat[32 + p]).isEqualTo(1f);
        }
    }

    @Test
    void convertsToGreyLuminance() throws IOException {
        Dataset d = ImageFolderReader.read(twoClasses(), Shape.of(1, 2, 2));
        assertThat(d.sample(0)[0]).isCloseTo(0.299f, offset(1e-5f));
        assertThat(d.sample(3)[0]).isCloseTo(0.114f, offset(1e-5f));
    }

    @Test
    void keepsGreyValuesExactAndResizesBilinearly() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 128);
        Path file = tmp.resolve("g/only/a.png");
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());

        Dataset same = ImageFolderReader.read(tmp.resolve("g"), Shape.of(1, 1, 2));
        assertThat(same.x()).containsExactly(0f, 128 / 255f);
        Dataset wide = ImageFolderReader.read(tmp.resolve("g"), Shape.of(3, 1, 4));
        float v = 128 / 255f;
        assertThat(wide.x()).containsExactly(new float[] {0, v / 4, 3 * v / 4, v, 0, v / 4, 3 * v / 4, v,
                0, v / 4, 3 * v / 4, v}, offset(1e-6f));
    }

    @Test
    void emptyClassFolderIsAUserError() throws IOException {
        Path root = twoClasses();
        Path empty = Files.createDirectories(root.resolve("dog"));
        assertThatThrownBy(() -> ImageFolderReader.read(root, Shape.of(3, 4, 4)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("image folder " + empty + " holds no PNG or JPEG images");
    }

    @Test
    void rootWithoutSubfoldersIsAUserError() throws IOException {
        Files.writeString(tmp.resolve("a.png"), "x");
        assertThatThrownBy(() -> ImageFolderReader.read(tmp, Shape.of(1, 4, 4)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("no class sub-folders");
    }

    @Test
    void missingRootIsAUserError() {
        assertThatThrownBy(() -> ImageFolderReader.read(tmp.resolve("nope"), Shape.of(1, 4, 4)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        Path root = twoClasses();
        Path bad = Files.writeString(root.resolve("cat/broken.jpg"), "not a jpeg");
        assertThatThrownBy(() -> ImageFolderReader.read(root, Shape.of(3, 4, 4)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void rejectsUnsupportedChannelCounts() {
        assertThatThrownBy(() -> ImageFolderReader.read(tmp, Shape.of(4, 8, 8)))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("1- or 3-channel");
    }
}

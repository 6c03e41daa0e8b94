package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocSegmentationTest {
    /** The real VOC sample of Debian's labelme-examples (bin/setup installs it): three annotated photos. */
    static final Path LABELME = Path.of("/usr/share/doc/labelme-examples/examples/semantic_segmentation/"
            + "data_dataset_voc");
    static final List<String> NAMES = List.of("2011_000003", "2011_000006", "2011_000025");

    static Path labelme() {
        assertThat(LABELME).as("labelme-examples is installed (bin/setup installs it)").isDirectory();
        return LABELME;
    }

    /** labelme's own class array beside each PNG (SegmentationClass/NAME.npy, int32, -1 = ignore). */
    static int[] npy(Path f) throws IOException {
        byte[] b = Files.readAllBytes(f);
        int header = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertThat(new String(b, 10, header)).contains("'<i4'").contains("'fortran_order': False");
        ByteBuffer data = ByteBuffer.wrap(b, 10 + header, b.length - 10 - header).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[data.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getInt();
        }
        return out;
    }

    @Test
    void theMasksAreLabelmesClassArrays() throws IOException {
        Path root = labelme();
        List<String> classes = VocSegmentation.classNames(root);
        assertThat(classes).hasSize(21).startsWith("_background_", "aeroplane").endsWith("tv/monitor");
        for (String n : NAMES) {
            int[][] mask = VocSegmentation.readMask(root.resolve("SegmentationClassPNG").resolve(n + ".png"), 21);
            int[] truth = npy(root.resolve("SegmentationClass").resolve(n + ".npy"));
            assertThat(truth).hasSize(mask.length * mask[0].length);
            for (int r = 0; r < mask.length; r++) {
                for (int c = 0; c < mask[0].length; c++) {
                    int t = truth[r * mask[0].length + c];
                    if (mask[r][c] != (t < 0 ? 255 : t)) {
                        throw new AssertionError(n + " pixel (" + c + ", " + r + "): " + mask[r][c] + " vs " + t);
                    }
                }
            }
        }
    }

    @Test
    void readsTheSampleAtTheNetworksInputSize() {
        Dataset d = VocSegmentation.read(labelme(), Shape.of(3, 64, 64), null);
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.classes()).isEqualTo(21);
        assertThat(d.sampleShape()).isEqualTo(Shape.of(3, 64, 64));
        Targets.Masks m = (Targets.Masks) d.targets();
        // 2011_000003: person (15) and bottle (5) on background, some pixels ignored; 2011_000025: bus (6) and car (7)
        boolean[][] seen = new boolean[3][256];
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < m.area(); p++) {
                seen[i][m.at(i, p)] = true;
            }
        }
        assertThat(seen[0][15] && seen[0][0] && seen[0][255]).isTrue();
        assertThat(seen[2][6] && seen[2][7] && !seen[2][255]).isTrue();
        assertThat(d.y()).containsExactly(15, 9, 6); // each image's most frequent object class
        for (float v : d.x()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void listsPickTheirImages(@TempDir Path dir) throws IOException {
        Path root = copyOfLabelme(dir);
        Path lists = Files.createDirectories(root.resolve("ImageSets/Segmentation"));
        Files.writeString(lists.resolve("train.txt"), "2011_000003\n2011_000025\n");
        Files.writeString(lists.resolve("val.txt"), "2011_000006\n");
        assertThat(VocSegmentation.hasLists(root)).isTrue();
        Dataset train = VocSegmentation.read(root, Shape.of(1, 32, 32), "train");
        assertThat(train.size()).isEqualTo(2);
        assertThat(train.name()).endsWith("/train");
        assertThat(VocSegmentation.read(root, Shape.of(1, 32, 32), "val").y()).containsExactly(9);
        Files.delete(root.resolve("class_names.txt"));
        assertThat(VocSegmentation.read(root, Shape.of(1, 32, 32), "val").classNames())
                .isEqualTo(VocSegmentation.VOC_CLASSES);
    }

    @Test
    void badInputIsNamed(@TempDir Path dir) throws IOException {
        Path root = copyOfLabelme(dir);
        assertThatThrownBy(() -> VocSegmentation.read(dir.resolve("nothing"), Shape.of(3, 32, 32), null))
                .isInstanceOf(UserError.class).hasMessageContaining("no JPEGImages/");
        assertThatThrownBy(() -> VocSegmentation.read(root, Shape.of(4, 32, 32), null))
                .hasMessageContaining("1- or 3-channel");
        Files.delete(root.resolve("JPEGImages/2011_000006.jpg"));
        assertThatThrownBy(() -> VocSegmentation.read(root, Shape.of(3, 32, 32), null)).isInstanceOf(UserError.class)
                .hasMessageContaining("2011_000006 has no image");
        Files.writeString(root.resolve("class_names.txt"), "_background_\nperson\n");
        Files.delete(root.resolve("SegmentationClassPNG/2011_000006.png"));
        assertThatThrownBy(() -> VocSegmentation.read(root, Shape.of(3, 32, 32), null)).isInstanceOf(UserError.class)
                .hasMessageContaining("2011_000003.png has class 15 at pixel").hasMessageContaining("2 classes");
        BufferedImage rgb = new BufferedImage(500, 338, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", root.resolve("SegmentationClassPNG/2011_000003.png").toFile());
        assertThatThrownBy(() -> VocSegmentation.readMask(root.resolve("SegmentationClassPNG/2011_000003.png"), 2))
                .hasMessageContaining("is a colour image");
        BufferedImage small = new BufferedImage(50, 30, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(small, "png", root.resolve("SegmentationClassPNG/2011_000003.png").toFile());
        assertThatThrownBy(() -> VocSegmentation.read(root, Shape.of(3, 32, 32), null))
                .hasMessageContaining("is 50x30 but its image");
        Path lists = Files.createDirectories(root.resolve("ImageSets/Segmentation"));
        Files.writeString(lists.resolve("train.txt"), "missing_one\n2011_000025\n");
        assertThatThrownBy(() -> VocSegmentation.read(root, Shape.of(3, 32, 32), "train"))
                .hasMessageContaining("missing_one has no image");
    }

    /** The sample's images, PNG masks and class names in a folder of our own (the package's is read-only). */
    static Path copyOfLabelme(Path dir) throws IOException {
        Path root = dir.resolve("voc");
        for (String sub : List.of("JPEGImages", "SegmentationClassPNG")) {
            Files.createDirectories(root.resolve(sub));
            for (String n : NAMES) {
                String f = n + (sub.equals("JPEGImages") ? ".jpg" : ".png");
                Files.copy(labelme().resolve(sub).resolve(f), root.resolve(sub).resolve(f));
            }
        }
        Files.copy(labelme().resolve("class_names.txt"), root.resolve("class_names.txt"));
        return root;
    }
}

package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gensynth.UserError;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoDetectionTest {
    /** labelme-examples' COCO export (bin/setup installs it): three photos, twelve objects. */
    static final Path LABELME = Path.of("/usr/share/doc/labelme-examples/examples/instance_segmentation/"
            + "data_dataset_coco/annotations.json");

    @TempDir
    Path dir;

    @Test
    void readsLabelmesSample() {
        assumeTrue(Files.isRegularFile(LABELME), "labelme-examples is not installed (bin/setup installs it)");
        CocoDetection c = CocoDetection.read(LABELME);
        DetectionSet s = c.set();
        assertThat(s.convention()).isEqualTo(IouConvention.CONTINUOUS);
        // categories 0.._background_ .. 20 tv/monitor: the background is dropped, ids 1..20 become 0..19
        assertThat(s.classes()).hasSize(20).startsWith("aeroplane").endsWith("tv/monitor")
                .doesNotContain("_background_");
        assertThat(c.categoryIds()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
        assertThat(c.classOf(15)).isEqualTo(14);
        assertThat(s.classes().get(14)).isEqualTo("person");
        assertThat(c.classOf(0)).isEqualTo(-1);
        // the file's order: ids 0, 1, 2
        assertThat(s.images()).extracting(DetectionImage::name).containsExactly("JPEGImages/2011_000003.jpg",
                "JPEGImages/2011_000025.jpg", "JPEGImages/2011_000006.jpg");
        assertThat(c.imageIds()).containsEntry("JPEGImages/2011_000003.jpg", 0L)
                .containsEntry("JPEGImages/2011_000006.jpg", 2L).hasSize(3);
        assertThat(s.images()).extracting(i -> i.objects().size()).containsExactly(3, 3, 6);
        assertThat(s.groundTruths()).hasSize(12).noneMatch(GroundTruth::crowd).noneMatch(GroundTruth::difficult);

        DetectionImage first = s.images().get(0);
        assertThat(first.file()).isEqualTo(LABELME.getParent().resolve("JPEGImages/2011_000003.jpg"));
        assertThat(first.file()).isRegularFile();
        assertThat(first.width()).isEqualTo(500);
        assertThat(first.height()).isEqualTo(338);
        assertThat(first.objects()).extracting(GroundTruth::label).containsExactly("person", "person", "bottle");
        // annotation 0, bbox [191, 107, 123, 221]
        assertThat(first.objects().get(0)).isEqualTo(new GroundTruth("JPEGImages/2011_000003.jpg", "person",
                new Box(191, 107, 314, 328)));
        // annotation 4, bbox [0, 96, 109, 188]: on the left edge
        assertThat(s.images().get(1).objects().get(1).box()).isEqualTo(new Box(0, 96, 109, 284));
        DetectionImage last = s.images().get(2);
        assertThat(last.objects()).extracting(GroundTruth::label)
                .containsExactly("person", "person", "person", "chair", "person", "sofa");
        // annotation 9, bbox [149, 193, 350, 182]: down to the bottom edge, y + h = 375 = height
        assertThat(last.objects().get(3).box()).isEqualTo(new Box(149, 193, 499, 375));
    }

    static final String CATEGORIES = "[{\"id\": 90, \"name\": \"cat\"}, {\"id\": 3, \"name\": \"dog\"}]";

    /** {@code dir/a.json}: one 100x50 image a.jpg (id 7, an empty file: only existence matters), these annotations. */
    Path coco(String... annotations) throws IOException {
        Files.write(dir.resolve("a.jpg"), new byte[0]);
        return write("{\"images\": [{\"id\": 7, \"file_name\": \"a.jpg\", \"width\": 100, \"height\": 50}],\n"
                + "\"annotations\": [" + String.join(",\n", annotations) + "],\n\"categories\": " + CATEGORIES + "}\n");
    }

    Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("a.json"), json);
    }

    static String ann(int id, String rest) {
        return "{\"id\": " + id + ", \"image_id\": 7, \"area\": 1, \"segmentation\": [], " + rest + "}";
    }

    @Test
    void sparseIdsCrowdsAndRoundingTolerance() throws IOException {
        Path json = coco(ann(5, "\"category_id\": 90, \"bbox\": [-0.5, 0.25, 101, 50.5]"),
                ann(6, "\"category_id\": 3, \"bbox\": [10, 20, 30, 5], \"iscrowd\": 1"));
        CocoDetection c = CocoDetection.read(json);
        assertThat(c.set().classes()).containsExactly("dog", "cat"); // id order, not file order
        assertThat(c.categoryIds()).containsExactly(3L, 90L);
        assertThat(c.classOf(90)).isEqualTo(1);
        assertThat(c.imageIds()).containsExactly(Map.entry("a.jpg", 7L));
        assertThat(c.set().images().get(0).objects()).containsExactly(
                new GroundTruth("a.jpg", "cat", new Box(-0.5, 0.25, 100.5, 50.75)), // kept, not clamped
                new GroundTruth("a.jpg", "dog", new Box(10, 20, 40, 25), false, true));
    }

    @Test
    void imagesResolveAgainstAGivenRoot() throws IOException {
        Path json = coco();
        Path images = Files.createDirectories(dir.resolve("elsewhere"));
        assertThatThrownBy(() -> CocoDetection.read(json, images)).isInstanceOf(UserError.class)
                .hasMessageContaining(json.toString()).hasMessageContaining("images[0] (id 7)")
                .hasMessageContaining(images.resolve("a.jpg").toString());
        Files.write(images.resolve("a.jpg"), new byte[0]);
        assertThat(CocoDetection.read(json, images).set().images().get(0).file()).isEqualTo(images.resolve("a.jpg"));
    }

    void fails(Path json, String... parts) {
        assertThatThrownBy(() -> CocoDetection.read(json)).isInstanceOf(UserError.class)
                .hasMessageContaining(json.toString()).hasMessageContainingAll(parts);
    }

    @Test
    void aBoxPastTheEdgeBeyondTheTolerance() throws IOException {
        Path json = coco(ann(5, "\"category_id\": 3, \"bbox\": [1, 1, 2, 2]"),
                ann(6, "\"category_id\": 3, \"bbox\": [60, 0, 41.5, 10]"));
        fails(json, "annotations[1] (id 6) of class 'dog' on a.jpg", "[60,0,41.5,10]", "100x50");
        fails(coco(ann(8, "\"category_id\": 90, \"bbox\": [-1.5, 0, 10, 10]")), "annotations[0] (id 8) of class 'cat'",
                "[-1.5,0,10,10]");
        fails(coco(ann(9, "\"category_id\": 90, \"bbox\": [10, 40, 10, 11.5]")), "(id 9)", "[10,40,10,11.5]");
    }

    @Test
    void anEmptyBox() throws IOException {
        fails(coco(ann(5, "\"category_id\": 3, \"bbox\": [10, 10, 0, 5]")), "annotations[0] (id 5)",
                "[10,10,0,5]", "width > 0");
    }

    @Test
    void anUnknownCategory() throws IOException {
        fails(coco(ann(5, "\"category_id\": 4, \"bbox\": [1, 1, 2, 2]")), "annotations[0] (id 5)", "category_id 4");
    }

    @Test
    void anAnnotationOnAnImageThatIsNotListed() throws IOException {
        fails(coco("{\"id\": 5, \"image_id\": 8, \"category_id\": 3, \"bbox\": [1, 1, 2, 2]}"),
                "annotations[0] (id 5)", "image_id 8");
    }

    @Test
    void aMissingImageFile() throws IOException {
        Path json = coco();
        Files.delete(dir.resolve("a.jpg"));
        fails(json, "images[0] (id 7)", "a.jpg", dir.resolve("a.jpg").toString());
    }

    @Test
    void malformedJsonGivesTheParsersLine() throws IOException {
        fails(write("{\"images\": [],\n\"annotations\": [\n{\"id\": 1,,}]}"), "not valid JSON", "line 3");
    }

    @Test
    void missingFieldsAreNamed() throws IOException {
        fails(coco(ann(5, "\"category_id\": 3")), "annotations[0] (id 5) of class 'dog' on a.jpg has no \"bbox\"");
        fails(coco("{\"image_id\": 7, \"category_id\": 3, \"bbox\": [1, 1, 2, 2]}"), "annotations[0] has no \"id\"");
        fails(write("{\"images\": [{\"id\": 7, \"file_name\": \"a.jpg\", \"height\": 50}], \"annotations\": [], "
                + "\"categories\": " + CATEGORIES + "}"), "images[0] (id 7) has no \"width\"");
        fails(write("{\"images\": [], \"categories\": " + CATEGORIES + "}"), "no \"annotations\"");
    }

    @Test
    void badValuesAreNamed() throws IOException {
        fails(coco(ann(5, "\"category_id\": 3, \"bbox\": [1, 1, 2, 2], \"iscrowd\": 2")), "(id 5)", "\"iscrowd\": 2");
        fails(coco(ann(5, "\"category_id\": 3, \"bbox\": [1, 1, 2]")), "(id 5)", "[x, y, width, height]");
        fails(coco(ann(5, "\"category_id\": \"dog\", \"bbox\": [1, 1, 2, 2]")), "(id 5)", "\"category_id\": \"dog\"");
        fails(write("{\"images\": [], \"annotations\": [], \"categories\": [{\"id\": 1, \"name\": \"a\"}, "
                + "{\"id\": 1, \"name\": \"b\"}]}"), "categories[1] (id 1, 'b')", "repeats id 1");
    }
}

package dev.gensynth.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gensynth.UserError;
import dev.gensynth.spec.Shape;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDetectionTest {
    /** labelme-examples' VOC detection sample (bin/setup installs it): three photos, nine boxes. */
    static final Path LABELME = Path.of("/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc");

    @TempDir
    Path dir;

    static Path labelme() {
        assumeTrue(Files.isDirectory(LABELME), "labelme-examples is not installed (bin/setup installs it)");
        return LABELME;
    }

    @Test
    void readsLabelmesSample() {
        DetectionSet s = VocDetection.read(labelme(), null);
        assertThat(s.convention()).isEqualTo(IouConvention.PIXEL_INCLUSIVE);
        // class_names.txt: _background_ then labelme's spelling of VOC's 20
        assertThat(s.classes()).hasSize(20).startsWith("aeroplane", "bicycle").endsWith("train", "tv/monitor")
                .contains("potted plant").doesNotContain("_background_");
        assertThat(s.images()).extracting(DetectionImage::name)
                .containsExactly("2011_000003", "2011_000006", "2011_000025");
        assertThat(s.images()).extracting(i -> i.objects().size()).containsExactly(2, 4, 3);
        assertThat(s.groundTruths()).hasSize(9).noneMatch(GroundTruth::difficult).noneMatch(GroundTruth::crowd);

        DetectionImage first = s.images().get(0);
        assertThat(first.file()).isEqualTo(LABELME.resolve("JPEGImages/2011_000003.jpg"));
        assertThat(first.width()).isEqualTo(500);
        assertThat(first.height()).isEqualTo(338);
        // labelme's fractional corners, exactly as written
        assertThat(first.objects().get(0)).isEqualTo(new GroundTruth("2011_000003", "person",
                new Box(191.0, 107.36900369003689, 313.0, 329.36900369003695)));
        assertThat(first.objects().get(1).box()).isEqualTo(new Box(365, 83, 500, 333)); // xmax = width
        DetectionImage buses = s.images().get(2);
        assertThat(buses.height()).isEqualTo(375);
        assertThat(buses.objects()).extracting(GroundTruth::label).containsExactly("bus", "bus", "car");
        assertThat(buses.objects().get(1).box()).isEqualTo(new Box(1, 99, 107, 282)); // xmin = 1, the first pixel
        assertThat(s.images().get(1).objects()).extracting(GroundTruth::label).containsOnly("person");
    }

    @Test
    void theSampleBecomesADatasetWithItsBoxesCarriedIntoTheResizedImages() {
        DetectionSet s = VocDetection.read(labelme(), null);
        Dataset d = s.dataset(Shape.of(3, 50, 40), "voc-det");
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.sampleShape()).isEqualTo(Shape.of(3, 50, 40));
        assertThat(d.classNames()).isEqualTo(s.classes());
        Targets.Boxes b = (Targets.Boxes) d.targets();
        // 2011_000003 is 500x338: x scales by 40/500, y by 50/338; VOC's pixels x1..x2 cover [x1 - 1, x2]
        Targets.Boxes.Labelled person = b.of(0).get(0);
        assertThat(person.classIndex()).isEqualTo(s.classIndex("person"));
        assertThat(person.box().x1()).isCloseTo(190.0 * 40 / 500, within(1e-9));
        assertThat(person.box().y1()).isCloseTo((107.36900369003689 - 1) * 50 / 338, within(1e-9));
        assertThat(person.box().x2()).isCloseTo(313.0 * 40 / 500, within(1e-9));
        assertThat(person.box().y2()).isCloseTo(329.36900369003695 * 50 / 338, within(1e-9));
        assertThat(b.of(0).get(1).box().x2()).isEqualTo(40.0); // xmax = width: the image's right edge
        assertThat(b.of(2).get(1).box().x1()).isEqualTo(0.0); // xmin = 1, the first pixel: the left edge
        assertThat(b.classes()).hasSize(9);
        assertThat(d.y()[1]).isEqualTo(s.classIndex("person"));
        assertThat(d.y()[2]).isEqualTo(s.classIndex("bus")); // two buses and a car
    }

    @Test
    void theSampleHasNoListsSoAskingForOneIsAnError() {
        assertThat(VocDetection.hasList(labelme(), "train")).isFalse();
        assertThatThrownBy(() -> VocDetection.read(labelme(), "train")).isInstanceOf(UserError.class)
                .hasMessageContaining("ImageSets/Main/train.txt");
    }

    static String object(String name, String extra, double x1, double y1, double x2, double y2) {
        return "<object><name>" + name + "</name><truncated>0</truncated>" + extra + "<bndbox><xmin>" + x1
                + "</xmin><ymin>" + y1 + "</ymin><xmax>" + x2 + "</xmax><ymax>" + y2 + "</ymax></bndbox></object>\n";
    }

    /** {@code dir} as a VOC set of one 100x50 image, a.jpg (empty: only its existence matters), with these objects. */
    Path voc(String... objects) throws IOException {
        Files.createDirectories(dir.resolve("Annotations"));
        Files.createDirectories(dir.resolve("JPEGImages"));
        Files.write(dir.resolve("JPEGImages/a.jpg"), new byte[0]);
        Files.writeString(dir.resolve("Annotations/a.xml"), "<annotation>\n<folder>VOC</folder>\n"
                + "<filename>a.jpg</filename>\n<size><width>100</width><height>50</height><depth>3</depth></size>\n"
                + String.join("", objects) + "</annotation>\n");
        return dir.resolve("Annotations/a.xml");
    }

    @Test
    void readsFlagsListsAndTheImagesEdges() throws IOException {
        voc(object("dog", "<difficult>1</difficult>", 1, 1, 100, 50), object("cat", "", 7, 8, 7, 8));
        Files.createDirectories(dir.resolve("ImageSets/Main"));
        Files.writeString(dir.resolve("ImageSets/Main/val.txt"), "a\n\n");
        DetectionSet s = VocDetection.read(dir, "val");
        assertThat(s.classes()).isEqualTo(VocDetection.VOC_CLASSES).hasSize(20).doesNotContain("background");
        assertThat(s.images().get(0).objects()).containsExactly(
                new GroundTruth("a", "dog", new Box(1, 1, 100, 50), true, false),
                new GroundTruth("a", "cat", new Box(7, 8, 7, 8))); // one pixel, both corners included
    }

    @Test
    void labelmesMarkersAreNotClasses() throws IOException {
        voc(object("pony", "", 1, 1, 2, 2));
        Files.writeString(dir.resolve("class_names.txt"), "__ignore__\n_background_\npony\nunicorn\n");
        assertThat(VocDetection.read(dir, null).classes()).containsExactly("pony", "unicorn");
    }

    @Test
    void aBoxPastTheImageNamesFileAndObject() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 10, 10), object("dog", "", 50, 10, 101, 20));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 2 (dog)")
                .hasMessageContaining("xmax=101.0").hasMessageContaining("100x50");
    }

    @Test
    void aBoxAtTheEdgeOfALabelmeExportIsReadButANegativeOneIsOutside() throws IOException {
        // labelme's VOC export writes a rectangle drawn to the image's edge as xmin = 0
        voc(object("dog", "", 0, 0, 10, 10));
        assertThat(VocDetection.read(dir, null).images().get(0).objects().get(0).box().x1()).isZero();
        Path xml = voc(object("dog", "", -1, 5, 10, 10));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 1 (dog)")
                .hasMessageContaining("xmin=-1.0").hasMessageContaining("0 <= xmin");
    }

    @Test
    void anInvertedBoxIsEmpty() throws IOException {
        Path xml = voc(object("cat", "", 5, 30, 10, 29));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 1 (cat)")
                .hasMessageContaining("ymax=29.0").hasMessageContaining("empty");
    }

    @Test
    void anUnknownClassIsNamed() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 2, 2), object("pottedplant", "", 1, 1, 2, 2));
        Files.writeString(dir.resolve("class_names.txt"), "_background_\ndog\npotted plant\n");
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 2 (pottedplant)")
                .hasMessageContaining("[dog, potted plant]");
    }

    @Test
    void aMissingImageIsNamed() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 2, 2));
        Files.delete(dir.resolve("JPEGImages/a.jpg"));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("a.jpg")
                .hasMessageContaining(dir.resolve("JPEGImages").toString());
    }

    @Test
    void aListedNameWithoutAnnotationIsNamed() throws IOException {
        voc(object("dog", "", 1, 1, 2, 2));
        Files.createDirectories(dir.resolve("ImageSets/Main"));
        Files.writeString(dir.resolve("ImageSets/Main/train.txt"), "a\nb\n");
        assertThatThrownBy(() -> VocDetection.read(dir, "train")).isInstanceOf(UserError.class)
                .hasMessageContaining(dir.resolve("ImageSets/Main/train.txt").toString())
                .hasMessageContaining(dir.resolve("Annotations/b.xml").toString());
    }

    @Test
    void malformedXmlGivesTheParsersLine() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 2, 2));
        Files.writeString(xml, "<annotation>\n<size><width>100</width>\n<object><name>dog</nam></object>\n");
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("line 3");
    }

    @Test
    void externalEntitiesAreNeverRead() throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "hunter2");
        Path xml = voc(object("dog", "", 1, 1, 2, 2));
        Files.writeString(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE annotation [<!ENTITY s SYSTEM \""
                + secret.toUri() + "\">]>\n" + Files.readString(xml).replace("<folder>VOC", "<folder>&s;"));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("DOCTYPE")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMissingCoordinateNamesTheObject() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 2, 2).replaceAll("<ymax>.*</ymax>", ""));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 1 (dog) has no <ymax>");
    }

    @Test
    void aMissingSizeOrBadNumberIsNamed() throws IOException {
        Path xml = voc(object("dog", "", 1, 1, 2, 2));
        String text = Files.readString(xml);
        Files.writeString(xml, text.replace("<height>50</height>", ""));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("<height>");
        Files.writeString(xml, text.replace("<xmin>1.0</xmin>", "<xmin>one</xmin>"));
        assertThatThrownBy(() -> VocDetection.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(xml.toString()).hasMessageContaining("object 1 (dog) has <xmin>one</xmin>");
    }

    @Test
    void classNamesFromLabelmesFileKeepTheirOrder() throws IOException {
        voc();
        Files.writeString(dir.resolve("class_names.txt"), "_background_\nb\na\n");
        assertThat(VocDetection.classNames(dir)).isEqualTo(List.of("b", "a"));
        Files.writeString(dir.resolve("class_names.txt"), "a\nb\na\n");
        assertThatThrownBy(() -> VocDetection.classNames(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining(dir.resolve("class_names.txt").toString()).hasMessageContaining("'a' twice");
    }
}

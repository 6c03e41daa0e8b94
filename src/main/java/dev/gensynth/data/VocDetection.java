package dev.gensynth.data;

import dev.gensynth.UserError;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import java.util.Set;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads an object-detection set in the Pascal VOC layout, as VOC itself and labelme's
 * {@code labelme2voc.py} (its {@code bbox_detection} example) write it:
 * <ul>
 *   <li>{@code Annotations/NAME.xml}: VOC's XML, {@code <annotation>} with {@code <filename>},
 *       {@code <size>} ({@code <width>}, {@code <height>}; {@code <depth>} ignored) and one {@code <object>}
 *       per object: {@code <name>}, {@code <difficult>} (0 or 1; missing or empty, as labelme writes it,
 *       is 0) and {@code <bndbox>} with {@code <xmin>}, {@code <ymin>}, {@code <xmax>}, {@code <ymax>};
 *       {@code <truncated>} and {@code <pose>} are ignored;</li>
 *   <li>{@code JPEGImages/}: the images, JPEG or PNG, named by {@code <filename>} or else NAME.jpg,
 *       .jpeg or .png; only checked to exist;</li>
 *   <li>{@code ImageSets/Main/train.txt}, {@code val.txt}, {@code trainval.txt}, {@code test.txt}, one
 *       name per line, when a list is asked for; otherwise every annotation is read;</li>
 *   <li>class names from {@code class_names.txt} (labelme's export) when present, else the 20 of VOC.</li>
 * </ul>
 * Box coordinates are kept exactly as in the file: VOC's are 1-based pixel indices with both corners
 * included (a box from xmin = 1 to xmax = 500 covers a 500-pixel-wide image), and metrics must read them as
 * {@link IouConvention#PIXEL_INCLUSIVE}. A box must satisfy 0 &lt;= xmin &lt;= xmax &lt;= width and
 * 0 &lt;= ymin &lt;= ymax &lt;= height (xmin = xmax is one pixel wide): VOC itself starts at 1, but labelme's
 * export writes its own corners, fractional and 0 for a rectangle drawn to the image's edge, and users have
 * such sets.
 */
public final class VocDetection {
    /** The 20 object classes of Pascal VOC, in the devkit's order. */
    public static final List<String> VOC_CLASSES = VocSegmentation.VOC_CLASSES.subList(1, 21);
    /**
     * labelme's markers in its label files, not object classes: {@code labels.txt} starts with both,
     * the exported {@code class_names.txt} with {@code _background_}.
     */
    static final Set<String> NOT_CLASSES = Set.of("__ignore__", "_background_");

    private VocDetection() {
    }

    /** Whether {@code root} has list {@code ImageSets/Main/LIST.txt}. */
    public static boolean hasList(Path root, String list) {
        return Files.isRegularFile(listFile(root, list));
    }

    private static Path listFile(Path root, String list) {
        return root.resolve("ImageSets").resolve("Main").resolve(list + ".txt");
    }

    /** The images of {@code ImageSets/Main/LIST.txt}, or of every annotation when {@code list} is null. */
    public static DetectionSet read(Path root, String list) {
        Path annotations = root.resolve("Annotations");
        Path images = root.resolve("JPEGImages");
        for (Path d : List.of(annotations, images)) {
            if (!Files.isDirectory(d)) {
                throw new UserError("VOC detection set " + root + " has no " + d.getFileName() + "/ folder; pass a "
                        + "folder with Annotations/ (one VOC XML file per image) and JPEGImages/.");
            }
        }
        List<String> classes = classNames(root);
        List<String> names = list == null ? DataFiles.stems(annotations, ".xml")
                : DataFiles.listed(listFile(root, list),
                        "ImageSets/Main/train.txt, val.txt, trainval.txt and test.txt");
        if (names.isEmpty()) {
            throw new UserError("VOC detection set " + root + " has no " + (list == null ? "XML files in "
                    + annotations : "names in " + listFile(root, list)) + "; add some.");
        }
        List<DetectionImage> out = new ArrayList<>();
        for (String n : names) {
            Path xml = annotations.resolve(n + ".xml");
            if (!Files.isRegularFile(xml)) {
                throw new UserError(listFile(root, list) + " lists " + n + " but there is no " + xml
                        + "; add the annotation or remove " + n + " from the list.");
            }
            out.add(readAnnotation(xml, n, images, classes));
        }
        String name = (root.getFileName() == null ? root.toString() : root.getFileName().toString())
                + (list == null ? "" : "/" + list);
        return new DetectionSet(name, classes, out, IouConvention.PIXEL_INCLUSIVE);
    }

    /**
     * Class names from {@code class_names.txt}, one per line, without labelme's {@code __ignore__} and
     * {@code _background_}; else VOC's 20. Names are matched exactly (labelme's sample says
     * "potted plant" and "tv/monitor" where VOC says "pottedplant" and "tvmonitor").
     */
    static List<String> classNames(Path root) {
        Path f = root.resolve("class_names.txt");
        if (!Files.isRegularFile(f)) {
            return VOC_CLASSES;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : DataFiles.lines(f)) {
            String n = line.strip();
            if (!n.isEmpty() && !NOT_CLASSES.contains(n) && !names.add(n)) {
                throw new UserError(f + " names class '" + n + "' twice; each class goes on one line, once.");
            }
        }
        if (names.isEmpty()) {
            throw new UserError(f + " names no object class (only blank lines, __ignore__ or _background_); "
                    + "list the classes one per line.");
        }
        return List.copyOf(names);
    }

    /** One annotation file; {@code name} is what its objects' {@link GroundTruth#image()} will be. */
    static DetectionImage readAnnotation(Path xml, String name, Path images, List<String> classes) {
        Element root = VocXml.parse(xml);
        if (!root.getTagName().equals("annotation")) {
            throw new UserError(xml + " is not a VOC annotation: its root element is <" + root.getTagName()
                    + ">, not <annotation>.");
        }
        Element size = VocXml.required(root, "size", xml, "the annotation");
        int width = size(size, "width", xml);
        int height = size(size, "height", xml);
        Path image = image(xml, name, VocXml.text(VocXml.child(root, "filename")), images);
        List<GroundTruth> objects = new ArrayList<>();
        int k = 0;
        for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && e.getTagName().equals("object")) {
                k++;
                String label = VocXml.text(VocXml.required(e, "name", xml, "object " + k)).strip();
                String what = "object " + k + " (" + label + ")";
                if (!classes.contains(label)) {
                    throw new UserError(xml + ": " + what + " is of class '" + label + "', which is not one of the "
                            + classes.size() + " classes " + classes + "; fix the name, or add the class to "
                            + "class_names.txt beside Annotations/.");
                }
                Element b = VocXml.required(e, "bndbox", xml, what);
                double[] c4 = new double[4];
                String[] keys = {"xmin", "ymin", "xmax", "ymax"};
                for (int i = 0; i < 4; i++) {
                    c4[i] = VocXml.number(VocXml.required(b, keys[i], xml, what), xml, what);
                }
                if (!(c4[0] >= 0 && c4[1] >= 0 && c4[0] <= c4[2] && c4[1] <= c4[3] && c4[2] <= width
                        && c4[3] <= height)) {
                    throw new UserError(xml + ": " + what + " has box xmin=" + c4[0] + ", ymin=" + c4[1] + ", xmax="
                            + c4[2] + ", ymax=" + c4[3] + ", which is empty or outside its " + width + "x" + height
                            + " image. VOC boxes are pixel indices, both corners included: 0 <= xmin <= "
                            + "xmax <= width and 0 <= ymin <= ymax <= height.");
                }
                objects.add(new GroundTruth(name, label, new Box(c4[0], c4[1], c4[2], c4[3]),
                        difficult(VocXml.child(e, "difficult"), xml, what), false));
            }
        }
        return new DetectionImage(name, image, width, height, objects);
    }

    private static int size(Element size, String tag, Path xml) {
        double v = VocXml.number(VocXml.required(size, tag, xml, "the annotation"), xml, "the image");
        if (v < 1 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
            throw new UserError(xml + ": the image's <" + tag + "> is " + v + "; it must be a whole number of "
                    + "pixels, at least 1.");
        }
        return (int) v;
    }

    private static boolean difficult(Element e, Path xml, String what) {
        String s = VocXml.text(e);
        if (s.isEmpty() || s.equals("0")) {
            return false;
        }
        if (s.equals("1")) {
            return true;
        }
        throw new UserError(xml + ": " + what + " has <difficult>" + s + "</difficult>; it must be 0 or 1.");
    }

    /**
     * {@code <filename>} in {@code images} (its last path part: an image never lies outside JPEGImages/), else
     * NAME with an image extension there.
     */
    private static Path image(Path xml, String name, String filename, Path images) {
        List<String> tried = new ArrayList<>();
        if (!filename.isEmpty()) {
            tried.add(filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1));
        }
        for (String ext : List.of(".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG")) {
            tried.add(name + ext);
        }
        for (String t : tried) {
            if (Files.isRegularFile(images.resolve(t))) {
                return images.resolve(t);
            }
        }
        throw new UserError(xml + " annotates image " + (filename.isEmpty() ? name : filename) + " but " + images
                + " has none of " + new LinkedHashSet<>(tried) + "; add the image or remove the annotation.");
    }



}

package dev.gensynth.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gensynth.UserError;
import dev.gensynth.task.detection.Box;
import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * An object-detection set read from a COCO annotation file ({@code instances_*.json}, or labelme's
 * {@code labelme2coco.py} export), with the COCO ids its classes and images had.
 * <ul>
 *   <li>{@code images}: {@code id}, {@code file_name} (relative to the JSON's folder, or to a given image
 *       root; the file is only checked to exist), {@code width}, {@code height};</li>
 *   <li>{@code annotations}: {@code id}, {@code image_id}, {@code category_id}, {@code bbox} as
 *       {@code [x, y, width, height]} in continuous coordinates from the top-left corner, {@code iscrowd}
 *       (0 or 1, default 0); {@code area} and {@code segmentation} are ignored (only the "all" area range
 *       is evaluated, where the area does not matter);</li>
 *   <li>{@code categories}: {@code id}, {@code name}. Ids may be sparse (COCO's own run 1..90 with gaps):
 *       classes are numbered 0, 1, ... in increasing id order, and {@link #categoryIds()} keeps the ids.
 *       labelme's {@code _background_} (and {@code __ignore__}) categories are not object classes and are
 *       dropped.</li>
 * </ul>
 * Boxes are kept exactly as in the file, x1 = x, x2 = x + width ({@link Box#fromXywh}), to be measured as
 * {@link IouConvention#CONTINUOUS} as pycocotools does. A box must lie inside its image within
 * {@link #TOLERANCE}: converters round, or take the box of a polygon whose points sit a fraction past the
 * edge, and rejecting such a set over a fraction of a pixel would help no one; the box is not clamped, so
 * the evaluation sees what pycocotools would.
 *
 * @param set the images, their objects (labelled with category names) and the classes
 * @param categoryIds the COCO category id of each class, by class index
 * @param imageIds the COCO image id of each image, by {@link DetectionImage#name()} ({@code file_name})
 */
public record CocoDetection(DetectionSet set, List<Long> categoryIds, Map<String, Long> imageIds) {
    /** How far, in pixels, a box may reach past its image's edges. */
    public static final int TOLERANCE = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIELDS = "COCO gives every image id, file_name, width and height; every annotation "
            + "id, image_id, category_id and bbox; every category id and name";

    public CocoDetection {
        Objects.requireNonNull(set, "set");
        categoryIds = List.copyOf(categoryIds);
        imageIds = Map.copyOf(imageIds);
        if (categoryIds.size() != set.classes().size()) {
            throw new IllegalArgumentException(categoryIds.size() + " ids for " + set.classes().size() + " classes");
        }
    }

    /** The class index of COCO category {@code categoryId}, −1 if it is not an object class here. */
    public int classOf(long categoryId) {
        return categoryIds.indexOf(categoryId);
    }

    /** {@code json}, its image file names relative to its own folder. */
    public static CocoDetection read(Path json) {
        Path dir = json.toAbsolutePath().getParent();
        return read(json, dir);
    }

    /** {@code json}, its image file names relative to {@code imageRoot}. */
    public static CocoDetection read(Path json, Path imageRoot) {
        JsonNode root = parse(json);
        // categories: sorted by id, so that class indices follow the ids whatever the file's order
        TreeMap<Long, String> categories = new TreeMap<>();
        Set<String> categoryNames = new HashSet<>();
        JsonNode cs = array(root, "categories", json);
        for (int k = 0; k < cs.size(); k++) {
            JsonNode c = object(cs.get(k), json, "categories[" + k + "]");
            long id = whole(c, "id", json, "categories[" + k + "]");
            String name = text(c, "name", json, "categories[" + k + "] (id " + id + ")").strip();
            if (categories.containsKey(id) || (!VocDetection.NOT_CLASSES.contains(name) && !categoryNames.add(name))) {
                throw new UserError(json + ": categories[" + k + "] (id " + id + ", '" + name + "') repeats "
                        + (categories.containsKey(id) ? "id " + id : "name '" + name + "'") + " of an earlier "
                        + "category; each category needs its own id and name.");
            }
            categories.put(id, name);
        }
        categories.values().removeIf(VocDetection.NOT_CLASSES::contains);
        if (categories.isEmpty()) {
            throw new UserError(json + " has no object categories in \"categories\"; list each class as "
                    + "{\"id\": ..., \"name\": ...}.");
        }
        // images, in file order
        Map<Long, DetectionImage> images = new LinkedHashMap<>();
        Map<Long, List<GroundTruth>> objects = new LinkedHashMap<>();
        Map<String, Long> imageIds = new LinkedHashMap<>();
        JsonNode is = array(root, "images", json);
        for (int k = 0; k < is.size(); k++) {
            JsonNode i = object(is.get(k), json, "images[" + k + "]");
            long id = whole(i, "id", json, "images[" + k + "]");
            String where = "images[" + k + "] (id " + id + ")";
            String fileName = text(i, "file_name", json, where);
            int width = size(i, "width", json, where);
            int height = size(i, "height", json, where);
            if (images.containsKey(id) || imageIds.containsKey(fileName)) {
                throw new UserError(json + ": " + where + " repeats " + (images.containsKey(id) ? "id " + id
                        : "file_name " + fileName) + " of an earlier image; each image needs its own id and file.");
            }
            Path file = imageRoot.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                throw new UserError(json + ": " + where + " is file " + fileName + " but " + file + " does not "
                        + "exist; file names are relative to " + imageRoot + ". Add the image or remove it.");
            }
            images.put(id, new DetectionImage(fileName, file, width, height, List.of()));
            objects.put(id, new ArrayList<>());
            imageIds.put(fileName, id);
        }
        JsonNode as = array(root, "annotations", json);
        for (int k = 0; k < as.size(); k++) {
            JsonNode a = object(as.get(k), json, "annotations[" + k + "]");
            String where = "annotations[" + k + "] (id " + whole(a, "id", json, "annotations[" + k + "]") + ")";
            long imageId = whole(a, "image_id", json, where);
            long categoryId = whole(a, "category_id", json, where);
            DetectionImage image = images.get(imageId);
            if (image == null) {
                throw new UserError(json + ": " + where + " is on image_id " + imageId + ", which no entry of "
                        + "\"images\" has; add the image or remove the annotation.");
            }
            String label = categories.get(categoryId);
            if (label == null) {
                throw new UserError(json + ": " + where + " has category_id " + categoryId + ", which is not one of "
                        + "the object categories " + categories + "; fix the id or add the category.");
            }
            where += " of class '" + label + "' on " + image.name();
            objects.get(imageId).add(new GroundTruth(image.name(), label, box(a, image, json, where), false,
                    crowd(a.get("iscrowd"), json, where)));
        }
        List<DetectionImage> out = new ArrayList<>();
        images.forEach((id, i) -> out.add(new DetectionImage(i.name(), i.file(), i.width(), i.height(),
                objects.get(id))));
        DetectionSet set = new DetectionSet(json.getFileName().toString(), List.copyOf(categories.values()), out,
                IouConvention.CONTINUOUS);
        return new CocoDetection(set, List.copyOf(categories.keySet()), imageIds);
    }

    private static Box box(JsonNode a, DetectionImage image, Path json, String where) {
        JsonNode b = a.get("bbox");
        if (b == null || b.isNull()) {
            throw new UserError(json + ": " + where + " has no \"bbox\"; " + FIELDS + ".");
        }
        if (!b.isArray() || b.size() != 4 || !b.get(0).isNumber() || !b.get(1).isNumber() || !b.get(2).isNumber()
                || !b.get(3).isNumber()) {
            throw new UserError(json + ": " + where + " has \"bbox\": " + b + "; it must be four numbers, "
                    + "[x, y, width, height].");
        }
        double x = b.get(0).doubleValue();
        double y = b.get(1).doubleValue();
        double w = b.get(2).doubleValue();
        double h = b.get(3).doubleValue();
        if (!(w > 0 && h > 0 && x >= -TOLERANCE && y >= -TOLERANCE && x + w <= image.width() + TOLERANCE
                && y + h <= image.height() + TOLERANCE)) {
            throw new UserError(json + ": " + where + " has \"bbox\": " + b + ", which is empty or outside its "
                    + image.width() + "x" + image.height() + " image. A COCO bbox is [x, y, width, height] from the "
                    + "image's top-left corner, needing width > 0, height > 0, x >= 0, y >= 0, x + width <= image "
                    + "width and y + height <= image height (within " + TOLERANCE + " pixel for rounding).");
        }
        return Box.fromXywh(x, y, w, h);
    }

    private static boolean crowd(JsonNode v, Path json, String where) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isIntegralNumber() && (v.longValue() == 0 || v.longValue() == 1)) {
            return v.longValue() == 1;
        }
        throw new UserError(json + ": " + where + " has \"iscrowd\": " + v + "; it must be 0 or 1.");
    }

    private static JsonNode parse(Path json) {
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new UserError(json + " is not valid JSON" + at + ": " + e.getOriginalMessage() + ". Fix the syntax.",
                    e);
        } catch (IOException e) {
            throw new UserError("cannot read " + json + " (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new UserError(json + " is not a COCO annotation file: it must hold one JSON object with "
                    + "\"images\", \"annotations\" and \"categories\".");
        }
        return root;
    }

    private static JsonNode array(JsonNode root, String key, Path json) {
        JsonNode v = root.get(key);
        if (v == null || !v.isArray()) {
            throw new UserError(json + " has " + (v == null ? "no" : "a non-array") + " \"" + key + "\"; a COCO "
                    + "annotation file lists \"images\", \"annotations\" and \"categories\" as arrays.");
        }
        return v;
    }

    private static JsonNode object(JsonNode v, Path json, String where) {
        if (!v.isObject()) {
            throw new UserError(json + ": " + where + " is " + v + ", not an object; " + FIELDS + ".");
        }
        return v;
    }

    private static JsonNode field(JsonNode o, String key, Path json, String where) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            throw new UserError(json + ": " + where + " has no \"" + key + "\"; " + FIELDS + ".");
        }
        return v;
    }

    private static long whole(JsonNode o, String key, Path json, String where) {
        JsonNode v = field(o, key, json, where);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new UserError(json + ": " + where + " has \"" + key + "\": " + v + "; it must be a whole number.");
        }
        return v.longValue();
    }

    private static int size(JsonNode o, String key, Path json, String where) {
        long v = whole(o, key, json, where);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new UserError(json + ": " + where + " has \"" + key + "\": " + v + "; it must be at least 1 pixel.");
        }
        return (int) v;
    }

    private static String text(JsonNode o, String key, Path json, String where) {
        JsonNode v = field(o, key, json, where);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new UserError(json + ": " + where + " has \"" + key + "\": " + v + "; it must be a non-empty "
                    + "string.");
        }
        return v.asText();
    }
}

package dev.gensynth.data;

import dev.gensynth.task.detection.GroundTruth;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image of an object-detection set and the objects annotated in it, as {@link VocDetection} and
 * {@link CocoDetection} read them. The pixels are not loaded (a later step decodes and resizes them);
 * the file is only known to exist.
 *
 * @param name what the objects' {@link GroundTruth#image()} call it: VOC's annotation name
 *     ({@code 2011_000003}), COCO's {@code file_name}
 * @param file the image file
 * @param width its width in pixels, as the annotation states it
 * @param height its height in pixels, as the annotation states it
 * @param objects its objects in file order, their boxes in the source's own coordinates (see
 *     {@link DetectionSet#convention()})
 */
public record DetectionImage(String name, Path file, int width, int height, List<GroundTruth> objects) {
    public DetectionImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image " + name + " has size " + width + "x" + height);
        }
        objects = List.copyOf(objects);
        for (GroundTruth g : objects) {
            if (!g.image().equals(name)) {
                throw new IllegalArgumentException("object of image " + g.image() + " listed under " + name);
            }
        }
    }
}

package dev.gensynth.data;

import dev.gensynth.task.detection.GroundTruth;
import dev.gensynth.task.detection.IouConvention;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An object-detection set as read from the user's files: its object classes and its images with their
 * annotated objects.
 *
 * @param source where it was read from, for messages
 * @param classes the object classes (no background), a class's index being its position here; every
 *     object's {@link GroundTruth#label()} is one of them
 * @param images the images, in the order the source lists them
 * @param convention how the source's box corners are meant, and so how a metric must measure them:
 *     {@link IouConvention#PIXEL_INCLUSIVE} for VOC's 1-based pixel indices, {@link IouConvention#CONTINUOUS}
 *     for COCO's plane coordinates
 */
public record DetectionSet(String source, List<String> classes, List<DetectionImage> images,
        IouConvention convention) {
    public DetectionSet {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(convention, "convention");
        classes = List.copyOf(classes);
        images = List.copyOf(images);
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new IllegalArgumentException("duplicate class names: " + classes);
        }
        Set<String> names = new HashSet<>();
        for (DetectionImage i : images) {
            if (!names.add(i.name())) {
                throw new IllegalArgumentException("two images are named " + i.name());
            }
            for (GroundTruth g : i.objects()) {
                if (!classes.contains(g.label())) {
                    throw new IllegalArgumentException("object of unknown class " + g.label() + " in " + i.name());
                }
            }
        }
    }

    /** Every image's objects, image by image. */
    public List<GroundTruth> groundTruths() {
        List<GroundTruth> all = new ArrayList<>();
        images.forEach(i -> all.addAll(i.objects()));
        return all;
    }

    /** The index of class {@code label}, −1 if it is not one. */
    public int classIndex(String label) {
        return classes.indexOf(label);
    }
}

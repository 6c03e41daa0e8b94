package dev.gensynth.data;

import dev.gensynth.task.detection.Box;
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

    /**
     * The images decoded and resized to {@code target} (bilinear, as an image folder is read), named {@code name},
     * each object's box carried into the resized image as {@link Targets.Boxes} hold boxes: in continuous
     * coordinates ({@link IouConvention#PIXEL_INCLUSIVE} corners, VOC's 1-based pixel indices, cover
     * [x1 − 1, x2]), scaled by the resize and clipped to the image. A crowd is kept as a difficult object (neither
     * found nor missed, not trained on); an object that keeps no area after clipping is left out. Each image is
     * stratified by its most frequent class.
     */
    public Dataset dataset(dev.gensynth.spec.Shape target, String name) {
        int per = (int) target.elements();
        float[] x = new float[Math.multiplyExact(images.size(), per)];
        List<List<Targets.Boxes.Labelled>> objects = new ArrayList<>();
        double shift = convention == IouConvention.PIXEL_INCLUSIVE ? 1 : 0;
        for (int i = 0; i < images.size(); i++) {
            DetectionImage img = images.get(i);
            System.arraycopy(ImageFolderReader.load(img.file(), target), 0, x, i * per, per);
            double sx = (double) target.width() / img.width();
            double sy = (double) target.height() / img.height();
            List<Targets.Boxes.Labelled> here = new ArrayList<>();
            for (GroundTruth g : img.objects()) {
                Box b = Box.clipped((g.box().x1() - shift) * sx, (g.box().y1() - shift) * sy, g.box().x2() * sx,
                        g.box().y2() * sy, target.width(), target.height());
                if (b != null) {
                    here.add(new Targets.Boxes.Labelled(classIndex(g.label()), b, g.difficult() || g.crowd()));
                }
            }
            objects.add(here);
        }
        Targets.Boxes boxes = Targets.Boxes.of(objects);
        int[] y = new int[images.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = boxes.mostFrequent(i, classes.size());
        }
        return new Dataset(name, target, x, y, classes.size(), classes, boxes);
    }

    /** The index of class {@code label}, −1 if it is not one. */
    public int classIndex(String label) {
        return classes.indexOf(label);
    }
}

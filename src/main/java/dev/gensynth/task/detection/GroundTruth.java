package dev.gensynth.task.detection;

import java.util.Objects;

/**
 * An annotated object of an image.
 *
 * @param image the image it is in
 * @param label its class
 * @param box where it is
 * @param difficult PASCAL VOC's flag: a detection matched to it is neither right nor wrong, and it is not a
 *     positive to find ({@link VocAp}; COCO has no such flag)
 * @param crowd COCO's {@code iscrowd}: a region of many objects that any number of detections may fall in
 *     without being wrong, and not a positive to find ({@link CocoAp}; VOC has no such flag)
 */
public record GroundTruth(String image, String label, Box box, boolean difficult, boolean crowd) {
    public GroundTruth {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(box, "box");
    }

    /** An ordinary object: neither difficult nor a crowd. */
    public GroundTruth(String image, String label, Box box) {
        this(image, label, box, false, false);
    }
}

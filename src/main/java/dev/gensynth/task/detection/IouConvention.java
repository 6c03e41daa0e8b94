package dev.gensynth.task.detection;

/**
 * How a {@link Box}'s corners are read when measuring its extent, and so its area, intersections and IoU.
 * The two conventions give different IoUs for the same numbers (markedly so for small boxes), and each
 * reference uses one: an evaluation reproduces a reference only under that reference's convention.
 */
public enum IouConvention {
    /**
     * The corners are pixel indices, both included: a box from x1 = 0 to x2 = 9 is 10 pixels wide
     * (width = x2 − x1 + 1), and two boxes sharing an edge pixel overlap by one pixel. This is the PASCAL
     * VOC devkit's ({@code VOCevaldet.m}: {@code iw=bi(3)-bi(1)+1}, {@code ua=(bb(3)-bb(1)+1)*...}),
     * py-faster-rcnn's {@code voc_eval.py} ({@code ixmax - ixmin + 1.}) and rafaelpadilla's
     * Object-Detection-Metrics ({@code Evaluator._getIntersectionArea} and {@code _getArea}, which add 1 to
     * the differences of the corners it derives as x2 = x + w from "left top width height"). One difference:
     * rafaelpadilla calls boxes disjoint when one's x1 exceeds the other's x2 before adding 1, so boxes less
     * than a pixel apart (possible only with fractional corners) overlap here and in the VOC code, not there.
     */
    PIXEL_INCLUSIVE(1),
    /**
     * The corners are points of the plane: width = x2 − x1, and boxes sharing only an edge do not overlap.
     * This is pycocotools' ({@code maskApi.c bbIou}, on x, y, width, height) and torchvision's /
     * torchmetrics' ({@code box_iou}, on x1, y1, x2, y2).
     */
    CONTINUOUS(0);

    /** What is added to a coordinate difference to get an extent. */
    final double extra;

    IouConvention(double extra) {
        this.extra = extra;
    }
}

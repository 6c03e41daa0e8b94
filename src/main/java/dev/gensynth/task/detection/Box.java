package dev.gensynth.task.detection;

/**
 * An axis-aligned box by its corners, (x1, y1) top left and (x2, y2) bottom right, in image coordinates.
 * Its extent depends on the {@link IouConvention} the corners are read in; the methods without one read
 * them as {@link IouConvention#CONTINUOUS}, as pycocotools and torchvision do.
 */
public record Box(double x1, double y1, double x2, double y2) {
    public Box {
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new IllegalArgumentException("box corners must be finite: " + x1 + ", " + y1 + ", " + x2 + ", " + y2);
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException("box corners must be ordered, x1 <= x2 and y1 <= y2: "
                    + x1 + ", " + y1 + ", " + x2 + ", " + y2);
        }
    }

    /**
     * The box at left x, top y, of width w and height h: (x, y, x + w, y + h). This is how COCO's JSON
     * {@code bbox} and rafaelpadilla's "left top width height" text files are read (its {@code BoundingBox}
     * sets x2 = x + w); the +1 of its IoU is then {@link IouConvention#PIXEL_INCLUSIVE}'s business.
     */
    public static Box fromXywh(double x, double y, double w, double h) {
        return new Box(x, y, x + w, y + h);
    }

    /** The box at (x1, y1, x2, y2) cut to the image [0, width] × [0, height]; null when nothing of it is inside. */
    public static Box clipped(double x1, double y1, double x2, double y2, double width, double height) {
        double cx1 = Math.min(Math.max(x1, 0), width);
        double cy1 = Math.min(Math.max(y1, 0), height);
        double cx2 = Math.min(Math.max(x2, 0), width);
        double cy2 = Math.min(Math.max(y2, 0), height);
        return cx2 > cx1 && cy2 > cy1 ? new Box(cx1, cy1, cx2, cy2) : null;
    }

    /** (x2 − x1) · (y2 − y1). */
    public double area() {
        return area(IouConvention.CONTINUOUS);
    }

    public double area(IouConvention convention) {
        return (x2 - x1 + convention.extra) * (y2 - y1 + convention.extra);
    }

    /** The area both boxes cover, 0 when they do not overlap. */
    public double intersection(Box other, IouConvention convention) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1) + convention.extra;
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1) + convention.extra;
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    /** Intersection over union in continuous coordinates. */
    public double iou(Box other) {
        return iou(other, IouConvention.CONTINUOUS);
    }

    /** Intersection over union, both areas and the intersection measured in {@code convention}; 0 when disjoint. */
    public double iou(Box other, IouConvention convention) {
        double inter = intersection(other, convention);
        // this box's area first, as the references add (detection + ground truth − intersection)
        return inter == 0 ? 0 : inter / (area(convention) + other.area(convention) - inter);
    }
}

package dev.gensynth.task.detection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** A box a detector proposes for an object of class {@code label} in {@code image}, with its confidence. */
public record Detection(String image, String label, double score, Box box) {
    /**
     * Highest score first. Comparing the doubles themselves (not {@link Double#compare}) makes 0.0 and −0.0
     * equal, as numpy's and Python's comparisons do; a stable sort then keeps tied detections in input order.
     */
    static final Comparator<Detection> BY_SCORE = (a, b) -> a.score > b.score ? -1 : a.score < b.score ? 1 : 0;

    public Detection {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(box, "box");
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("a detection's score cannot be NaN");
        }
    }

    /**
     * {@code detections} by decreasing score, ties left in their order: {@link List#sort} is stable, as are
     * the references' sorts (MATLAB's {@code sort}, Python's {@code sorted}, numpy's mergesort).
     */
    static List<Detection> byScore(Collection<Detection> detections) {
        List<Detection> sorted = new ArrayList<>(detections);
        sorted.sort(BY_SCORE);
        return sorted;
    }
}

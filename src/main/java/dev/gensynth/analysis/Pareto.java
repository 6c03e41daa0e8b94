package dev.gensynth.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accuracy-versus-cost fronts (MACs, or latency): higher top-1 and lower cost are better.
 *
 * <p><b>Hypervolume</b> is measured in the plane (top-1 in %, log10 MACs) against the reference
 * point (0 % top-1, log10 of the reference MACs, normally the prototype's): the area of the
 * region that some point of the front dominates (at least its top-1, at least its MACs) and that
 * dominates the reference point. Its unit is "percentage points × decades of MACs". A network
 * with more MACs than the reference adds nothing. Larger is better; a front that dominates
 * another has at least its hypervolume.
 */
public final class Pareto {
    private Pareto() {
    }

    /** A network as a point: its cost (MACs, or latency in ms) and top-1 (%). */
    public record Point(String name, double cost, double quality) {
    }

    /** The non-dominated points, sorted by cost ascending (so top-1 ascending too). */
    public static List<Point> front(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points.stream().filter(p -> p.cost() > 0 && Double.isFinite(p.quality()))
                .toList());
        sorted.sort(Comparator.comparingDouble(Point::cost).thenComparing(Comparator.comparingDouble(Point::quality)
                .reversed()));
        List<Point> out = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Point p : sorted) {
            if (p.quality() > best) {
                out.add(p);
                best = p.quality();
            }
        }
        return out;
    }

    /** Hypervolume of the points' front against (0 %, log10 {@code referenceCost}); see the class note. */
    public static double hypervolume(List<Point> points, double referenceCost) {
        double xr = Math.log10(referenceCost);
        double hv = 0;
        double prev = 0;
        for (Point p : front(points)) {
            double x = Math.log10(p.cost());
            if (x >= xr || p.quality() <= 0) {
                continue;
            }
            double a = p.quality();
            if (a > prev) {
                hv += (xr - x) * (a - prev);
                prev = a;
            }
        }
        return hv;
    }

    /**
     * The points of {@code b} that no point of {@code a} weakly dominates (at most its cost and at
     * least its top-1): empty when {@code a} dominates {@code b}; otherwise where {@code b} beats
     * {@code a}, which a yes/no verdict would hide.
     */
    public static List<Point> undominated(List<Point> a, List<Point> b) {
        return undominated(a, b, 0);
    }

    /**
     * As {@link #undominated(List, List)} with quality differences within {@code tie} counted as equal: the points
     * of {@code b} that no point of {@code a} matches with at most its cost and at least its top-1 minus {@code tie}.
     */
    public static List<Point> undominated(List<Point> a, List<Point> b, double tie) {
        return b.stream().filter(q -> a.stream().noneMatch(p -> p.cost() <= q.cost()
                && p.quality() >= q.quality() - tie)).toList();
    }

    /**
     * The point of {@code a} with the least cost among those with at least {@code quality}; null when none has it.
     * Read off {@code a}'s points as they are, never interpolated between them: a network between two points was not
     * made.
     */
    public static Point cheapestReaching(List<Point> a, double quality) {
        return a.stream().filter(p -> p.quality() >= quality).min(Comparator.comparingDouble(Point::cost))
                .orElse(null);
    }

    /** The front as (cost, top-1) pairs for a chart. */
    public static List<double[]> xy(List<Point> points) {
        return points.stream().map(p -> new double[] {p.cost(), p.quality()}).toList();
    }
}

package dev.gensynth.seed;

import dev.gensynth.UserError;
import java.util.ArrayList;
import java.util.List;

/**
 * A seed s: any 64-bit integer, indexing the networks a generator can make. Same seed, same
 * network. {@link #derive} makes independent child seeds (for the candidates of a cycle, a
 * training's shuffles) so every random choice of a run traces back to the run's one seed.
 */
public record Seed(long value) {

    /** A well-mixed seed for the {@code index}-th use of this one under a named purpose. */
    public Seed derive(String purpose, long index) {
        return new Seed(mix(mix(value ^ purpose.hashCode()) + index));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Parses {@code 100..107}, {@code 5} or {@code 1,2,9} into seeds. */
    public static List<Seed> parseList(String text) {
        List<Seed> out = new ArrayList<>();
        try {
            for (String part : text.split(",")) {
                String p = part.trim();
                int dots = p.indexOf("..");
                if (dots > 0) {
                    long a = Long.parseLong(p.substring(0, dots).trim());
                    long b = Long.parseLong(p.substring(dots + 2).trim());
                    if (b < a || b - a > 10_000) {
                        throw new UserError("seed range '" + p + "' must go upwards and hold at most 10001 seeds");
                    }
                    for (long s = a; s <= b; s++) {
                        out.add(new Seed(s));
                    }
                } else {
                    out.add(new Seed(Long.parseLong(p)));
                }
            }
        } catch (NumberFormatException e) {
            throw new UserError("seeds must look like 100..107 or 1,2,3, got '" + text + "'");
        }
        return out;
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}

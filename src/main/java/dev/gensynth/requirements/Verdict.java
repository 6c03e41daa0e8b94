package dev.gensynth.requirements;

import java.util.List;

/** The indicator 1r(N): whether every requirement is met, and for each one that is not, why. */
public record Verdict(boolean met, List<String> reasons) {
    public Verdict {
        reasons = List.copyOf(reasons);
    }

    public String summary() {
        return met ? "meets r" : String.join("; ", reasons);
    }
}

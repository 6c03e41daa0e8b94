package dev.gensynth.utility;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gensynth.UserError;

/** Utilities by name, as written in run configs. */
public final class Utilities {
    private Utilities() {
    }

    /**
     * {@code netscore} (default), {@code information_density}, or
     * {@code {weighted: {accuracy: 40, params: 10, macs: 10, latency: 0}}}.
     */
    public static Utility parse(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return new NetScore();
        }
        if (node.isTextual()) {
            switch (node.asText()) {
                case "netscore":
                    return new NetScore();
                case "information_density":
                    return new InformationDensity();
                default:
                    throw new UserError(where + ": unknown utility '" + node.asText() + "'; use netscore, "
                            + "information_density, or weighted: {accuracy: A, params: P, macs: M, latency: L}");
            }
        }
        if (node.isObject() && node.has("weighted") && node.size() == 1) {
            JsonNode w = node.get("weighted");
            for (var it = w.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!java.util.List.of("accuracy", "params", "macs", "latency").contains(f)) {
                    throw new UserError(where + ": unknown weighted-utility field '" + f
                            + "'; allowed: accuracy, params, macs, latency");
                }
            }
            Weighted u = new Weighted(w.path("accuracy").asDouble(40), w.path("params").asDouble(10),
                    w.path("macs").asDouble(10), w.path("latency").asDouble(0));
            if (u.accuracy() <= 0) {
                throw new UserError(where + ": the weighted utility needs accuracy > 0, or it rewards bad networks");
            }
            return u;
        }
        throw new UserError(where + ": utility must be netscore, information_density or {weighted: {...}}, got "
                + node);
    }
}

package dev.gensynth.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gensynth.UserError;
import java.util.Iterator;
import java.util.Map;

/** Training recipes written partially (in a recipe file or a run config), completed from a base. */
public final class Recipes {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Recipes() {
    }

    /**
     * The base recipe with the fields given in {@code overrides} replaced.
     *
     * @param where names the file or section in error messages
     */
    public static TrainConfig merge(TrainConfig base, JsonNode overrides, String where) {
        if (overrides == null || overrides.isNull()) {
            return base;
        }
        if (!overrides.isObject()) {
            throw new UserError(where + " must be a mapping of recipe fields");
        }
        ObjectNode merged = JSON.valueToTree(base);
        Iterator<Map.Entry<String, JsonNode>> it = overrides.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!merged.has(e.getKey())) {
                throw new UserError(where + ": unknown recipe field '" + e.getKey() + "'; allowed: "
                        + String.join(", ", iterable(merged.fieldNames())));
            }
            merged.set(e.getKey(), e.getValue());
        }
        try {
            return JSON.treeToValue(merged, TrainConfig.class);
        } catch (UserError e) {
            throw new UserError(where + ": " + e.getMessage());
        } catch (Exception e) {
            Throwable c = e;
            while (c.getCause() != null) {
                c = c.getCause();
            }
            if (c instanceof UserError u) {
                throw new UserError(where + ": " + u.getMessage());
            }
            throw new UserError(where + ": " + e.getMessage().split("\n")[0]);
        }
    }

    private static Iterable<String> iterable(Iterator<String> it) {
        java.util.List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}

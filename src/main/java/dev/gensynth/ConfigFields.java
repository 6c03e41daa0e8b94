package dev.gensynth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** The one check every config file gets: a mapping of known fields, a misspelt one named with the ones allowed. */
public final class ConfigFields {
    private ConfigFields() {
    }

    /**
     * Fails with a {@link UserError} when {@code node} (the field {@code prefix} names, e.g. {@code "data."}; the
     * whole config for {@code ""}) is not a mapping or has a field outside {@code allowed}; a missing or null node
     * passes.
     */
    public static void only(JsonNode node, String prefix, Set<String> allowed) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new UserError((prefix.isEmpty() ? "the config" : prefix.substring(0, prefix.length() - 1))
                    + " must be a mapping");
        }
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new UserError("unknown field '" + prefix + f + "'; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }
}

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

    /** Fewest optimizer updates a fine-tuning of a candidate or a generated network is given. */
    public static final int MIN_FINETUNE_UPDATES = 60;
    /** The smallest batch {@link #finetuneOn} goes down to: a multiple of 8 that still batch-normalises. */
    static final int MIN_FINETUNE_BATCH = 16;

    /**
     * {@code recipe} for fine-tuning on {@code samples} training images: unchanged when its epochs give at least
     * {@link #MIN_FINETUNE_UPDATES} updates, else with its batch made smaller (a multiple of 8, at least
     * {@value #MIN_FINETUNE_BATCH}) until they do or it is that small; the epochs, and so the budget, stay. Why: on
     * 1,020 training images, candidates fine-tuned 2 epochs at batch 128 got 15 updates each, recovered too little
     * of a cut to meet the floor, and the synthesis ended 3-6x above the MACs that uniform width scaling met the
     * floor with; at batch 32 (63 updates) it ended 2.4-4.4x below them on all three seeds
     * ({@code bench/results/small_data.md}). With tens of thousands of images nothing changes.
     */
    public static TrainConfig finetuneOn(TrainConfig recipe, int samples) {
        double passes = recipe.epochs() * samples;
        if (passes / recipe.batchSize() >= MIN_FINETUNE_UPDATES || recipe.batchSize() <= MIN_FINETUNE_BATCH) {
            return recipe;
        }
        int batch = (int) Math.floor(passes / MIN_FINETUNE_UPDATES / 8) * 8;
        return recipe.withBatchSize(Math.max(MIN_FINETUNE_BATCH, Math.min(recipe.batchSize(), batch)));
    }

    private static Iterable<String> iterable(Iterator<String> it) {
        java.util.List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}

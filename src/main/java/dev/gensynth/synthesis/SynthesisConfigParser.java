package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gensynth.ConfigFields;
import dev.gensynth.UserError;
import dev.gensynth.generator.Widths;
import dev.gensynth.data.Canvases;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.DetectionCanvases;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.Shape;
import dev.gensynth.train.Recipes;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.utility.Utilities;
import dev.gensynth.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import dev.gensynth.synthesis.SynthesisConfig.Budget;
import dev.gensynth.synthesis.SynthesisConfig.Distill;
import dev.gensynth.synthesis.SynthesisConfig.Search;

/**
 * A run config's YAML tree read into a {@link SynthesisConfig}: each section checked for unknown fields, each value
 * for its type and range, every error naming the field and what would fix it.
 */
final class SynthesisConfigParser {
    private SynthesisConfigParser() {
    }

    static SynthesisConfig parse(JsonNode root, Path base, String defaultName) {
        if (root == null || !root.isObject()) {
            throw new UserError("must be a mapping with prototype, requirements, utility, budget");
        }
        ConfigFields.only(root, "", Set.of("name", "seed", "data", "prototype", "prototypeTraining", "requirements", "utility",
                "budget", "finetune", "search", "generate", "distill", "levels"));
        String name = root.path("name").asText(defaultName);
        long seed = root.path("seed").asLong(1);

        JsonNode d = root.path("data");
        ConfigFields.only(d, "data.", Set.of("dataset", "dir", "validationFraction", "seed", "imageSize", "canvases"));
        Shape folderShape = parseShape(d.path("imageSize").asText("1x28x28"));
        String kind = d.path("dataset").asText("fashion-mnist");
        DataSource data = new DataSource(kind, d.hasNonNull("dir") ? base.resolve(d.get("dir").asText()) : null,
                d.path("validationFraction").asDouble(0.1), d.path("seed").asLong(seed),
                canvases(d.path("canvases"), kind), detectionCanvases(d.path("canvases"), kind));

        JsonNode p = root.path("prototype");
        ConfigFields.only(p, "prototype.", Set.of("arch", "width", "spec", "model"));
        String arch = p.hasNonNull("arch") ? p.get("arch").asText() : null;
        Path spec = p.hasNonNull("spec") ? base.resolve(p.get("spec").asText()) : null;
        Path model = p.hasNonNull("model") ? base.resolve(p.get("model").asText()) : null;
        int given = (arch != null ? 1 : 0) + (spec != null ? 1 : 0) + (model != null ? 1 : 0);
        if (given == 0) {
            // the data's task's small default: the demo's U-Net for segmentation (the segmentation benchmark names
            // the stronger resunet), the CenterNet on the residual backbone for detection, the residual classifier
            arch = switch (data.task()) {
                case "segmentation" -> "unet";
                case "detection" -> "centernet_resnet";
                default -> "resnet";
            };
        } else if (given > 1) {
            throw new UserError("prototype: give exactly one of arch, spec or model");
        }
        if (arch != null && !Zoo.names().contains(arch)) {
            throw new UserError("prototype.arch: unknown prototype '" + arch + "'; built-in architectures are "
                    + String.join(", ", Zoo.names()) + " (or give prototype.spec FILE or prototype.model DIR)");
        }
        if (spec != null && !Files.isRegularFile(spec)) {
            throw new UserError("prototype.spec: unknown prototype, file " + spec + " does not exist");
        }
        if (model != null && !Files.isRegularFile(model.resolve("spec.json"))) {
            throw new UserError("prototype.model: unknown prototype, " + model + " is not a model directory "
                    + "(no spec.json)");
        }
        double width = p.path("width").asDouble(1.0);
        if (!(width > 0)) {
            throw new UserError("prototype.width must be > 0, got " + width);
        }
        TrainConfig protoTraining = Recipes.merge(TrainConfig.defaults().withSeed(seed), root.get("prototypeTraining"),
                "prototypeTraining");

        JsonNode r = root.path("requirements");
        ConfigFields.only(r, "requirements.", Set.of("minQuality", "maxQualityDrop", "minTop1", "maxTop1Drop", "maxMacs",
                "maxParams", "maxLatencyMs", "metric"));
        String metric = switch (DataSource.taskOf(root.path("data").path("dataset").asText("fashion-mnist"))) {
            case "segmentation" -> "mIoU";
            case "detection" -> "mAP50";
            default -> "top-1";
        };
        if (r.has("metric") && !r.get("metric").asText().equals(metric)) {
            throw new UserError("requirements.metric: this data is judged in " + metric + " (got '"
                    + r.get("metric").asText() + "'); another primary metric is not supported yet");
        }
        Requirements req = new Requirements(either(r, "minQuality", "minTop1"), either(r, "maxQualityDrop",
                "maxTop1Drop"), lng(r, "maxMacs"), lng(r, "maxParams"), dbl(r, "maxLatencyMs"), metric);
        if (req.minQuality() == null && req.maxQualityDrop() == null) {
            throw new UserError("requirements: give a quality requirement (minQuality or maxQualityDrop, in " + metric
                    + "), or synthesis would trade all quality away");
        }
        JsonNode utilityNode = root.get("utility");
        Utilities.parse(utilityNode, "utility");

        JsonNode b = root.path("budget");
        ConfigFields.only(b, "budget.", Set.of("cycles", "candidates", "finetuneEpochs", "totalFinetuneEpochs", "wallMinutes",
                "patience"));
        Budget budget = new Budget(b.path("cycles").asInt(8), b.path("candidates").asInt(4),
                b.path("finetuneEpochs").asDouble(0.5), dbl(b, "totalFinetuneEpochs"),
                b.path("wallMinutes").asDouble(0), b.path("patience").asInt(3));
        if (budget.cycles() < 1 || budget.candidates() < 1 || budget.patience() < 1) {
            throw new UserError("budget.cycles, budget.candidates and budget.patience must be >= 1");
        }
        if (!(budget.finetuneEpochs() > 0) || budget.wallMinutes() < 0
                || budget.totalFinetuneEpochs() != null && !(budget.totalFinetuneEpochs() > 0)) {
            throw new UserError("budgets must not be negative: budget.finetuneEpochs and totalFinetuneEpochs must be"
                    + " > 0 and budget.wallMinutes >= 0 (got " + budget.finetuneEpochs() + ", "
                    + budget.totalFinetuneEpochs() + ", " + budget.wallMinutes() + ")");
        }
        TrainConfig finetune = Recipes.merge(TrainConfig.defaults().withLearningRate(0.02).withWarmupEpochs(0)
                .withEpochs(budget.finetuneEpochs()).withSeed(seed), root.get("finetune"), "finetune");

        JsonNode s = root.path("search");
        ConfigFields.only(s, "search.", Set.of("initialPush", "sharpness", "minChannels", "widthMultiple", "skipBlocks", "operators",
                "stimuli",
                "latencyRuns", "aim", "promiseSamples", "promiseFraction", "groupBlame", "groupImportance",
                "levelRatios", "costWindow"));
        JsonNode givenRatios = s.path("levelRatios");
        // anything but a list of numbers (a map, a number) leaves no valid share, which checkLevelRatios rejects
        java.util.List<Double> ratios = new java.util.ArrayList<>();
        if (givenRatios.isArray()) {
            givenRatios.forEach(n -> ratios.add(n.isNumber() ? n.asDouble() : Double.NaN));
        }
        Search search = new Search(s.path("initialPush").asDouble(0.6), s.path("sharpness").asDouble(12),
                s.path("minChannels").asInt(2), s.path("widthMultiple").asInt(Widths.DEFAULT_MULTIPLE),
                bool(s, "skipBlocks", true, "search."), bool(s, "operators", false, "search."), s.path("stimuli").asInt(1024), s.path("latencyRuns").asInt(0),
                s.path("aim").asText("auto"), s.path("promiseSamples").asInt(3),
                s.hasNonNull("promiseFraction") ? s.get("promiseFraction").asDouble() : null,
                bool(s, "groupBlame", false, "search."), orDefault(dbl(s, "groupImportance"),
                        Search.DEFAULT_GROUP_IMPORTANCE),
                givenRatios.isMissingNode() || givenRatios.isNull() ? Search.DEFAULT_LEVEL_RATIOS
                        : java.util.List.copyOf(ratios), orDefault(dbl(s, "costWindow"), 0.0));
        if (!(search.costWindow() >= 0 && search.costWindow() < 1)) {
            throw new UserError("search.costWindow must be in [0, 1) (0.1: every generated network's MACs within "
                    + "10 % of its generator's aim; 0: one free draw per seed), got " + search.costWindow());
        }
        if (search.promiseFraction() != null && !(search.promiseFraction() >= 0 && search.promiseFraction() < 1)) {
            throw new UserError("search.promiseFraction must be in [0, 1), got " + search.promiseFraction());
        }
        if (!Set.of("auto", "macs", "latency").contains(search.aim())) {
            throw new UserError("search.aim must be auto, macs or latency, got '" + search.aim() + "'");
        }
        if (!(search.initialPush() > 0 && search.initialPush() < 1) || search.sharpness() <= 0
                || search.minChannels() < 1 || search.widthMultiple() < 1 || search.stimuli() < 1
                || search.latencyRuns() < 0 || search.promiseSamples() < 0) {
            throw new UserError("search: initialPush must be in (0, 1), sharpness > 0, minChannels >= 1, widthMultiple"
                    + " >= 1, stimuli >= 1, latencyRuns >= 0, promiseSamples >= 0");
        }
        checkLevelRatios(search, givenRatios);
        if (!(search.groupImportance() >= 0 && search.groupImportance() <= 1)) {
            throw new UserError("search.groupImportance must be in [0, 1] (0: channels ranked within their group only,"
                    + " 1: by their measured importance across groups), got " + search.groupImportance());
        }
        JsonNode g = root.path("generate");
        TrainConfig gen = Recipes.merge(TrainConfig.defaults().withLearningRate(0.02).withWarmupEpochs(0)
                .withEpochs(2).withSeed(seed), g.isMissingNode() ? null : g, "generate");
        JsonNode k = root.path("distill");
        Distill distill = null;
        if (!k.isMissingNode() && !k.isNull()) {
            ConfigFields.only(k, "distill.", Set.of("weight", "temperature"));
            distill = new Distill(k.path("weight").asDouble(0.5), k.path("temperature").asDouble(4));
        }
        java.util.List<Double> levels = new java.util.ArrayList<>();
        root.path("levels").forEach(n -> levels.add(n.isNumber() ? n.asDouble() : Double.NaN));
        if (levels.size() > 26 || levels.stream().anyMatch(l -> !(l > 0))) {
            throw new UserError("levels must be at most 26 top-1 drops > 0 (points below the prototype), e.g."
                    + " [0.5, 1.0, 1.5, 2.0]; got " + root.path("levels"));
        }
        return new SynthesisConfig(name, seed, data, arch, width, spec, model, protoTraining, req, utilityNode, budget,
                finetune, search, gen, folderShape, distill, java.util.List.copyOf(levels));
    }

    /**
     * search.levelRatios: shares of a parent's cost in (0, 1], each below the one before (the generator reaches
     * further only while its networks keep their promise), and promise samples to judge each by when there are two
     * or more.
     */
    private static void checkLevelRatios(Search search, JsonNode given) {
        java.util.List<Double> r = search.levelRatios();
        boolean ok = !r.isEmpty() && r.get(0) > 0 && r.get(0) <= 1;
        for (int i = 1; ok && i < r.size(); i++) {
            ok = r.get(i) > 0 && r.get(i) < r.get(i - 1);
        }
        if (!ok) {
            throw new UserError("search.levelRatios must be shares of a parent's cost in (0, 1], each below the one"
                    + " before, e.g. [0.9, 0.75, 0.6]; got " + given);
        }
        if (r.size() > 1 && search.promiseSamples() < 2) {
            throw new UserError("search.levelRatios " + given + " asks a level's generator to reach below its first"
                    + " ratio, which it judges by its promise samples: set search.promiseSamples to 2 or more, or give"
                    + " one ratio");
        }
    }

    /** A true/false field, its default when absent. */
    private static boolean bool(JsonNode node, String field, boolean absent, String prefix) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new UserError(prefix + field + " must be true or false, got '" + v.asText() + "'");
        }
        return v.asBoolean();
    }

    private static Shape parseShape(String text) {
        try {
            String[] p = text.split("x");
            if (p.length != 3) {
                throw new NumberFormatException();
            }
            return Shape.of(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
        } catch (NumberFormatException e) {
            throw new UserError("data.imageSize must look like 1x28x28 (channels x height x width), got '" + text + "'");
        }
    }

    /**
     * {@code data.canvases}: how a composed segmentation set is made, each field defaulting to {@link
     * Canvases.Recipe#DEFAULT}'s; null when absent.
     */
    private static Canvases.Recipe canvases(JsonNode c, String kind) {
        String k = kind.toLowerCase(java.util.Locale.ROOT);
        if (c.isMissingNode() || c.isNull() || DataSource.COMPOSED_DETECTION.contains(k)) {
            return null;
        }
        if (!DataSource.COMPOSED.contains(k)) {
            List<String> composed = new ArrayList<>(DataSource.COMPOSED);
            composed.addAll(DataSource.COMPOSED_DETECTION);
            throw new UserError("data.canvases describes composed canvases, but dataset '" + kind + "' is not "
                    + "composed; remove it, or use dataset " + String.join(" or ", composed));
        }
        ConfigFields.only(c, "data.canvases.", Set.of("size", "minItems", "maxItems", "maxOverlap", "threshold", "train", "test"));
        Canvases.Recipe d = Canvases.Recipe.DEFAULT;
        return new Canvases.Recipe(integer(c, "size", d.size()), integer(c, "minItems", d.minItems()),
                integer(c, "maxItems", d.maxItems()), orDefault(dbl(c, "maxOverlap"), d.maxOverlap()),
                orDefault(dbl(c, "threshold"), d.threshold()), integer(c, "train", d.train()),
                integer(c, "test", d.test()));
    }

    /**
     * {@code data.canvases} of a composed detection set, each field defaulting to {@link
     * DetectionCanvases.Recipe#DEFAULT}'s; null when absent or when the set is not a composed detection set.
     */
    private static DetectionCanvases.Recipe detectionCanvases(JsonNode c, String kind) {
        if (c.isMissingNode() || c.isNull() || !DataSource.COMPOSED_DETECTION.contains(kind.toLowerCase(
                java.util.Locale.ROOT))) {
            return null;
        }
        ConfigFields.only(c, "data.canvases.", Set.of("size", "minItems", "maxItems", "minScale", "maxScale", "maxOverlap",
                "threshold", "train", "test"));
        DetectionCanvases.Recipe d = DetectionCanvases.Recipe.DEFAULT;
        return new DetectionCanvases.Recipe(integer(c, "size", d.size()), integer(c, "minItems", d.minItems()),
                integer(c, "maxItems", d.maxItems()), orDefault(dbl(c, "minScale"), d.minScale()),
                orDefault(dbl(c, "maxScale"), d.maxScale()), orDefault(dbl(c, "maxOverlap"), d.maxOverlap()),
                orDefault(dbl(c, "threshold"), d.threshold()), integer(c, "train", d.train()),
                integer(c, "test", d.test()));
    }

    private static int integer(JsonNode n, String f, int absent) {
        Double v = dbl(n, f);
        if (v == null) {
            return absent;
        }
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new UserError("field '" + f + "' must be a whole number, got " + n.get(f));
        }
        return v.intValue();
    }

    private static double orDefault(Double v, double absent) {
        return v == null ? absent : v;
    }

    /** A quality bound under its name or its classification alias (minTop1, maxTop1Drop), not both. */
    private static Double either(JsonNode r, String name, String alias) {
        if (r.has(name) && r.has(alias)) {
            throw new UserError("requirements: give " + name + " or its older name " + alias + ", not both");
        }
        return r.has(name) ? dbl(r, name) : dbl(r, alias);
    }

    private static Double dbl(JsonNode n, String f) {
        if (!n.hasNonNull(f)) {
            return null;
        }
        if (!n.get(f).isNumber()) {
            throw new UserError("field '" + f + "' must be a number, got " + n.get(f));
        }
        return n.get(f).asDouble();
    }

    private static Long lng(JsonNode n, String f) {
        Double d = dbl(n, f);
        return d == null ? null : (long) Math.floor(d);
    }
}

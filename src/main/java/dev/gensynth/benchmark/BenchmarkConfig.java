package dev.gensynth.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gensynth.UserError;
import dev.gensynth.zoo.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A benchmark configuration ({@code bench.yaml}):
 * <pre>
 *   name: fashion-mnist
 *   synthesis: fashion-mnist-run.yaml   # a synthesis run config: its data and prototypeTraining recipe are the
 *                                       # benchmark's dataset and recipe; its accuracy requirement is replaced by
 *                                       # the loosest level below
 *   # run: runs/fm1                     # or: an existing, finished synthesis run directory instead
 *   data: {...}                         # optional: replaces the run config's data section
 *   recipe: {epochs: 10}                # optional: replaces fields of the run config's prototypeTraining recipe;
 *                                       # references are trained with the same recipe
 *   references: [mobilenet_v1, mobilenet_v2, shufflenet_v2, resnet, plain]
 *   levels: [0.5, 1.0, 1.5, 2.0]        # quality drops (points of the task's metric below the prototype) of FermiNet-A, B, C, D
 *   finetuneEpochs: 1.0                 # final fine-tuning of each FermiNet (default: the run's generate recipe)
 *   randomSamples: 8                    # networks of the random-sampling alternative
 *   latencyRuns: 50                     # timed batch-1 passes (DJL and ONNX Runtime), after min(20, this) warm-up
 *   alternatives: [width, prune, random]
 *   noiseSeeds: 3                       # the prototype and one width-scaled network trained with this many seeds
 *                                       # in all, for the spread that decides ties (0: not measured)
 *   freshSeeds: 8                       # networks of the run's own generator from fresh seeds, made as 'generate'
 *                                       # makes them and judged against r beside its promise (default 0: none)
 * </pre>
 * Relative paths are relative to the benchmark file.
 */
public record BenchmarkConfig(String name, Path synthesisConfig, Path existingRun, JsonNode data, JsonNode recipe,
        List<String> references, List<Double> levels, Double finetuneEpochs, int randomSamples, int latencyRuns,
        List<String> alternatives, long seed, int noiseSeeds, int freshSeeds) {
    static final List<String> DEFAULT_REFERENCES = List.of("mobilenet_v1", "mobilenet_v2", "shufflenet_v2", "resnet",
            "plain");
    static final List<String> ALTERNATIVES = List.of("width", "prune", "random");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public double loosestLevel() {
        return levels.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    public static BenchmarkConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("benchmark config " + file + " does not exist; see bench/fashion-mnist.yaml");
        }
        try {
            JsonNode root = YAML.readTree(file.toFile());
            Path base = file.toAbsolutePath().getParent();
            return parse(root, base, file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        } catch (IOException e) {
            throw new UserError("benchmark config " + file + " is not valid YAML: " + e.getMessage().split("\n")[0]);
        } catch (UserError e) {
            throw new UserError("benchmark config " + file + ": " + e.getMessage());
        }
    }

    static BenchmarkConfig parse(JsonNode root, Path base, String defaultName) {
        if (root == null || !root.isObject()) {
            throw new UserError("must be a mapping with synthesis (or run), references and levels");
        }
        Set<String> allowed = Set.of("name", "synthesis", "run", "data", "recipe", "references", "levels",
                "finetuneEpochs", "randomSamples", "latencyRuns", "alternatives", "seed", "noiseSeeds", "freshSeeds");
        dev.gensynth.ConfigFields.only(root, "", allowed);
        Path synth = root.hasNonNull("synthesis") ? base.resolve(root.get("synthesis").asText()).normalize() : null;
        Path run = root.hasNonNull("run") ? base.resolve(root.get("run").asText()).normalize() : null;
        if ((synth == null) == (run == null)) {
            throw new UserError("give exactly one of 'synthesis: run.yaml' (a synthesis to run) or 'run: DIR' (a "
                    + "finished synthesis run)");
        }
        if (synth != null && !Files.isRegularFile(synth)) {
            throw new UserError("synthesis: run config " + synth + " does not exist");
        }
        if (run != null && !Files.isRegularFile(run.resolve("run.yaml"))) {
            throw new UserError("run: " + run + " is not a synthesis run directory (no run.yaml)");
        }
        if (run != null && (root.hasNonNull("data") || root.hasNonNull("recipe"))) {
            throw new UserError("data and recipe come from the existing run's config when 'run' is given; remove them");
        }
        List<String> refs = new ArrayList<>();
        if (root.has("references")) {
            root.get("references").forEach(n -> refs.add(n.asText()));
        } else {
            refs.addAll(DEFAULT_REFERENCES);
        }
        for (String r : refs) {
            if (!Zoo.names().contains(r)) {
                throw new UserError("references: unknown architecture '" + r + "'; built-in architectures are "
                        + String.join(", ", Zoo.names()));
            }
        }
        List<Double> levels = new ArrayList<>();
        if (root.has("levels")) {
            root.get("levels").forEach(n -> levels.add(n.asDouble(Double.NaN)));
        } else {
            levels.addAll(List.of(0.5, 1.0, 1.5, 2.0));
        }
        if (levels.isEmpty() || levels.size() > 26 || levels.stream().anyMatch(l -> !(l >= 0))) {
            throw new UserError("levels must be a non-empty list of quality drops >= 0 (points of the task's metric below the prototype)");
        }
        Double ft = root.hasNonNull("finetuneEpochs") ? root.get("finetuneEpochs").asDouble() : null;
        if (ft != null && !(ft > 0)) {
            throw new UserError("finetuneEpochs must be > 0");
        }
        int samples = root.path("randomSamples").asInt(8);
        int latency = root.path("latencyRuns").asInt(50);
        int noiseSeeds = root.path("noiseSeeds").asInt(3);
        if (samples < 1 || latency < 1 || noiseSeeds < 0 || noiseSeeds == 1) {
            throw new UserError("randomSamples and latencyRuns must be >= 1, noiseSeeds 0 (not measured) or >= 2");
        }
        int fresh = root.path("freshSeeds").asInt(0);
        if (fresh < 0 || !root.path("freshSeeds").isMissingNode() && !root.path("freshSeeds").isInt()) {
            throw new UserError("freshSeeds must be a whole number >= 0 (0: no fresh networks of the run's generator)");
        }
        List<String> alts = new ArrayList<>();
        if (root.has("alternatives")) {
            root.get("alternatives").forEach(n -> alts.add(n.asText()));
        } else {
            alts.addAll(ALTERNATIVES);
        }
        for (String a : alts) {
            if (!ALTERNATIVES.contains(a)) {
                throw new UserError("alternatives: unknown '" + a + "'; use " + String.join(", ", ALTERNATIVES));
            }
        }
        JsonNode data = root.get("data");
        JsonNode recipe = root.get("recipe");
        if (data != null && data instanceof ObjectNode o && o.hasNonNull("dir")) {
            o.put("dir", base.resolve(o.get("dir").asText()).normalize().toString());
        }
        return new BenchmarkConfig(root.path("name").asText(defaultName), synth, run, data, recipe, List.copyOf(refs),
                List.copyOf(levels), ft, samples, latency, List.copyOf(alts), root.path("seed").asLong(1), noiseSeeds, fresh);
    }

    /** Whether two YAML texts hold the same tree (formatting and key order aside); throws when either is no YAML. */
    static boolean sameYaml(String a, String b) throws IOException {
        return YAML.readTree(a).equals(YAML.readTree(b));
    }

    /**
     * The synthesis config the benchmark runs: the given run config with the benchmark's data and
     * recipe, and the accuracy requirement set to the loosest level (relative paths made absolute).
     */
    String derivedRunConfig() {
        try {
            Path tmp = Files.createTempFile("gensynth-bench", ".yaml");
            try {
                Files.writeString(tmp, dev.gensynth.synthesis.SynthesisConfig.resolvedCopy(synthesisConfig));
                ObjectNode root = (ObjectNode) YAML.readTree(tmp.toFile());
                if (data != null) {
                    root.set("data", data);
                }
                if (recipe != null) {
                    ObjectNode pt = root.has("prototypeTraining") && root.get("prototypeTraining").isObject()
                            ? (ObjectNode) root.get("prototypeTraining") : root.putObject("prototypeTraining");
                    recipe.fields().forEachRemaining(e -> pt.set(e.getKey(), e.getValue()));
                }
                ObjectNode req = root.has("requirements") && root.get("requirements").isObject()
                        ? (ObjectNode) root.get("requirements") : root.putObject("requirements");
                req.remove(java.util.List.of("minTop1", "minQuality", "maxTop1Drop"));
                req.put("maxQualityDrop", loosestLevel());
                // the run hands over a generator per level: FermiNet-A, B, ... come from them
                var lv = root.putArray("levels");
                levels.forEach(lv::add);
                return YAML.writeValueAsString(root);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UserError("synthesis config " + synthesisConfig + " cannot be read: " + e.getMessage());
        }
    }
}

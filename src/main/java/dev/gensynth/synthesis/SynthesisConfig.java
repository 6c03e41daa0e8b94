package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gensynth.UserError;
import dev.gensynth.generator.Blocks;
import dev.gensynth.generator.Units;
import dev.gensynth.generator.Widths;
import dev.gensynth.data.DataSource;
import dev.gensynth.data.Dataset;
import dev.gensynth.djl.Network;
import dev.gensynth.model.Weights;
import dev.gensynth.requirements.Requirements;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.Shape;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.utility.Utilities;
import dev.gensynth.utility.Utility;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A synthesis run's configuration ({@code run.yaml}). Everything is checked when it is read,
 * before any data is loaded or anything is trained; errors name the file and the field.
 *
 * @param prototypeArch built-in architecture of the prototype, or null
 * @param prototypeSpec spec file of the prototype, or null
 * @param prototypeModel trained model directory used as the prototype as-is, or null
 * @param search how the inquisitor searches; see {@link Search}
 * @param levels top-1 drops below the prototype (points) at which the run also hands over a generator of
 *     its own ({@code levels: [0.5, 1.0, 1.5, 2.0]}: FermiNet-A, B, C, D), each from the best parent that
 *     meets that level; empty: only the run's requirement
 */
public record SynthesisConfig(String name, long seed, DataSource data, String prototypeArch, double prototypeWidth,
        Path prototypeSpec, Path prototypeModel, TrainConfig prototypeTraining, Requirements requirements,
        JsonNode utilityNode, Budget budget, TrainConfig finetune, Search search, TrainConfig generateFinetune,
        Shape folderShape, Distill distill, java.util.List<Double> levels) {

    /**
     * @param cycles most cycles to run
     * @param candidates networks probed per cycle, at most (a draw that repeats one already judged from the parent is drawn again, and left out when every seed repeats)
     * @param finetuneEpochs fine-tuning of each candidate, in passes over the training split
     * @param totalFinetuneEpochs cap on all candidates' fine-tuning together (null: 3× the prototype's)
     * @param wallMinutes stop after this much wall time (0: no limit)
     * @param patience stop after this many cycles without a better generator
     */
    public record Budget(int cycles, int candidates, double finetuneEpochs, Double totalFinetuneEpochs,
            double wallMinutes, int patience) {
    }

    /**
     * @param initialPush MACs ratio per cycle the inquisitor starts by asking for (0.7: 30 % fewer)
     * @param sharpness how decisively logits follow the importance ranking
     * @param minChannels every group keeps at least this many channels
     * @param widthMultiple generated widths are rounded to a multiple of this (1: any width; see {@link Widths})
     * @param skipBlocks whether generated networks may leave out residual blocks ({@link Blocks})
     * @param operators whether generated networks may replace standard convolutions by depthwise-separable
     *     pairs and kernels of 5 or more by smaller ones ({@link dev.gensynth.generator.Operators})
     * @param stimuli validation samples fed to each parent to observe channel importance
     * @param latencyRuns timed batch-1 passes per candidate (0: only when a requirement or U needs it)
     * @param aim what G aims at: {@code macs}, {@code latency} (predicted by the per-layer table, {@code
     *     dev.gensynth.latency}), or {@code auto}: latency when a requirement or U reads it, else MACs
     * @param promiseSamples networks the final generator makes, fine-tunes with the generate recipe and
     *     measures on validation to state how likely its networks meet r ({@code Promise}; 0: none)
     * @param promiseFraction share of the validation split held out from the search for the promise (null:
     *     {@link #PROMISE_FRACTION} of a split under {@link #SMALL_VALIDATION} images, none of a larger one)
     * @param groupBlame whether a candidate that fails r makes the channel groups it cut further than the
     *     candidates that met r weigh more in later plans ({@code Reactions.blameGroups}; off by default: one A/B
     *     each, it helped detection and slowed segmentation, bench/results/group_weights.md)
     * @param groupImportance how much a group's mean importance against the others' weighs its channels in G's
     *     plans, from 0 (only within its group) to 1 ({@link Units#groupImportance}); {@link
     *     #DEFAULT_GROUP_IMPORTANCE} by default
     * @param levelRatios the costs, as shares of its parent's, a requirement level's generator tries in turn
     *     ({@code LevelGenerators}): each sampled with the level's final fine-tuning, the next tried while the
     *     last met the promise's target, the last that met it kept; {@code [0.9]} (the default) only aims at 0.9
     * @param costWindow the generators handed over (the run's, the levels') make networks whose MACs lie within a
     *     factor 1 ± this of what they aim at ({@link dev.gensynth.generator.Generator}), so the promise's samples
     *     and the networks users generate cost what the level was judged at; 0 (the default): one free draw per
     *     seed, which keeps the networks of runs made without a window the same
     */
    public record Search(double initialPush, double sharpness, int minChannels, int widthMultiple,
            boolean skipBlocks, boolean operators, int stimuli, int latencyRuns, String aim, int promiseSamples, Double promiseFraction,
            boolean groupBlame, double groupImportance, java.util.List<Double> levelRatios, double costWindow) {
        /**
         * Below this many validation images, selecting parents on them over many cycles makes them optimistic:
         * 180 images came out 7 points above the test split after ten cycles (bench/results/small_data.md).
         */
        public static final int SMALL_VALIDATION = dev.gensynth.train.Trainer.SELECTION_MIN_IMAGES;
        public static final double PROMISE_FRACTION = 0.2;
        /**
         * One A/B per task (bench/results/group_importance.md): against 0, it took the detection search within a
         * point of the prototype from 2.7x to 4.2x fewer MACs, the classification demo from 4.7x to 7.1-9.1x (all
         * networks meeting r in both), and tied on segmentation at equal MACs with half the parameters.
         */
        public static final double DEFAULT_GROUP_IMPORTANCE = 0.5;
        /** A level's generator aims at 0.9 of its parent's cost, as the run's final generator does. */
        public static final java.util.List<Double> DEFAULT_LEVEL_RATIOS =
                java.util.List.of(dev.gensynth.inquisitor.Inquisitor.GENERATION_RATIO);

        /** The share of a validation split of {@code size} images that the promise is stated on alone. */
        public double promiseHoldout(int size) {
            if (promiseSamples == 0) {
                return 0;
            }
            return promiseFraction != null ? promiseFraction : size < SMALL_VALIDATION ? PROMISE_FRACTION : 0;
        }

        /** The widths the generator may give a group. */
        public Widths widths() {
            return new Widths(minChannels, widthMultiple);
        }

        /** Whether G aims at latency under {@code requirements} and {@code utility} ({@link #aim}). */
        public boolean aimsAtLatency(Requirements requirements, Utility utility) {
            return aim.equals("latency")
                    || aim.equals("auto") && (requirements.needsLatency() || utility.needsLatency());
        }

        /** The structural units of θG and how sharply they follow importance (aiming at MACs). */
        public Units units() {
            return new Units(sharpness, widths(), skipBlocks, operators, dev.gensynth.metrics.CostModel.Aim.MACS,
                    groupImportance, costWindow);
        }
    }

    /**
     * Distillation from the trained prototype while candidates and generated networks are
     * fine-tuned (section {@code distill}; absent: labels only).
     *
     * @param weight share of the distillation term in the loss, in (0, 1]
     * @param temperature softening of the prototype's scores
     */
    public record Distill(double weight, double temperature) {
        public Distill {
            Distillation.check(weight, temperature);
        }

        /** The trained prototype's softened scores on {@code train}, computed once, and the prototype itself. */
        public Distillation teacher(NetworkSpec prototype, Weights weights, Dataset train) {
            try (Network net = Network.create(prototype, weights)) {
                return Distillation.of(net, train, weight, temperature);
            }
        }
    }

    /** The trained prototype as teacher when the config has {@code distill}; null (labels only) when not. */
    public Distillation teacher(NetworkSpec prototype, Weights weights, Dataset train) {
        return distill == null ? null : distill.teacher(prototype, weights, train);
    }

    public Utility utility() {
        return Utilities.parse(utilityNode, "utility");
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static SynthesisConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError("run config " + file + " does not exist; pass --config with a run.yaml (see "
                    + "configs/demo.yaml)");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError("run config " + file + " is not valid YAML: " + e.getMessage().split("\n")[0]);
        }
        try {
            return SynthesisConfigParser.parse(root, file.getParent() == null ? Path.of(".") : file.getParent(),
                    file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        } catch (UserError e) {
            throw new UserError("run config " + file + ": " + e.getMessage());
        }
    }

    /** FermiNet-A, B, ... by level index. */
    public static String levelName(int i) {
        return String.valueOf((char) ('A' + i));
    }

    /**
     * The config as saved in a run directory: the same text with relative paths (data.dir,
     * prototype.spec, prototype.model) made absolute, so a resumed run finds the same files.
     */
    public static String resolvedCopy(Path file) {
        try {
            JsonNode root = YAML.readTree(file.toFile());
            Path base = file.toAbsolutePath().getParent();
            absolute(root.path("data"), "dir", base);
            absolute(root.path("prototype"), "spec", base);
            absolute(root.path("prototype"), "model", base);
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UserError("run config " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static void absolute(JsonNode section, String field, Path base) {
        if (section instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.hasNonNull(field)) {
            o.put(field, base.resolve(o.get(field).asText()).normalize().toString());
        }
    }
}

package dev.gensynth.cli;

import dev.gensynth.data.DataSource;
import dev.gensynth.djl.Network;
import dev.gensynth.task.Measure;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.OutputDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.model.Weights;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.task.ObjectDetection;
import dev.gensynth.task.Segmentation;
import dev.gensynth.task.Task;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a network on a dataset and save it as a model directory (spec.json, weights.npz, "
                + "metrics.json, training.json). The weights kept are those of the best validation epoch.")
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin
    NetworkOptions network;

    @Mixin
    DataOptions data;

    @Mixin
    RecipeOptions recipe;

    @Option(names = "--out", description = "Model directory to write (default: models/<network name>).")
    Path out;

    @Option(names = "--force", description = "Replace the contents of an existing output directory.")
    boolean force;

    @Option(names = "--latency-runs", defaultValue = "50", description = "Timed batch-1 passes for the latency.")
    int latencyRuns;

    @Override
    public Integer call() {
        DataSource source = data.source();
        TrainConfig cfg = recipe.config(source);
        // Validate everything cheap before loading data or training.
        if (out != null) {
            OutputDir.prepare(out, force, "--force");
        }
        DataSource.Data d = source.load(recipe.folderShape());
        Task task = Task.of(d.train());
        NetworkSpec spec = network.resolve(d.sampleShape(), d.classes(),
                task instanceof Segmentation ? "unet" : task instanceof ObjectDetection ? "centernet_resnet" : "resnet");
        Path dir = out != null ? out : OutputDir.prepare(Path.of("models", spec.name()), force, "--force");
        LOG.info("training {} on {} ({} train / {} validation / {} test samples of {})", spec.name(),
                source.kind(), d.train().size(), d.validation().size(), d.test().size(), d.sampleShape());
        try (Network net = Network.create(spec, Weights.initial(spec, cfg.seed()))) {
            TrainResult r;
            try {
                r = Trainer.train(net, d.train(), d.validation(), cfg, new ConsoleProgress(spec.name(), true));
            } catch (DivergedException e) {
                throw e.toUserError("'" + spec.name() + "'", "--lr, now " + cfg.learningRate());
            }
            Metrics m = Measure.of(net, d.test(), "test", latencyRuns);
            m = new ModelDir(dir).save(spec, r.weights(), m);
            new TrainingRecord(source, d.normalization(), cfg, r.epochs(), r.seconds(), r.imagesPerSecond()).save(dir);
            LOG.info("trained {} in {} s ({} img/s); best validation {} {}% at epoch {}", spec.name(),
                    String.format("%.0f", r.seconds()), String.format("%.0f", r.imagesPerSecond()), task.metric(),
                    String.format("%.2f", r.bestValidationQuality()), r.bestEpoch());
            System.out.print(EvaluateCommand.table(m));
            System.out.println("saved to " + dir);
        }
        return 0;
    }
}

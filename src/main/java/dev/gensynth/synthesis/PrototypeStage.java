package dev.gensynth.synthesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gensynth.UserError;
import dev.gensynth.data.DataSource;
import dev.gensynth.djl.Network;
import dev.gensynth.task.Measure;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.ModelDir;
import dev.gensynth.train.TrainingRecord;
import dev.gensynth.model.Weights;
import dev.gensynth.prototype.Prototype;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.spec.SpecIO;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import dev.gensynth.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the prototype φ ready: resolves it from the config, trains it with the prototype recipe
 * when it has no weights, measures it on validation and test, and keeps it in the run
 * directory so a resumed run never trains it twice.
 */
final class PrototypeStage {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PrototypeStage() {
    }

    /** The spec φ will have, known before any data is loaded (for config checks). */
    static NetworkSpec spec(SynthesisConfig cfg, dev.gensynth.spec.Shape input, int classes) {
        if (cfg.prototypeModel() != null) {
            return new ModelDir(cfg.prototypeModel()).spec();
        }
        if (cfg.prototypeSpec() != null) {
            NetworkSpec s = SpecIO.read(cfg.prototypeSpec());
            if (!s.input().equals(input)) {
                throw new UserError("prototype.spec " + cfg.prototypeSpec() + " declares input [" + s.input()
                        + "] but the data has samples of [" + input + "]");
            }
            return s;
        }
        return Zoo.get(cfg.prototypeArch(), input, classes, cfg.prototypeWidth());
    }

    static Prototype prepare(SynthesisConfig cfg, RunDir run, DataSource.Data data, NetworkSpec spec,
            TrainListener listener) {
        Path dir = run.prototypeDir();
        Path info = dir.resolve("prototype.json");
        if (Files.isRegularFile(info)) {
            ModelDir m = new ModelDir(dir);
            try {
                Prototype p = Prototype.read(info);
                NetworkSpec s = m.spec();
                return new Prototype(s, m.weights(s), p.validationQuality(), p.testQuality(), p.trainingEpochs(),
                        p.trainingSeconds());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Weights w;
        double epochs = 0;
        double seconds = 0;
        try (Network net = Network.create(spec, cfg.prototypeModel() != null
                ? new ModelDir(cfg.prototypeModel()).weights(spec) : Weights.initial(spec, cfg.seed()))) {
            if (cfg.prototypeModel() == null) {
                TrainResult r;
                try {
                    r = Trainer.train(net, data.train(), data.validation(), cfg.prototypeTraining(), listener);
                } catch (DivergedException e) {
                    throw e.toUserError("the prototype '" + spec.name() + "'", "prototypeTraining.learningRate, now "
                            + cfg.prototypeTraining().learningRate());
                }
                epochs = r.epochsRun();
                seconds = r.seconds();
                new TrainingRecord(cfg.data(), data.normalization(), cfg.prototypeTraining(), r.epochs(), r.seconds(),
                        r.imagesPerSecond()).save(dir);
            }
            w = net.weights();
            double val = dev.gensynth.task.Task.qualityOf(net, data.validation());
            Metrics m = Measure.of(net, data.test(), "test", 50);
            new ModelDir(dir).save(spec, w, m);
            Prototype p = new Prototype(spec, w, val, m.quality(), epochs, seconds);
            try {
                // prototype.json marks the prototype done: everything beside it must be on disk first
                AtomicFiles.syncTree(dir);
                AtomicFiles.write(info, JSON.writeValueAsBytes(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        }
    }
}

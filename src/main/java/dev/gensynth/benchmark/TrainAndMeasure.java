package dev.gensynth.benchmark;

import dev.gensynth.data.DataSource;
import dev.gensynth.djl.Network;
import dev.gensynth.export.OnnxLatency;
import dev.gensynth.metrics.Cost;
import dev.gensynth.metrics.Latency;
import dev.gensynth.task.Measure;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.io.AtomicFiles;
import dev.gensynth.model.ModelDir;
import dev.gensynth.model.Weights;
import dev.gensynth.provenance.Provenance;
import dev.gensynth.spec.NetworkSpec;
import dev.gensynth.train.DivergedException;
import dev.gensynth.train.Distillation;
import dev.gensynth.train.TrainConfig;
import dev.gensynth.train.TrainListener;
import dev.gensynth.train.TrainResult;
import dev.gensynth.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one step every network of the benchmark goes through, FermiNets, references and alternatives
 * alike: train (or fine-tune) it on the training split, measure it (validation quality, the task's metric, for picking;
 * test quality (and a segmenter's pixel accuracy), cost and batch-1 latency in DJL and ONNX Runtime for the table), save its model
 * directory and its row, judged at its level.
 */
final class TrainAndMeasure {
    /** What a row is about: its name, method, level, where it came from and the level it is judged at. */
    record Label(String name, String method, String level, String source, Double drop) {
    }

    private final Path benchmarkDir;
    private final DataSource.Data data;
    private final int latencyRuns;
    private final Levels levels;
    private final Consumer<String> log;
    private final Function<String, TrainListener> trainListeners;
    private final Carry carry;

    /**
     * @param levels what rows are judged at; null before the prototype is known (the references trained first):
     *     such rows are judged when the table is made
     * @param carry where finished steps are carried to, or null
     */
    TrainAndMeasure(Path benchmarkDir, DataSource.Data data, int latencyRuns, Levels levels, Consumer<String> log,
            Function<String, TrainListener> trainListeners, Carry carry) {
        this.benchmarkDir = benchmarkDir;
        this.data = data;
        this.latencyRuns = latencyRuns;
        this.levels = levels;
        this.log = log;
        this.trainListeners = trainListeners;
        this.carry = carry;
    }

    /** The same step, judging rows at these levels. */
    TrainAndMeasure judgingAt(Levels l) {
        return new TrainAndMeasure(benchmarkDir, data, latencyRuns, l, log, trainListeners, carry);
    }

    /** Keeps a finished step's row (which marks it done) and carries the step over, when carrying. */
    void record(Path d, Row row) {
        Rows.write(d, row);
        if (carry != null) {
            carry.keep(benchmarkDir, d);
        }
    }

    /** Trains {@code spec} from {@code init} into step directory {@code d}; a diverged one is a row with its reason. */
    Row train(NetworkSpec spec, Weights init, TrainConfig recipe, Distillation distill, Path d, Label label) {
        long t0 = System.nanoTime();
        try (Network net = Network.create(spec, init)) {
            TrainResult r = Trainer.train(net, data.train(), data.validation(), recipe, distill,
                    trainListeners.apply(label.name()));
            return measure(net, r.weights(), d, label, r.epochsRun(), r.seconds());
        } catch (DivergedException e) {
            // nothing to measure or save; the row keeps the reason (so a rerun does not train it again)
            log.accept(label.name() + ": " + e.reason() + "; rejected");
            Cost cost = Cost.of(spec);
            Row row = new Row(label.name(), label.method(), label.level(), label.source(), Double.NaN, Double.NaN,
                    null, null, cost.params(), cost.macs(), Double.NaN, Double.NaN, null, null, null, false,
                    List.of(e.reason()),
                    e.epochsRun(), (System.nanoTime() - t0) / 1e9, null, Provenance.current());
            record(d, row);
            return row;
        }
    }

    /** The shares of a budget that {@link #trainWithin} tries as schedule lengths: 1, 2, 4 and 8 fifteenths. */
    static final int[] LENGTHS = {1, 2, 4, 8};

    /**
     * Trains {@code spec} from {@code init} with at most {@code budget} epochs, which the alternatives get as a cap,
     * not a quota. With a validation split the trainer selects on (at least {@link Trainer#SELECTION_MIN_IMAGES}),
     * one schedule of the whole budget, its best epoch kept. Below that the trainer keeps the last epoch, and one
     * long schedule overfits: the width-scaled detector at 8.4 M MACs, 188.6 epochs of the prototype's recipe,
     * read 65.8 % mAP50 on validation at epoch 27 and ended at 58.2 % (55.81 % test). There the schedule's length is
     * chosen on validation, as a practitioner would: full schedules of 1, 2, 4 and 8 fifteenths of the budget, each
     * from {@code init} in its own step directory ({@code d/length-K}), doubling while the last one improved
     * validation; the row is the best on validation, and it counts the epochs of every schedule trained.
     */
    Row trainWithin(NetworkSpec spec, Weights init, TrainConfig recipe, double budget, Path d, Label label) {
        if (data.validation() == null || data.validation().size() >= Trainer.SELECTION_MIN_IMAGES) {
            return train(spec, init, recipe.withEpochs(budget), null, d, label);
        }
        Row best = null;
        double epochs = 0;
        double seconds = 0;
        List<String> tried = new ArrayList<>();
        int parts = java.util.Arrays.stream(LENGTHS).sum();
        for (int k : LENGTHS) {
            double e = budget * k / parts;
            Path rd = d.resolve("length-" + k);
            Row r = Rows.read(rd);
            if (r == null) {
                log.accept(label.name() + String.format(Locale.ROOT, ": a schedule of %.2f epochs (%d/%d of"
                        + " %.2f)", e, k, parts, budget));
                r = train(spec, init, recipe.withEpochs(e), null, rd, new Label(label.name(), label.method(),
                        label.level(), label.source() + String.format(Locale.ROOT, ", %d/%d of the budget",
                        k, parts), label.drop()));
            }
            epochs += r.trainEpochs();
            seconds += r.seconds();
            boolean better = r.measured() && (best == null || !best.measured()
                    || r.validationQuality() > best.validationQuality());
            tried.add(String.format(Locale.ROOT, "%.1f", e));
            if (better || best == null) {
                best = r;
            }
            if (!better) {
                break;
            }
        }
        Row row = best.spent(label.source() + String.format(Locale.ROOT, ", %.1f-epoch schedule (best on"
                + " validation of %s)", best.trainEpochs(), String.join(", ", tried)), epochs, seconds);
        record(d, row);
        return row;
    }

    /** Measures an already trained network (the run's prototype as a reference). */
    Row measure(NetworkSpec spec, Weights w, Path d, Label label, double epochs, double seconds) {
        try (Network net = Network.create(spec, w)) {
            return measure(net, w, d, label, epochs, seconds);
        }
    }

    private Row measure(Network net, Weights w, Path d, Label label, double epochs, double seconds) {
        double val = dev.gensynth.task.Task.qualityOf(net, data.validation());
        Metrics m = Measure.of(net, data.test(), "test", 0);
        Latency.Measurement[] timed = new Latency.Measurement[1];
        double perJoule = dev.gensynth.metrics.Energy.at(dev.gensynth.metrics.Energy.POWERCAP).inferencesPerJoule(
                () -> timed[0] = Latency.measure(net, warmup(), latencyRuns), warmup() + latencyRuns);
        Latency.Measurement lat = timed[0];
        m = m.withLatency(lat.medianMs(), lat.threads());
        m = m.withInferencesPerJoule(Double.isNaN(perJoule) ? null : perJoule);
        OnnxLatency.Timed ort = onnxLatency(net.spec(), w);
        if (ort != null) {
            m = m.withOnnxLatency(ort.ms(), ort.threads());
        }
        new ModelDir(d.resolve("model")).save(net.spec(), w, m);
        try {
            AtomicFiles.syncTree(d.resolve("model")); // row.json, written next, says the model is done
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Row row = new Row(label.name(), label.method(), label.level(), label.source(), m.quality(), val,
                m.pixelAccuracy(), m.cocoAp(), m.params(), m.macs(), m.informationDensity(), m.netScore(), m.latencyMs(),
                m.onnxLatencyMs(), m.inferencesPerJoule(), false, List.of(),
                epochs, seconds, benchmarkDir.relativize(d.resolve("model")).toString(), Provenance.current());
        row = levels != null ? levels.verdict(row, label.drop())
                : row.withVerdict(false, List.of("not judged yet: measured before the prototype was trained"));
        record(d, row);
        return row;
    }

    /**
     * Batch-1 latency in ONNX Runtime (the faster of one thread and every core), or null (logged) when the
     * network cannot be exported or run there.
     */
    OnnxLatency.Timed onnxLatency(NetworkSpec spec, Weights w) {
        try {
            return OnnxLatency.fastest(spec, w, warmup(), latencyRuns);
        } catch (RuntimeException e) {
            log.accept("ONNX Runtime latency of " + spec.name() + " not measured: " + e.getMessage());
            return null;
        }
    }

    int latencyRuns() {
        return latencyRuns;
    }

    int warmup() {
        return Math.min(Measure.WARMUP, latencyRuns);
    }
}

package dev.gensynth.benchmark;

import dev.gensynth.data.DataSource;
import dev.gensynth.metrics.Metrics;
import dev.gensynth.model.ModelDir;
import dev.gensynth.synthesis.SynthesisConfig;
import dev.gensynth.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A way practitioners make a network smaller without generative synthesis, run by the benchmark on
 * the same data, recipe and budget as the FermiNets it is compared with, one network per level.
 */
interface Alternative {
    /** Width scaling, L1 pruning and random sampling, in the order the benchmark runs them. */
    List<Alternative> ALL = List.of(new WidthScaling(), new L1Pruning(), new RandomSampling());

    /** Its name in the benchmark config's {@code alternatives}. */
    String key();

    /** Its rows' method, and its entry in the budget table. */
    String method();

    /**
     * Its networks, trained and measured.
     *
     * @param fermi FermiNet-A.. (their MACs are the targets)
     * @param prototypeEpochs P, the prototype's training, which methods starting from it share
     * @param budget B, what synthesis and the FermiNets' final fine-tuning spent, in epochs
     */
    List<Row> rows(Context c, List<Row> fermi, double prototypeEpochs, double budget);

    /** What every alternative works from. */
    record Context(Path dir, SynthesisConfig run, BenchmarkConfig cfg, DataSource.Data data, TrainAndMeasure step,
            Levels levels, Consumer<String> log, ModelDir prototype, Metrics prototypeMetrics, TrainConfig finetune) {
    }
}

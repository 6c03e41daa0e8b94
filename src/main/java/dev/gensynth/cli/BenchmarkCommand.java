package dev.gensynth.cli;

import dev.gensynth.benchmark.Benchmark;
import dev.gensynth.benchmark.BenchmarkConfig;
import dev.gensynth.benchmark.Results;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "FermiNet-A..D against reference networks and the usual alternatives (uniform width scaling, "
                + "L1-norm filter pruning, random sampling) with the same training budget: a table as Markdown, CSV"
                + " and JSON, ratios against each reference, front hypervolumes, and an HTML report. Every step is "
                + "kept in the output directory; running the same command again continues where it stopped.")
final class BenchmarkCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("gensynth");

    @Option(names = "--config", required = true, description = "Benchmark configuration (YAML); see "
            + "bench/fashion-mnist.yaml.")
    Path config;

    @Option(names = "--out", description = "Benchmark directory (default: bench-out/<config name>).")
    Path out;

    @Option(names = "--carry", description = "Carry finished steps (rows and small model files; weights only of the "
            + "run's own generator's parent, tens of kilobytes) to this "
            + "directory and restore them from it, for a benchmark longer than the sessions or machines it runs on; "
            + "the synthesis is run again with the same seed and must reproduce the carried one.")
    Path carry;

    @Override
    public Integer call() {
        BenchmarkConfig cfg = BenchmarkConfig.load(config);
        Path dir = out != null ? out : Path.of("bench-out", cfg.name());
        Results r = new Benchmark(cfg, dir, LOG::info, name -> new ConsoleProgress(name, true),
                new SynthesisProgress()).carriedIn(carry).run();
        System.out.print(r.markdown());
        System.out.println("\nresults: " + dir.resolve("results.md") + ", report: " + dir.resolve("report.html"));
        return 0;
    }
}

package dev.gensynth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A run taken through the commands as a user would, what the task-specific CLI tests share. */
final class CliRuns {
    private CliRuns() {
    }

    /**
     * Synthesises with {@code cfg} into {@code run}, generates seeds 1 and 2 into {@code gen}, checks each generated
     * model's {@code metrics.json} has {@code metric} (the task's primary metric field), evaluates and inspects the
     * first of them; returns its model directory.
     */
    static Path synthesizeGenerateEvaluate(Path cfg, Path run, Path gen, String metric) throws Exception {
        CliErrorsTest.Result r = CliErrorsTest.run("synthesize", "--config", cfg.toString(), "--out", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        CliErrorsTest.Result g = CliErrorsTest.run("generate", "--run", run.toString(), "--seeds", "1..2", "--out",
                gen.toString());
        assertThat(g.code()).as(g.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<Path> metrics;
        try (var s = Files.walk(gen)) {
            metrics = s.filter(f -> f.getFileName().toString().equals("metrics.json")).sorted().toList();
        }
        assertThat(metrics).hasSize(2);
        for (Path f : metrics) {
            assertThat(json.readTree(f.toFile()).path(metric).isNumber()).as(f.toString()).isTrue();
        }
        Path first = metrics.get(0).getParent();
        Path eval = gen.resolveSibling(gen.getFileName() + "-eval.json");
        CliErrorsTest.Result ev = CliErrorsTest.run("evaluate", "--model", first.toString(), "--latency-runs", "2",
                "--json", eval.toString());
        assertThat(ev.code()).as(ev.err()).isZero();
        assertThat(json.readTree(eval.toFile()).path(metric).isNumber()).isTrue();
        CliErrorsTest.Result in = CliErrorsTest.run("inspect", first.resolve("spec.json").toString());
        assertThat(in.code()).as(in.err()).isZero();
        return first;
    }
}

package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the visual report of a synthesis run: one self-contained HTML file (plots embedded) with "
                + "the requirements, accuracy-vs-MACs scatter and Pareto front, per-cycle curves, every candidate's "
                + "verdict with reasons, the generated networks and their per-layer widths. Safe on a running run.")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "Synthesis run directory.")
    Path run;

    @Option(names = "--out", description = "HTML file to write (default: RUN/report.html).")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isDirectory(run) || !Files.isRegularFile(run.resolve("run.yaml"))) {
            throw new UserError(run + " is not a synthesis run directory (no run.yaml); pass the directory "
                    + "'gensynth synthesize' wrote");
        }
        Path f = out != null ? RunReport.write(run, out) : RunReport.write(run);
        System.out.println("report: " + f.toAbsolutePath().normalize());
        return 0;
    }
}

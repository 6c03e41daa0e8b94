package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.synthesis.RunDir;
import dev.gensynth.synthesis.Synthesis;
import dev.gensynth.synthesis.SynthesisConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "synthesize", mixinStandardHelpOptions = true,
        description = "Learn a generator of efficient networks from a prototype under operational requirements. "
                + "Every cycle is checkpointed to the run directory; --resume continues an interrupted run, or a finished "
                + "one whose run.yaml now gives it a larger budget.")
final class SynthesizeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Run configuration (YAML); see configs/demo.yaml.")
    Path config;

    @Option(names = "--out", description = "Run directory to create (default: runs/<config name>).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run in DIR, or search further in a finished one "
            + "whose DIR/run.yaml was given a larger budget.")
    Path resume;

    @Option(names = "--force", description = "Replace the contents of an existing run directory.")
    boolean force;

    @Override
    public Integer call() {
        RunDir.Progress p;
        Path dir;
        if (resume != null) {
            if (config != null) {
                throw new UserError("--resume continues a run with the configuration saved in it; do not give --config");
            }
            dir = resume;
            p = Synthesis.resume(resume, new SynthesisProgress());
        } else {
            if (config == null) {
                throw new UserError("give --config run.yaml to start a run, or --resume DIR to continue one");
            }
            SynthesisConfig cfg = SynthesisConfig.load(config);
            dir = out != null ? out : Path.of("runs", cfg.name());
            p = Synthesis.start(config, cfg, dir, force, new SynthesisProgress());
        }
        System.out.println("report: " + dev.gensynth.report.RunReport.write(dir));
        System.out.printf("synthesis finished after %d cycles (%s); %.2f epochs of fine-tuning, %.0f s. Run: %s%n",
                p.cycles(), p.stopReason(), p.finetuneEpochs(), p.seconds(), dir);
        System.out.println("next: bin/gensynth generate --run " + dir + " --seeds 100..103");
        return 0;
    }
}

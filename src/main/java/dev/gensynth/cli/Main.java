package dev.gensynth.cli;

import dev.gensynth.UserError;
import dev.gensynth.djl.NativeGate;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gensynth} command line. User errors exit with code 2 and one paragraph, no stack trace. */
@Command(name = "gensynth", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Generative synthesis of efficient neural networks.",
        subcommands = {InspectCommand.class, TrainCommand.class, EvaluateCommand.class, ExportCommand.class,
                SynthesizeCommand.class, GenerateCommand.class, ReportCommand.class, BenchmarkCommand.class,
                DoctorCommand.class, DownloadCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static final int USER_ERROR = 2;

    public static void main(String[] args) {
        NativeGate.installShutdownHook();
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #run(String...)}, with picocli's own output (help, errors) sent to the given writers. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof UserError)) {
                t = t.getCause();
            }
            if (t != null) {
                cmd.getErr().println("error: " + t.getMessage());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            throw ex;
        });
        return cli.execute(args);
    }
}

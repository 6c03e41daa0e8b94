package dev.gensynth.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which oneDNN kernels libtorch may use here. oneDNN reads its ISA limit once, when libtorch loads,
 * so a setting cannot change inside a running JVM: each candidate is checked in a child JVM started
 * with it, and the launcher ({@code bin/gensynth}) and the test build start the real JVM with the
 * widest setting that passes ({@code java -cp ... dev.gensynth.engine.Kernels choose}).
 *
 * <p>{@code GENSYNTH_KERNELS} forces a setting ({@code auto}, the default, chooses); so does an ISA
 * limit the user set in {@code DNNL_MAX_CPU_ISA} or {@code ONEDNN_MAX_CPU_ISA}. A forced setting is
 * still checked before the first network is built, and refused if it fails.
 */
public final class Kernels {
    /**
     * Set by the launcher and the test build next to the ISA variables they exported: {@code forced}
     * when they passed on the user's own setting, anything else when the self-check chose it.
     */
    public static final String CHOSEN = "GENSYNTH_KERNELS_CHOSEN";
    /** oneDNN's "no restriction". */
    public static final String ALL = "ALL";

    /** What the CPU reports, for the cache key and messages. */
    public record Cpu(String model, Set<String> flagSet) {
        public String describe() {
            return model;
        }

        public String flags() {
            return String.join(" ", flagSet);
        }

        /** The flags that decide which oneDNN ISA applies (for {@code doctor}). */
        public String relevantFlags() {
            List<String> r = new ArrayList<>();
            for (String f : flagSet) {
                if (f.startsWith("avx") || f.startsWith("sse4") || f.startsWith("amx") || f.equals("fma")) {
                    r.add(f);
                }
            }
            return String.join(" ", r);
        }
    }

    /** The setting chosen, why, and the verdicts consulted. */
    public record Choice(String setting, String reason, List<EngineCheck.Report> tried) {
        public boolean found() {
            return setting != null;
        }
    }

    private static Cpu cpu;

    private Kernels() {
    }

    /** The forced setting and what forced it, or null when gensynth chooses. */
    public static String forced() {
        String g = System.getenv("GENSYNTH_KERNELS");
        if (g != null && !g.isBlank() && !g.trim().equalsIgnoreCase("auto")) {
            return "GENSYNTH_KERNELS=" + g.trim().toUpperCase(Locale.ROOT);
        }
        if (System.getenv(CHOSEN) != null && !System.getenv(CHOSEN).equals("forced")) {
            return null; // the ISA variables hold what the launcher or the build chose, not the user's wish
        }
        for (String v : new String[] {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) {
                return v + "=" + s.trim().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The settings worth checking on this CPU, widest first. */
    static List<String> ladder(Set<String> flags) {
        List<String> l = new ArrayList<>();
        l.add(ALL);
        if (flags.isEmpty()) {
            // no flags to read (no /proc/cpuinfo): try the x86 levels oneDNN knows, widest first
            l.addAll(List.of("AVX512_CORE", "AVX2", "AVX", "SSE41"));
            return l;
        }
        boolean avx512 = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
        if (avx512 && flags.contains("avx512_bf16")) {
            l.add("AVX512_CORE_BF16");
        }
        if (avx512 && flags.contains("avx512_vnni")) {
            l.add("AVX512_CORE_VNNI");
        }
        if (avx512) {
            l.add("AVX512_CORE");
        }
        if (flags.contains("avx2") && flags.contains("avx_vnni")) {
            l.add("AVX2_VNNI");
        }
        if (flags.contains("avx2")) {
            l.add("AVX2");
        }
        if (flags.contains("avx")) {
            l.add("AVX");
        }
        l.add("SSE41");
        return l;
    }

    /**
     * The widest setting that passes the self-check on this machine (verdicts from the cache, or
     * from a child JVM per setting the first time), or the forced one.
     */
    public static Choice choose() {
        String f = forced();
        if (f != null) {
            return new Choice(f.substring(f.indexOf('=') + 1), "forced by " + f, List.of());
        }
        List<EngineCheck.Report> tried = new ArrayList<>();
        boolean said = false;
        for (String s : ladder(cpu().flagSet())) {
            EngineCheck.Report r = EngineCheck.cached(s);
            if (r == null) {
                if (!said) {
                    System.err.println("gensynth: checking libtorch's kernels on this CPU (once per machine, about a "
                            + "minute)...");
                    said = true;
                }
                r = checkInChild(s);
            }
            tried.add(r);
            if (r.passed()) {
                String why = tried.size() == 1 ? "the default kernels pass the self-check"
                        : "kernel setting " + tried.get(0).setting() + " computes wrong results on this CPU ("
                                + tried.get(0).failure() + "); " + s + " is the widest that passes";
                return new Choice(s, why, tried);
            }
        }
        return new Choice(null, "no kernel setting passes the engine self-check on " + cpu().describe() + " (widest: "
                + tried.get(0).failure() + "; narrowest: " + tried.get(tried.size() - 1).failure() + ")", tried);
    }

    /** Runs the canary in a JVM started with the given setting; its verdict lands in the cache. */
    static EngineCheck.Report checkInChild(String setting) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-D") || a.startsWith("-Xmx")) {
                cmd.add(a);
            }
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        cmd.add("-XX:ErrorFile=" + tmp.resolve("gensynth-engine-check-hs_err_%p.log")); // not in the user's folder
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Kernels.class.getName());
        cmd.add("check");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DNNL_MAX_CPU_ISA", setting);
        pb.environment().put("ONEDNN_MAX_CPU_ISA", setting);
        pb.environment().remove("GENSYNTH_KERNELS");
        try {
            Path log = Files.createTempFile("gensynth-engine-check-", ".log");
            Path report = Files.createTempFile("gensynth-engine-check-", ".json");
            cmd.add(report.toString());
            Process p = pb.command(cmd).redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            // the child's own report, which does not depend on the cache being writable
            EngineCheck.Report r = Files.size(report) > 0 ? EngineCheck.JSON.readValue(report.toFile(),
                    EngineCheck.Report.class) : null;
            Files.deleteIfExists(report);
            if (r == null) {
                // wrong kernels can crash or hang as well as miscompute: a check that did not finish fails
                r = new EngineCheck.Report(setting, cpu().describe(), EngineCheck.libtorchVersion(),
                        EngineCheck.CANARY_VERSION, false, List.of(new Canary.Outcome("self-check", "JVM", Double.NaN,
                                Double.NaN, Double.NaN, (ended ? "crashed with exit code " + p.exitValue()
                                        : "did not finish in 10 minutes") + " (its output: " + log + ")", false)),
                        0, java.time.Instant.now().toString());
            } else {
                Files.deleteIfExists(log);
            }
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a JVM for the engine self-check: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the engine self-check", e);
        }
    }

    /** Model name and flags from /proc/cpuinfo (os.arch and no flags where there is none). */
    public static synchronized Cpu cpu() {
        if (cpu == null) {
            String model = System.getProperty("os.arch");
            Set<String> flags = new TreeSet<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    int colon = line.indexOf(':');
                    if (colon < 0) {
                        continue;
                    }
                    String key = line.substring(0, colon).trim();
                    String value = line.substring(colon + 1).trim();
                    if (key.equals("model name") && model.equals(System.getProperty("os.arch"))) {
                        model = value;
                    } else if (key.equals("flags") && flags.isEmpty()) {
                        flags.addAll(List.of(value.split("\\s+")));
                    }
                }
            } catch (IOException e) {
                // no /proc/cpuinfo (not Linux): the model stays the architecture, the ladder its default
            }
            cpu = new Cpu(model, flags);
        }
        return cpu;
    }

    /**
     * {@code check [REPORT]}: runs the canary with this JVM's setting, caches it and writes the report
     * to REPORT too (exit 0 when it passes, 1 when not). {@code choose}: prints the setting to use and
     * whether it was {@code forced} or chosen ({@code auto}) on stdout (for the launcher), and one line
     * on stderr when it is not the default; exit 3 when no setting passes. {@code properties FILE}:
     * writes {@code gensynth.kernels=SETTING} for the Maven build.
     */
    public static void main(String[] args) throws IOException {
        String cmd = args.length == 0 ? "choose" : args[0];
        switch (cmd) {
            case "check" -> {
                EngineCheck.Report r = EngineCheck.runAndCache(true);
                if (args.length > 1) {
                    EngineCheck.JSON.writeValue(Path.of(args[1]).toFile(), r);
                }
                System.exit(r.passed() ? 0 : 1);
            }
            case "choose", "properties" -> {
                Choice c = choose();
                if (!c.found()) {
                    System.err.println("gensynth: " + c.reason() + ". gensynth refuses to train on wrong numbers; "
                            + "'bin/gensynth doctor' shows every check, and GENSYNTH_KERNELS=SETTING forces one at your "
                            + "own risk of wrong results (it is still checked, and refused if it fails).");
                    System.exit(3);
                }
                if (!c.setting().equals(ALL) && !c.reason().startsWith("forced")) {
                    System.err.println("gensynth: " + c.reason() + "; running with DNNL_MAX_CPU_ISA=" + c.setting()
                            + " ('gensynth doctor' for details, GENSYNTH_KERNELS to force a setting).");
                }
                if (cmd.equals("choose")) {
                    System.out.println(c.setting() + " " + (c.reason().startsWith("forced") ? "forced" : "auto"));
                } else {
                    Path f = Path.of(args[1]);
                    Files.createDirectories(f.toAbsolutePath().getParent());
                    Files.writeString(f, "gensynth.kernels=" + c.setting() + "\n");
                }
                System.exit(0);
            }
            default -> {
                System.err.println("usage: Kernels check | choose | properties FILE");
                System.exit(2);
            }
        }
    }
}
